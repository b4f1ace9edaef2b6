"""Reading a REFI-QDA project file into plain records, before anything touches the database.

Read leniently, as files from NVivo, ATLAS.ti, MAXQDA, QualCoder and others differ (see the fixtures'
README): the project XML may be any single ``*.qde`` in the archive, the sources folder any case, the
namespace any version, GUIDs any case with or without braces, source texts UTF-8 with or without BOM (or
UTF-16 with one) and CRLF or LF, or inline in ``<PlainTextContent>``. Positions are converted to code points
by the convention :func:`~codeer.interop.refi_text.choose_units` finds for the file.

What codeer cannot hold (pictures, PDF, audio and video sources, codings of a whole source, cases of
selections, sets, links, graphs, ...) is listed in :attr:`QdpxContent.not_imported`, never dropped silently.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import Element

from codeer.codebook.slug import is_valid_id, slugify
from codeer.errors import CodeerError
from codeer.interop.refi import (
    MAX_NAME_LENGTH,
    ReadCodebook,
    norm_guid,
    read_codebooks,
    read_fields,
    strip_namespaces,
    unique_key,
)
from codeer.interop.refi_text import OffsetMap, SourceLayout, Units, choose_units
from codeer.interop.xmlsafe import SafeZip, parse_xml

MAX_SHORT = 200  # the width of key and name columns (coders, attributes, speakers)
SOURCE_FIELDS = ("Key", "Untitled", "Language", "Speakers")
CASE_FIELDS = ("Speaker",)
OTHER_SOURCES = {
    "PictureSource": "a picture",
    "PDFSource": "a PDF",
    "AudioSource": "audio",
    "VideoSource": "video",
}


@dataclass(frozen=True)
class NoteContent:
    title: str
    text: str
    user: str | None
    created: datetime | None


@dataclass
class SelectionCoding:
    code: str | None
    user: str | None
    created: datetime | None
    notes: list[str]


@dataclass
class Placement:
    """A coding (or a note) of the source, on passage ``index``: ``start``/``end`` None for the whole."""

    index: int
    start: int | None
    end: int | None


@dataclass
class SourceCodings:
    """One selection's codings and notes, placed on the passages it touches."""

    places: list[Placement]
    codings: list[SelectionCoding]
    notes: list[str]
    user: str | None


@dataclass
class TextContent:
    """A text source: its transcript fields, passages and the selections on them."""

    guid: str
    key: str
    title: str
    preamble: str
    language: str | None
    text: str
    layout: SourceLayout
    attributes: dict[str, str] = field(default_factory=dict)
    speakers: dict[str, dict[str, str]] = field(default_factory=dict)
    selections: list[SourceCodings] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    content_hash: str = ""


@dataclass
class QdpxContent:
    path: Path
    origin: str
    units: Units
    users: dict[str, str]
    codebooks: list[ReadCodebook]
    code_keys: dict[str, tuple[str, str]]  # code GUID -> (codebook key, code key)
    sources: list[TextContent]
    notes: dict[str, NoteContent]
    project_notes: list[str]
    project_user: str | None
    not_imported: list[str] = field(default_factory=list)
    adjusted: list[str] = field(default_factory=list)


def _when(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


def _refs(element: Element, tag: str) -> list[str]:
    return [g for ref in element.findall(tag) if (g := norm_guid(ref.get("targetGUID")))]


def decode_source(data: bytes, name: str, path: Path) -> str:
    """A source text's characters, line breaks untouched (positions count them): UTF-8 (a BOM is dropped,
    it is not counted), or UTF-16 with its BOM."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            data, encoding = data[len(bom) :], codec
            break
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise CodeerError(
            f"source text {name!r} is not valid {encoding.upper()} (byte {exc.start})", path
        ) from exc


# A reference with a scheme other than internal:// ("relative://", "absolute://", "file:///") or an absolute
# path ("/home/...", "C:\\...") names a file outside the archive.
_EXTERNAL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|/|[A-Za-z]:[\\/]")


class _Reader:
    def __init__(self, path: Path, archive: SafeZip) -> None:
        self.path = path
        self.archive = archive
        self.not_imported: list[str] = []
        self.adjusted: list[str] = []

    def member_text(self, reference: str, what: str) -> str | None:
        """The text a ``plainTextPath`` names, if it is inside the archive.

        ``internal://name`` is the standard's way; a bare name without a scheme (``board_2017.txt``, as qc
        writes it) is looked up in ``sources/`` too. ``relative://``, ``absolute://`` and other schemes point
        outside the file: listed as not imported.
        """
        if reference.lower().startswith("internal://"):
            name = reference[len("internal://") :]
        elif _EXTERNAL.match(reference):
            self.not_imported.append(f"{what}: its text is outside the file ({reference}), not imported")
            return None
        else:
            name = reference
        member = self.archive.find(f"sources/{name}") or self.archive.find(name)
        if member is None:
            raise CodeerError(f"{what}: the archive has no sources/{name}", self.path)
        return decode_source(self.archive.read(member), member, self.path)

    def text_of(self, element: Element, what: str) -> str | None:
        inline = element.find("PlainTextContent")
        if inline is not None:
            return inline.text or ""
        reference = element.get("plainTextPath")
        if reference:
            return self.member_text(reference, what)
        return None

    def notes(self, root: Element) -> dict[str, NoteContent]:
        notes: dict[str, NoteContent] = {}
        for note in root.findall("Notes/Note"):
            guid = norm_guid(note.get("guid"))
            title = note.get("name") or ""
            text = self.text_of(note, f"note {title!r}")
            if guid is None or text is None:
                self.not_imported.append(f"note {title!r}: no GUID or no plain text, not imported")
                continue
            notes[guid] = NoteContent(
                title, text.strip(), norm_guid(note.get("creatingUser")), _when(note.get("creationDateTime"))
            )
        return notes


def _values(element: Element, variables: dict[str, str], where: str, adjusted: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for value in element.findall("VariableValue"):
        ref = (
            norm_guid(variable.get("targetGUID"))
            if (variable := value.find("VariableRef")) is not None
            else None
        )
        name = variables.get(ref or "")
        if name is None:
            adjusted.append(f"{where}: a value of an unknown variable is left out")
            continue
        content = next((child.text or "" for child in value if child.tag != "VariableRef"), "")
        values[name] = content.strip()
    return values


def _selections(source: Element) -> list[tuple[Element, int, int]]:
    found = []
    for selection in source.findall("PlainTextSelection"):
        try:
            found.append(
                (selection, int(selection.get("startPosition", "")), int(selection.get("endPosition", "")))
            )
        except ValueError:
            found.append((selection, -1, -1))
    return found


def _label(selection: Element) -> str:
    return selection.get("name") or selection.findtext("Description") or ""


def read_qdpx(path: Path) -> QdpxContent:
    """Everything codeer can take from the QDPX file at ``path``; raises :class:`CodeerError` if it is not
    a readable project."""
    with SafeZip(path) as archive:
        qde = [n for n in archive.names() if n.lower().endswith(".qde")]
        if len(qde) != 1:
            raise CodeerError(
                "not a QDPX project: "
                + (f"several .qde files ({', '.join(qde)})" if qde else "no .qde file inside"),
                path,
            )
        root = strip_namespaces(parse_xml(archive.read(qde[0]), f"{path}:{qde[0]}"))
        if root.tag != "Project":
            raise CodeerError(f"not a REFI-QDA project: the root element is <{root.tag}>", path)
        reader = _Reader(path, archive)
        return _read_project(reader, root)


def _read_project(reader: _Reader, root: Element) -> QdpxContent:
    path = reader.path
    origin = root.get("origin") or ""
    users = {}
    for user in root.findall("Users/User"):
        guid = norm_guid(user.get("guid"))
        if guid:
            users[guid] = (user.get("name") or user.get("id") or f"user-{guid[:8]}").strip()[:MAX_SHORT]
    name = (root.get("name") or "").strip()
    books = read_codebooks(
        root.find("CodeBook/Codes"),
        slugify(path.stem) or "qdpx",
        name or path.stem,
        path,
        only_sole_wrapper=False,
    )
    code_keys = {guid: (book.spec.key, key) for book in books for guid, key in book.keys.items()}
    for book in books:
        reader.adjusted.extend(book.adjusted)
    variables = {
        g: (v.get("name") or "").strip()[:MAX_SHORT]
        for v in root.findall("Variables/Variable")
        if (g := norm_guid(v.get("guid")))
    }
    notes = reader.notes(root)

    texts: list[tuple[Element, str, str]] = []
    sources_element = root.find("Sources")
    for source in sources_element if sources_element is not None else []:
        what = f"source {source.get('name') or source.get('guid')!r}"
        if source.tag in OTHER_SOURCES:
            count = sum(len(s.findall("Coding")) for s in source.iter() if s is not source) + len(
                source.findall("Coding")
            )
            reader.not_imported.append(
                f"{what}: {OTHER_SOURCES[source.tag]} cannot be coded in codeer; "
                f"not imported ({count} coding(s))"
            )
            continue
        if source.tag != "TextSource":
            continue
        text = reader.text_of(source, what)
        if text is None:
            reader.not_imported.append(f"{what}: no plain text (only rich text), not imported")
            continue
        texts.append((source, text, what))

    units, _ = choose_units(
        [(text, [(s, e, _label(sel)) for sel, s, e in _selections(source)]) for source, text, _ in texts],
        origin,
    )
    used: set[str] = set()
    sources = [
        _read_source(source, text, what, units, variables, used, reader) for source, text, what in texts
    ]
    _apply_cases(root, sources, variables, reader)
    for kind in ("Links/Link", "Sets/Set", "Graphs/Graph"):
        count = len(root.findall(kind))
        if count:
            reader.not_imported.append(
                f"{count} {kind.split('/')[1].lower()}(s): codeer has no such thing; not imported"
            )
    for content in sources:
        content.content_hash = hashlib.sha256(
            (
                content.text
                + repr(sorted(content.attributes.items()))
                + repr(sorted(content.speakers.items()))
            ).encode("utf-8")
        ).hexdigest()
    return QdpxContent(
        path=path,
        origin=origin,
        units=units,
        users=users,
        codebooks=books,
        code_keys=code_keys,
        sources=sources,
        notes=notes,
        project_notes=_refs(root, "NoteRef"),
        project_user=norm_guid(root.get("creatingUserGUID")),
        not_imported=reader.not_imported,
        adjusted=reader.adjusted,
    )


def _read_source(
    source: Element,
    text: str,
    what: str,
    units: Units,
    variables: dict[str, str],
    used: set[str],
    reader: _Reader,
) -> TextContent:
    name = (source.get("name") or "").strip()
    body, fields = read_fields(source.findtext("Description") or "", SOURCE_FIELDS)
    given = dict(fields)
    wanted = given.get("Key", "")
    key = wanted if is_valid_id(wanted) else slugify(name) or "source"
    key = unique_key(key, used)
    content = TextContent(
        guid=norm_guid(source.get("guid")) or key,
        key=key,
        title="" if given.get("Untitled") == "yes" else name[:MAX_NAME_LENGTH],
        preamble=body,
        language=given.get("Language") or None,
        text=text,
        layout=SourceLayout(text, one_per_line="Key" in given, labels=given.get("Speakers") != "none"),
    )
    content.attributes = _values(source, variables, what, reader.adjusted)
    content.notes = _refs(source, "NoteRef")
    offsets = OffsetMap(text, units)
    for selection, start, end in _selections(source):
        sel_what = f"{what}, selection {start}–{end}"
        s, e = offsets.to_code_point(start), offsets.to_code_point(end)
        codings = [
            SelectionCoding(
                norm_guid(ref.get("targetGUID")) if (ref := c.find("CodeRef")) is not None else None,
                norm_guid(c.get("creatingUser")),
                _when(c.get("creationDateTime")),
                _refs(c, "NoteRef"),
            )
            for c in selection.findall("Coding")
        ]
        notes = _refs(selection, "NoteRef")
        places = (
            [Placement(*p) for p in content.layout.locate(s, e)] if s is not None and e is not None else []
        )
        if not places:
            why = (
                "outside the text" if s is None or e is None else "on no passage text (blank or a label only)"
            )
            reader.not_imported.append(
                f"{sel_what}: {why}; its {len(codings)} coding(s) and {len(notes)} note(s) not imported"
            )
            continue
        content.selections.append(
            SourceCodings(places, codings, notes, norm_guid(selection.get("creatingUser")))
        )
    whole = source.findall("Coding")
    if whole:
        reader.not_imported.append(
            f"{what}: {len(whole)} coding(s) of the whole source (not of its text) not imported"
        )
    return content


def _apply_cases(
    root: Element, sources: list[TextContent], variables: dict[str, str], reader: _Reader
) -> None:
    """Attributes held by cases: of a speaker (a ``Speaker:`` field, or a case named like a speaker of its one
    source), else of the transcripts the case refers to."""
    by_guid = {s.guid: s for s in sources}
    conflicts: dict[tuple[str, str], set[str]] = defaultdict(set)
    for case in root.findall("Cases/Case"):
        name = (case.get("name") or "").strip()
        what = f"case {name or case.get('guid')!r}"
        values = _values(case, variables, what, reader.adjusted)
        refs = [by_guid[g] for g in _refs(case, "SourceRef") if g in by_guid]
        _, fields = read_fields(case.findtext("Description") or "", CASE_FIELDS)
        speaker = dict(fields).get("Speaker")
        if speaker is None and len(refs) == 1 and any(p.speaker == name for p in refs[0].layout.passages):
            speaker = name
        if case.findall("SelectionRef") or case.findall("CodeRef"):
            reader.not_imported.append(f"{what}: its links to selections and codes are not imported")
        if not refs:
            if values:
                reader.not_imported.append(
                    f"{what}: refers to no text source; its {len(values)} value(s) not imported"
                )
            continue
        for source in refs:
            if speaker:
                source.speakers.setdefault(speaker, {}).update(values)
                continue
            for attribute, value in values.items():
                if source.attributes.setdefault(attribute, value) != value:
                    conflicts[(source.key, attribute)].add(value)
    for (key, attribute), left_out in sorted(conflicts.items()):
        reader.adjusted.append(
            f"transcript {key}: attribute {attribute!r} has several values in cases; kept "
            f"{next(s for s in sources if s.key == key).attributes[attribute]!r}, left out "
            f"{', '.join(sorted(left_out))}"
        )
