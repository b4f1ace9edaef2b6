"""What QDPX (projects) and QDC (codebooks) share: namespaces, GUIDs, codes as XML, codeer's fields in text.

REFI-QDA has fewer fields than codeer. What has no element of its own travels in a ``<Description>`` as a
*field block*: the description's last paragraph, made only of ``Name: value`` lines (a value's further lines
are indented by two spaces)::

    Klanten voelen zich gehoord.           <- the definition, as any QDA program shows it

    Include: ...
    Example: first example
    Example: second example
    Key: oprechte-empathie

Other programs show the block as text and keep it when they write the file again, so a project that went
through NVivo or QualCoder still comes back with its code ids, hotkeys and transcript keys. A description
whose last paragraph is not such a block is plain text.

GUIDs are written lowercase and derived, never random: ``uuid5(project namespace, "kind:key")``, so the same
project exported twice yields the same GUIDs. They are read in any case, with or without braces.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement

from codeer.codebook.keys import hotkey_problem
from codeer.codebook.slug import MAX_ID_LENGTH, is_valid_id, slugify
from codeer.codebook.spec import CodebookSpec, CodeSpec

MAX_NAME_LENGTH = 500  # the width of the code name column

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

#: The namespace of namespaces: a project's own GUID namespace is derived from it and the project's uuid.
CODEER_NS = uuid.UUID("6c0d3e2a-5b1f-5c8e-9a47-3f2d1e0c4b7a")

_GUID = re.compile(r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?")
_FIELD = re.compile(r"([A-Z][A-Za-z ]{0,30}): ?(.*)")
_COLOR = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def derive_guid(namespace: uuid.UUID, kind: str, *key: object) -> str:
    """A stable GUID for the thing ``kind`` called ``key`` (parts joined with U+001F) in one project."""
    return str(uuid.uuid5(namespace, kind + ":" + "\x1f".join(str(k) for k in key)))


def norm_guid(value: str | None) -> str | None:
    """``{ABC...}`` or ``abc...`` to lowercase ``abc...``; None for a missing or malformed GUID."""
    if not value:
        return None
    m = _GUID.fullmatch(value.strip())
    return m.group(1).lower() if m else None


def local(tag: str) -> str:
    """An element's name without its namespace: vendors spell the namespace differently."""
    return tag.rsplit("}", 1)[-1]


def strip_namespaces(root: Element) -> Element:
    """Rename every element to its local name, so that ``:1.0``, ``:1:0`` and ``:0:4`` files read alike."""
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = local(element.tag)
    return root


def norm_color(value: str | None) -> str | None:
    """``#ABC`` / ``#AABBCC`` / ``aabbcc`` to codeer's ``#aabbcc``; None if it is not a colour."""
    m = _COLOR.fullmatch((value or "").strip())
    if not m:
        return None
    digits = m.group(1).lower()
    return "#" + (digits if len(digits) == 6 else "".join(c * 2 for c in digits))


# --- field blocks in descriptions ------------------------------------------------------------------------


def write_fields(body: str, fields: Iterable[tuple[str, str]]) -> str:
    """``body`` followed by a field block of the non-empty ``(name, value)`` pairs."""
    lines = [f"{name}: " + value.strip().replace("\n", "\n  ") for name, value in fields if value.strip()]
    body = body.strip()
    if not lines:
        return body
    block = "\n".join(lines)
    return f"{body}\n\n{block}" if body else block


def read_fields(text: str, known: Iterable[str]) -> tuple[str, list[tuple[str, str]]]:
    """Split a description into its body and the ``(name, value)`` pairs of its field block.

    Only a last paragraph whose every line is a known field (or continues one) is a block; anything else is
    all body, so ordinary prose ending in ``Note: ...`` stays prose unless ``Note`` is a known field.
    """
    text = (text or "").replace("\r\n", "\n").strip()
    head, sep, tail = text.rpartition("\n\n")
    names = set(known)
    fields: list[tuple[str, str]] = []
    for line in tail.split("\n"):
        if line.startswith("  ") and fields:
            name, value = fields[-1]
            fields[-1] = (name, f"{value}\n{line[2:]}")
            continue
        m = _FIELD.fullmatch(line)
        if not m or m.group(1) not in names:
            return text, []
        fields.append((m.group(1), m.group(2)))
    return (head.strip() if sep else ""), fields


# --- codes as XML (the same element in a project's CodeBook and in a QDC file) -----------------------------

CODE_FIELDS = ("Include", "Exclude", "Example", "Keyword", "Hotkey", "Key", "Memo")
CODEBOOK_FIELDS = ("Codebook",)


def code_description(code: CodeSpec, memo: str = "") -> str:
    """A code's definition with its other codeer fields (and its memo, in a QDC) as a field block."""
    return write_fields(
        code.definition,
        [("Include", code.include), ("Exclude", code.exclude)]
        + [("Example", e) for e in code.examples]
        + [("Keyword", k) for k in code.keywords]
        + [("Hotkey", code.hotkey or ""), ("Key", code.key), ("Memo", memo)],
    )


@dataclass(frozen=True)
class CodeFields:
    """What a code's description says: the definition and the fields codeer wrote (or a person typed)."""

    definition: str
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    hotkey: str | None = None
    key: str | None = None


def parse_code_description(text: str) -> CodeFields:
    body, fields = read_fields(text, CODE_FIELDS)
    first: dict[str, str] = {}
    for name, value in fields:
        first.setdefault(name, value)
    return CodeFields(
        definition=body,
        include=first.get("Include", ""),
        exclude=first.get("Exclude", ""),
        examples=tuple(v for n, v in fields if n == "Example"),
        keywords=tuple(v for n, v in fields if n == "Keyword"),
        hotkey=first.get("Hotkey") or None,
        key=first.get("Key") or None,
    )


def add_code_elements(
    parent: Element,
    codes: list[CodeSpec],
    guids: Mapping[str, str],
    *,
    namespace: str,
    notes: Mapping[str, list[str]] | None = None,
    memos: Mapping[str, str] | None = None,
) -> None:
    """Append ``<Code>`` elements for ``codes`` (flat, pre-order, parents by key) under ``parent``.

    ``guids`` maps a code key to its GUID; ``notes`` (projects only) maps a code key to the GUIDs of the
    notes about it. Codes inside a QDC file may not carry ``NoteRef`` (Codebook.xsd has none).
    """
    q = f"{{{namespace}}}"
    elements: dict[str | None, Element] = {None: parent}
    for code in codes:
        attrs = {"guid": guids[code.key], "name": code.name, "isCodable": "true"}
        if code.color:
            attrs["color"] = code.color
        element = SubElement(elements[code.parent_key], q + "Code", attrs)
        description = code_description(code, (memos or {}).get(code.key, ""))
        if description:
            SubElement(element, q + "Description").text = description
        for note in (notes or {}).get(code.key, ()):
            SubElement(element, q + "NoteRef", {"targetGUID": note})
        elements[code.key] = element


def add_codebook_element(
    parent: Element,
    spec: CodebookSpec,
    guids: Mapping[str, str],
    wrapper_guid: str,
    *,
    namespace: str,
    notes: Mapping[str, list[str]] | None = None,
    memos: Mapping[str, str] | None = None,
) -> None:
    """A codebook as a category (a code that cannot be coded) holding its codes (:func:`read_codebooks`)."""
    q = f"{{{namespace}}}"
    wrapper = SubElement(
        parent, q + "Code", {"guid": wrapper_guid, "name": spec.title or spec.key, "isCodable": "false"}
    )
    SubElement(wrapper, q + "Description").text = write_fields(spec.description, [("Codebook", spec.key)])
    add_code_elements(wrapper, spec.codes, guids, namespace=namespace, notes=notes, memos=memos)


# --- reading codes ---------------------------------------------------------------------------------------


@dataclass
class ReadCodebook:
    """A codebook read from XML: the spec to load, each code GUID's key, and what had to be adjusted."""

    spec: CodebookSpec
    keys: dict[str, str] = field(default_factory=dict)
    code_notes: dict[str, list[str]] = field(default_factory=dict)  # code key -> GUIDs of notes about it
    adjusted: list[str] = field(default_factory=list)


@dataclass
class _Node:
    guid: str
    name: str
    codable: bool
    color: str | None
    fields: CodeFields
    children: list[_Node]
    notes: list[str]


def _read_nodes(parent: Element, where: str, seen: set[str], adjusted: list[str]) -> list[_Node]:
    nodes = []
    for number, element in enumerate((e for e in parent if e.tag == "Code"), start=1):
        name = (element.get("name") or "").strip() or "(unnamed)"
        guid = norm_guid(element.get("guid"))
        if guid is None or guid in seen:
            adjusted.append(
                f"code {name!r}: {'duplicate' if guid else 'missing or malformed'} GUID "
                f"{element.get('guid')!r}; codings that name it go to the first code with it"
            )
            guid = str(uuid.uuid5(CODEER_NS, f"code:{where}/{number}"))
        seen.add(guid)
        if len(name) > MAX_NAME_LENGTH:
            adjusted.append(f"code {name[:40]!r}...: name shortened to {MAX_NAME_LENGTH} characters")
            name = name[:MAX_NAME_LENGTH]
        description = element.findtext("Description") or ""
        nodes.append(
            _Node(
                guid=guid,
                name=name,
                codable=(element.get("isCodable") or "true").strip().lower() not in ("false", "0"),
                color=norm_color(element.get("color")),
                fields=parse_code_description(description),
                children=_read_nodes(element, f"{where}/{number}", seen, adjusted),
                notes=[g for r in element.findall("NoteRef") if (g := norm_guid(r.get("targetGUID")))],
            )
        )
    return nodes


def _is_wrapper(node: _Node) -> bool:
    return not node.codable and bool(read_fields(node.fields.definition, CODEBOOK_FIELDS)[1])


def _flatten(nodes: list[_Node], parent: str | None, depth: int) -> Iterable[tuple[_Node, str | None, int]]:
    for node in nodes:
        yield node, parent, depth
        yield from _flatten(node.children, node.guid, depth + 1)


def unique_key(candidate: str, used: set[str]) -> str:
    """``candidate``, or ``candidate-2``, ``-3``... if taken (kept within the id length); marks it used."""
    key, n = candidate, 1
    while key in used:
        n += 1
        suffix = f"-{n}"
        key = candidate[: MAX_ID_LENGTH - len(suffix)] + suffix
    used.add(key)
    return key


def _book(key: str, title: str, description: str, nodes: list[_Node], source: Path) -> ReadCodebook:
    """Keys from the codes' ``Key`` fields where valid and unique, else from their names (``-2``, ``-3``
    for repeats); hotkeys kept where valid and unique in the codebook."""
    flat = list(_flatten(nodes, None, 0))
    book = ReadCodebook(CodebookSpec(key=key, title=title, description=description, codes=[], source=source))
    used: set[str] = set()
    for node, _, _ in flat:
        wanted = node.fields.key
        if wanted and is_valid_id(wanted) and wanted not in used:
            used.add(wanted)
            book.keys[node.guid] = wanted
    for node, _, _ in flat:
        if node.guid not in book.keys:
            book.keys[node.guid] = unique_key(slugify(node.name) or "code", used)
    hotkeys: set[str] = set()
    for position, (node, parent, depth) in enumerate(flat):
        fields = node.fields
        hotkey = fields.hotkey
        if hotkey is not None and (hotkey_problem(hotkey) or hotkey in hotkeys):
            book.adjusted.append(
                f"code {node.name!r}: hotkey {hotkey!r} left out "
                f"({hotkey_problem(hotkey) or 'already used in the codebook'})"
            )
            hotkey = None
        if hotkey is not None:
            hotkeys.add(hotkey)
        if node.notes:
            book.code_notes[book.keys[node.guid]] = node.notes
        book.spec.codes.append(
            CodeSpec(
                key=book.keys[node.guid],
                name=node.name,
                definition=fields.definition,
                include=fields.include,
                exclude=fields.exclude,
                examples=fields.examples,
                keywords=fields.keywords,
                hotkey=hotkey,
                color=node.color,
                parent_key=book.keys[parent] if parent else None,
                position=position,
                depth=depth,
            )
        )
    return book


def read_codebooks(
    codes: Element | None, default_key: str, default_title: str, source: Path, *, only_sole_wrapper: bool
) -> list[ReadCodebook]:
    """The codebooks in a ``<Codes>`` element (namespaces already stripped).

    A top-level code that cannot be coded and whose description has a ``Codebook: key`` field is a codebook
    that codeer wrote; its children are that codebook's codes. Every other code belongs to the codebook
    ``default_key``. With ``only_sole_wrapper`` (a QDC file, which loads as one codebook) a wrapper is
    unpacked only when it is the file's only top-level code.
    """
    adjusted: list[str] = []
    nodes = _read_nodes(codes, "", set(), adjusted) if codes is not None else []
    wrappers = [n for n in nodes if _is_wrapper(n)]
    if only_sole_wrapper and (len(nodes) != 1 or len(wrappers) != 1):
        wrappers = []
    books: list[ReadCodebook] = []
    used: set[str] = set()
    for wrapper in wrappers:
        body, fields = read_fields(wrapper.fields.definition, CODEBOOK_FIELDS)
        wanted = dict(fields)["Codebook"]
        key = unique_key(wanted if is_valid_id(wanted) else slugify(wanted) or "codebook", used)
        books.append(_book(key, wrapper.name, body, wrapper.children, source))
    rest = [n for n in nodes if n not in wrappers]
    if rest or not books:
        books.append(_book(unique_key(default_key, used), default_title, "", rest, source))
    books[0].adjusted[:0] = adjusted
    return books
