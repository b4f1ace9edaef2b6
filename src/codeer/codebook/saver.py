"""Writing a codebook back to YAML, so the file stays the readable definition of the study.

Saving over the file a codebook came from edits that file in place with a round-trip YAML library
(ruamel.yaml): the author's comments, the order of fields and codes, quoting and folded text stay as written;
only what changed in the project changes in the file (a code's new name, a moved or merged code, a code made
while coding). A new file is written in the layout of the bundled codebooks.

Whatever is written is read back with codeer's own loader before it is used, and must give the same codebook:
a value that YAML would read as something else (``no``, ``on``, ``1.0``) is quoted, and if anything still
differs, nothing is written.
"""

from __future__ import annotations

import io
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    ScalarString,
)

from codeer.codebook.loader import parse_codebook
from codeer.codebook.spec import CodebookSpec, CodeSpec
from codeer.errors import CodeerError
from codeer.yamlguard import check_nesting

# Field order of a code in a new file (the loader's order); the YAML name of each CodeSpec field.
CODE_ORDER = (
    "id",
    "name",
    "definition",
    "include",
    "exclude",
    "examples",
    "keywords",
    "key",
    "color",
    "codes",
)
YAML_NAME = {
    "key": "id",
    "name": "name",
    "definition": "definition",
    "include": "include",
    "exclude": "exclude",
    "examples": "examples",
    "keywords": "keywords",
    "hotkey": "key",
    "color": "color",
}


def _yaml() -> YAML:
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 110
    return rt


def _scalar(text: str, like: object = None) -> Any:
    """``text`` as a YAML scalar that PyYAML reads back as this very string, in the style of ``like``."""
    if isinstance(like, ScalarString) and str(like) == text:
        return like
    if "\n" in text:
        return LiteralScalarString(text)
    if isinstance(like, FoldedScalarString | LiteralScalarString):
        return type(like)(text)
    try:
        plain = yaml.safe_load(text) == text and text == text.strip()
    except yaml.YAMLError:
        plain = False
    return text if plain and not text.startswith(("#", "'", '"')) else DoubleQuotedScalarString(text)


def _value(spec: CodeSpec, field: str) -> Any:
    value = getattr(spec, field)
    if isinstance(value, tuple):
        return list(value)
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _set(node: CommentedMap, name: str, value: Any) -> None:
    """Set ``node[name]`` keeping the style of what was there; drop the field when the value is empty; new
    fields go in the loader's order among the fields present."""
    if _empty(value):
        if name in node:
            del node[name]
        return
    current = node.get(name)
    if isinstance(value, list):
        if isinstance(current, list) and list(current) == value:
            return
        items = [_scalar(v) for v in value]
        seq = CommentedSeq(items)
        if isinstance(current, CommentedSeq) and current.fa.flow_style():
            seq.fa.set_flow_style()
        value = seq
    else:
        if current is not None and str(current) == value and isinstance(current, str):
            return
        value = _scalar(value, current)
    if name in node:
        node[name] = value
        return
    rank = CODE_ORDER.index(name) if name in CODE_ORDER else len(CODE_ORDER)
    position = sum(1 for key in node if key in CODE_ORDER and CODE_ORDER.index(key) < rank)
    node.insert(position, name, value)


def _code_maps(items: Any, found: dict[str, CommentedMap]) -> None:
    """Every code mapping in the original file, by id."""
    if not isinstance(items, list):
        return
    for item in items:
        if isinstance(item, CommentedMap):
            if isinstance(item.get("id"), str):
                found[str(item["id"]).strip()] = item
            _code_maps(item.get("codes"), found)


def _tree(spec: CodebookSpec, old: dict[str, CommentedMap], parent: str | None, before: Any) -> Any:
    """The list of ``parent``'s children (None: the top level), reusing the file's mappings by id, and the
    file's list itself (``before``) when it holds the same codes in the same order."""
    children = spec.children(parent)
    if not children:
        return None
    maps = []
    for child in children:
        node = old.get(child.key, CommentedMap())
        for field, name in YAML_NAME.items():
            _set(node, name, _value(child, field))
        sub = _tree(spec, old, child.key, node.get("codes"))
        if sub is None:
            node.pop("codes", None)
        elif node.get("codes") is not sub:
            node["codes"] = sub
        maps.append(node)
    same = isinstance(before, CommentedSeq) and len(before) == len(maps)
    if same and all(a is b for a, b in zip(before, maps, strict=True)):
        return before
    return CommentedSeq(maps)


def render_codebook(spec: CodebookSpec, original: str | None = None) -> str:
    """The YAML text of ``spec``: ``original`` (the file's text) edited in place, or a new file."""
    if not original or not original.strip():
        return _dump(spec, None)
    edited = _dump(spec, original)
    return _merge(original, _dump(None, original), edited)


def _merge(original: str, baseline: str, edited: str) -> str:
    """``original`` with the changes that turn ``baseline`` into ``edited``.

    ruamel.yaml keeps comments and order, but not every line break of the author's (a flow list wrapped by
    hand comes out re-wrapped). ``baseline`` is the original as ruamel writes it unchanged, so the difference
    between ``baseline`` and ``edited`` is exactly what changed in the codebook; every stretch it leaves alone
    is copied from the original as the author wrote it.
    """
    base, mine, new = (t.splitlines(keepends=True) for t in (baseline, original, edited))
    changed = [False] * len(base)
    inserts: list[list[str]] = [[] for _ in range(len(base) + 1)]
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, base, new, autojunk=False).get_opcodes():
        if tag != "equal":
            changed[i1:i2] = [True] * (i2 - i1)
            inserts[i1].extend(_trim(line) for line in new[j1:j2])  # ruamel leaves a space where it wraps
    out: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, base, mine, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                out.extend(inserts[i1 + k])
                if not changed[i1 + k]:
                    out.append(mine[j1 + k])
        elif not any(changed[i1:i2]) and not any(inserts[i] for i in range(i1 + 1, i2)):
            out.extend(inserts[i1])
            out.extend(mine[j1:j2])
        else:
            for i in range(i1, i2):
                out.extend(inserts[i])
                if not changed[i]:
                    out.append(_trim(base[i]))
    out.extend(inserts[len(base)])
    return "".join(out)


def _trim(line: str) -> str:
    return line.rstrip(" \n") + "\n" if line.endswith("\n") else line.rstrip(" ")


def _dump(spec: CodebookSpec | None, original: str | None) -> str:
    """ruamel.yaml's text of ``original`` updated to ``spec`` (None: unchanged), or of ``spec`` alone."""
    rt = _yaml()
    doc = rt.load(original) if original else None
    if spec is None:
        out = io.StringIO()
        rt.dump(doc, out)
        return out.getvalue()
    if not isinstance(doc, CommentedMap):
        doc = CommentedMap()
    old: dict[str, CommentedMap] = {}
    _code_maps(doc.get("codes"), old)
    for name, value in (("codebook", spec.key), ("title", spec.title), ("description", spec.description)):
        if _empty(value) and name != "codebook":
            doc.pop(name, None)
        elif not (isinstance(doc.get(name), str) and str(doc[name]).strip() == value):
            if name in doc:
                doc[name] = _scalar(value, doc[name])
            else:
                doc.insert(
                    min(("codebook", "title", "description").index(name), len(doc)), name, _scalar(value)
                )
    codes = _tree(spec, old, None, doc.get("codes"))
    if codes is None:
        doc.pop("codes", None)
    elif doc.get("codes") is not codes:
        doc["codes"] = codes
    out = io.StringIO()
    rt.dump(doc, out)
    return out.getvalue()


def save_codebook(spec: CodebookSpec, path: Path, *, keep_formatting: bool = True) -> str:
    """Write ``spec`` to ``path`` (editing the file in place when it exists) and return the text written.

    Raises :class:`CodeerError`, writing nothing, when the text would not load back as the same codebook.
    """
    original = None
    if keep_formatting and path.exists():
        try:
            original = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CodeerError(f"cannot read the file to update it: {exc}", path) from exc
    if original:
        check_nesting(original, path, what="the codebook")  # codeer's limit, before ruamel.yaml composes it
    try:
        text = render_codebook(spec, original)
    except (YAMLError, RecursionError) as exc:
        raise CodeerError(
            f"cannot update the file in place, it is not valid YAML ({exc.__class__.__name__}); "
            "fix it, or write a new file with -o",
            path,
        ) from exc
    if original and not _loads_as(text, path, spec):
        text = _dump(spec, original)  # the careful merge went wrong: ruamel's own edit is still faithful
    if not _loads_as(text, path, spec):
        raise CodeerError(
            "the YAML written would not load back as the same codebook; nothing was written", path
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return text


def _loads_as(text: str, path: Path, spec: CodebookSpec) -> bool:
    try:
        return same_codebook(parse_codebook(text, path), spec)
    except CodeerError:
        return False


def _shape(spec: CodebookSpec) -> tuple:
    return (
        spec.key,
        spec.title,
        spec.description,
        [
            (
                c.key,
                c.name,
                c.definition,
                c.include,
                c.exclude,
                tuple(c.examples),
                tuple(c.keywords),
                c.hotkey,
                c.color,
                c.parent_key,
            )
            for c in spec.codes
        ],
    )


def same_codebook(a: CodebookSpec, b: CodebookSpec) -> bool:
    """The same codebook: codebook fields, and every code's fields, parent and place in the order."""
    return _shape(a) == _shape(b)
