"""A transcript's metadata: YAML front matter, ``metadata.csv``, a sidecar ``NAME.yaml``, ``speakers.csv``.

Researchers keep case attributes (organisation, date, group) wherever suits them: in the file's head, in one
spreadsheet for the whole folder, or in a small YAML file beside a transcript whose format has no head (VTT,
SRT, DOCX). All three are read into one :class:`Meta` and merged, later sources winning per key:

    front matter  <  metadata.csv  <  sidecar NAME.yaml

Every value becomes a string exactly as written: ``007`` stays ``007`` (not 7), ``yes`` stays ``yes`` (not
True), a date ``2021-03-09`` stays ISO (YAML reads it as a date object; we keep its text). A YAML list becomes
its items joined with ``", "``; empty and ``null`` values are skipped, so they never blank out an earlier
source.
The keys ``id`` (overrides the key), ``title`` and ``speakers`` are not attributes.

``speakers:`` (front matter or sidecar) maps a speaker's name to a mapping of attributes, or is a list of
names. ``speakers.csv`` (columns ``transcript,speaker,...``) adds speaker attributes; a row with an empty
``transcript`` cell applies to that speaker in every transcript of the folder. Speaker attributes merge per
attribute: front matter < speakers.csv (all transcripts) < speakers.csv (this transcript) < sidecar.

A sheet (``metadata.csv`` or ``speakers.csv``) may be comma-, semicolon- (Dutch Excel) or tab-separated:
the separator most frequent in its header line is used. Its ``transcript`` cell names the transcript by
file name (``ret-q2.vtt``), by stem (``ret-q2``) or by id, ignoring case. Sheets are parsed once per
version of the file (cached on path, modification time and size), so importing a folder of thousands of
transcripts reads its sheet once.
"""

from __future__ import annotations

import csv
import io
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from codeer.errors import CodeerError
from codeer.ingest.encoding import decode
from codeer.ingest.turns import clean
from codeer.yamlread import read_nodes

METADATA_SHEET = "metadata.csv"
MAX_COLUMNS = 500  # attributes per sheet, or per transcript or speaker in YAML: far beyond any study
MAX_SHEET_BYTES = 50 * 1024 * 1024
SPEAKERS_SHEET = "speakers.csv"
SIDECAR_SUFFIXES = (".yaml", ".yml")
RESERVED = ("id", "title", "speakers")

_NULL_TAG = "tag:yaml.org,2002:null"


@dataclass
class Meta:
    """Metadata from one source (or several merged): all strings, ``None`` where the source is silent."""

    id: str | None = None
    title: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    speakers: dict[str, dict[str, str]] = field(default_factory=dict)

    def update(self, later: Meta) -> None:
        """Merge ``later`` over this one: its values win per key (per speaker attribute for speakers)."""
        if later.id is not None:
            self.id = later.id
        if later.title is not None:
            self.title = later.title
        self.attributes.update(later.attributes)
        for name, attrs in later.speakers.items():
            self.speakers.setdefault(name, {}).update(attrs)


def read_regular(path: Path) -> bytes:
    """A metadata file's bytes: a regular file of at most :data:`MAX_SHEET_BYTES`, else a CodeerError.

    Checked before opening: opening a FIFO blocks, and a link to ``/dev/zero`` never ends.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise CodeerError("not a regular file (a FIFO, socket or device): not read", path)
        with path.open("rb") as handle:
            data = handle.read(MAX_SHEET_BYTES + 1)
    except OSError as exc:
        raise CodeerError(f"cannot read: {exc.strerror or exc}", path) from exc
    if len(data) > MAX_SHEET_BYTES:
        raise CodeerError(f"larger than {MAX_SHEET_BYTES // 2**20} MB: not a metadata file", path)
    return data


# --- YAML (front matter and sidecars) -------------------------------------------------------------------


def split_front_matter(text: str, path: Path) -> tuple[Meta, int]:
    """The front matter's metadata and the index of the first body line (0 without front matter).

    Front matter sits between a ``---`` line at the very top and the next ``---`` (or ``...``) line.
    """
    if not text.startswith("---"):
        return Meta(), 0
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return Meta(), 0
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            return parse_yaml_meta("\n".join(lines[1:end]), path, first_line=2, what="front matter"), end + 1
    raise CodeerError("front matter is not closed: add a '---' line after it", path, 1)


def parse_yaml_meta(text: str, path: Path, first_line: int = 1, what: str = "metadata") -> Meta:
    """A YAML mapping of attributes (plus ``id``, ``title``, ``speakers``) as a :class:`Meta`.

    Read as nodes rather than Python values, so numbers and booleans keep their written form and every
    problem can name its line (``first_line`` is the file line of the text's first line).
    """
    root = read_nodes(text, path, what=what, first_line=first_line)
    meta = Meta()
    if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == _NULL_TAG):
        return meta
    if not isinstance(root, yaml.MappingNode):
        raise CodeerError(
            f"{what} must be a mapping of 'key: value' lines", path, first_line + root.start_mark.line
        )

    def line_of(node: yaml.Node) -> int:
        return first_line + node.start_mark.line

    if len(root.value) > MAX_COLUMNS:
        raise CodeerError(
            f"{what} has {len(root.value):,} keys; at most {MAX_COLUMNS} are read", path, first_line
        )
    seen: dict[str, int] = {}
    for key_node, value_node in root.value:
        key = _scalar(key_node, path, line_of(key_node), "a key")
        if not key:
            raise CodeerError(f"{what} has an empty key", path, line_of(key_node))
        if key in seen:
            raise CodeerError(f"key {key!r} appears twice (also line {seen[key]})", path, line_of(key_node))
        seen[key] = line_of(key_node)
        if key == "speakers":
            meta.speakers = _speakers(value_node, path, line_of)
            continue
        value = _value(value_node, path, line_of(value_node), key)
        if not value:
            continue
        if key == "id":
            meta.id = value
        elif key == "title":
            meta.title = value
        else:
            meta.attributes[key] = value
    return meta


def _scalar(node: yaml.Node, path: Path, line: int, what: str) -> str:
    """A scalar node's text as written ('' for null)."""
    if not isinstance(node, yaml.ScalarNode):
        raise CodeerError(f"{what} must be a single value", path, line)
    if node.tag == _NULL_TAG:
        return ""
    return str(node.value).strip()


def _value(node: yaml.Node, path: Path, line: int, key: str) -> str:
    """An attribute's value: a scalar, or a list of scalars joined with ', '."""
    if isinstance(node, yaml.SequenceNode):
        items = [_scalar(item, path, line, f"each item of {key!r}") for item in node.value]
        return ", ".join(item for item in items if item)
    return _scalar(node, path, line, f"{key!r} (a mapping is only allowed under 'speakers')")


def _speakers(node: yaml.Node, path: Path, line_of: Callable[[yaml.Node], int]) -> dict[str, dict[str, str]]:
    """``speakers:`` as a mapping name → attributes, or a list of names."""
    speakers: dict[str, dict[str, str]] = {}
    if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
        return speakers
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            name = clean(_scalar(item, path, line_of(item), "each speaker"))
            if name:
                speakers[name] = {}
        return speakers
    if not isinstance(node, yaml.MappingNode):
        raise CodeerError(
            "'speakers' must map each name to attributes like 'role: moderator'", path, line_of(node)
        )
    for name_node, attrs_node in node.value:
        name = clean(_scalar(name_node, path, line_of(name_node), "a speaker's name"))
        attrs: dict[str, str] = {}
        if isinstance(attrs_node, yaml.MappingNode):
            for key_node, value_node in attrs_node.value:
                key = _scalar(key_node, path, line_of(key_node), "a key")
                value = _value(value_node, path, line_of(value_node), key)
                if key and value:
                    attrs[key] = value
        elif not (isinstance(attrs_node, yaml.ScalarNode) and attrs_node.tag == _NULL_TAG):
            raise CodeerError(
                f"speaker {name!r} must map to attributes like 'role: moderator'", path, line_of(attrs_node)
            )
        if name:
            speakers.setdefault(name, {}).update(attrs)
    return speakers


def read_sidecar(transcript: Path) -> Meta:
    """The sidecar ``NAME.yaml`` (or ``NAME.yml``) beside ``transcript``; empty Meta if there is none."""
    found = [p for p in (transcript.with_name(transcript.stem + s) for s in SIDECAR_SUFFIXES) if p.is_file()]
    if not found:
        return Meta()
    if len(found) > 1:
        raise CodeerError(
            f"two sidecars for one transcript: {found[0].name} and {found[1].name}; keep one", found[1]
        )
    sidecar = found[0]
    data = read_regular(sidecar)
    return parse_yaml_meta(decode(data, sidecar), sidecar, what="sidecar")


# --- sheets (metadata.csv, speakers.csv) ----------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One sheet row: its line, transcript cell, speaker cell (speakers.csv) and other non-empty cells."""

    line: int
    transcript: str
    speaker: str
    cells: dict[str, str]


@dataclass(frozen=True)
class Sheet:
    """A parsed sheet, indexed by the case-folded ``transcript`` cell."""

    path: Path
    rows: tuple[Row, ...]
    index: dict[str, tuple[Row, ...]]

    def find(self, names: Iterable[str]) -> list[Row]:
        """Rows whose transcript cell is any of ``names`` (file name, stem, ids), in sheet order."""
        rows = {row.line: row for name in names if name for row in self.index.get(name.casefold(), ())}
        return [rows[line] for line in sorted(rows)]


def metadata_for(transcript: Path, names: Iterable[str]) -> Meta:
    """The ``metadata.csv`` row for ``transcript`` (matched by any of ``names``); two rows are an error."""
    sheet = _sheet(transcript.parent / METADATA_SHEET, speakers=False)
    meta = Meta()
    if sheet is None:
        return meta
    rows = sheet.find(names)
    if len(rows) > 1:
        raise CodeerError(
            f"transcript {rows[0].transcript!r} has two rows (lines {rows[0].line} and {rows[1].line})",
            sheet.path,
            rows[1].line,
        )
    for row in rows:
        for key, value in row.cells.items():
            if key == "id":
                meta.id = value
            elif key == "title":
                meta.title = value
            elif key != "speakers":
                meta.attributes[key] = value
    return meta


def speakers_for(transcript: Path, names: Iterable[str], present: set[str]) -> dict[str, dict[str, str]]:
    """Speaker attributes from ``speakers.csv`` beside ``transcript``.

    Rows for this transcript apply to their speaker whether or not they speak; rows with an empty
    ``transcript`` cell apply to every transcript where that speaker (in ``present``) speaks. Two rows for
    one speaker at one level are an error, as two rows for one transcript are in ``metadata.csv``.
    """
    sheet = _sheet(transcript.parent / SPEAKERS_SHEET, speakers=True)
    speakers: dict[str, dict[str, str]] = {}
    if sheet is None:
        return speakers
    for rows in ([r for r in sheet.index.get("", ()) if r.speaker in present], sheet.find(names)):
        first: dict[str, int] = {}
        for row in rows:
            if row.speaker in first:
                raise CodeerError(
                    f"speaker {row.speaker!r} has two rows (lines {first[row.speaker]} and {row.line})",
                    sheet.path,
                    row.line,
                )
            first[row.speaker] = row.line
            speakers.setdefault(row.speaker, {}).update(row.cells)
    return speakers


def _sheet(path: Path, *, speakers: bool) -> Sheet | None:
    """The parsed sheet at ``path`` (None if there is none), cached per version of the file."""
    try:
        info = path.stat()
    except OSError:
        return None
    return _read_sheet(path, info.st_mtime_ns, info.st_size, speakers)


@lru_cache(maxsize=64)
def _read_sheet(path: Path, mtime_ns: int, size: int, speakers: bool) -> Sheet:
    """Parse a sheet; ``mtime_ns`` and ``size`` are only there to key the cache."""
    if size > MAX_SHEET_BYTES:
        raise CodeerError(
            f"{size / 2**20:,.0f} MB: a metadata sheet is read up to {MAX_SHEET_BYTES // 2**20} MB", path
        )
    data = read_regular(path)
    text = decode(data, path)
    if not text.strip():
        return Sheet(path, (), {})
    header_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header_line.count)
    if header_line.count(delimiter) >= MAX_COLUMNS:
        raise CodeerError(
            f"{header_line.count(delimiter) + 1:,} columns in the header; at most {MAX_COLUMNS} are read",
            path,
            1,
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [clean(cell) for cell in next(reader)]
    except csv.Error as exc:
        raise CodeerError(f"broken CSV header: {exc}", path, 1) from exc
    lowered = [h.casefold() for h in header]
    required = ("transcript", "speaker") if speakers else ("transcript",)
    missing = [c for c in required if c not in lowered]
    if missing:
        example = "transcript,speaker,role" if speakers else "transcript,organisation,date"
        raise CodeerError(
            f"needs a column {' and '.join(repr(m) for m in missing)} (a header like '{example}')", path, 1
        )
    names: list[str] = []
    for position, (name, low) in enumerate(zip(header, lowered, strict=True)):
        if not name:
            names.append("")
            continue
        if low in lowered[:position]:
            raise CodeerError(f"column {name!r} appears twice in the header", path, 1)
        names.append(low if low in ("transcript", "speaker", *RESERVED) else name)

    rows: list[Row] = []
    index: dict[str, list[Row]] = {}
    line = reader.line_num + 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(names) and any(cell.strip() for cell in record[len(names) :]):
                raise CodeerError(f"row has {len(record)} cells but the header has {len(names)}", path, start)
            cells = {n: v.strip() for n, v in zip(names, record, strict=False) if n and v.strip()}
            transcript = cells.pop("transcript", "")
            speaker = clean(cells.pop("speaker", "")) if speakers else ""
            if speakers and not speaker:
                raise CodeerError("row has no speaker", path, start)
            row = Row(start, transcript, speaker, cells)
            if not transcript and not speakers:
                raise CodeerError("row has no transcript (the file name, e.g. 'ret-q2.vtt')", path, start)
            rows.append(row)
            index.setdefault(transcript.casefold(), []).append(row)
    except csv.Error as exc:
        raise CodeerError(f"broken CSV: {exc}", path, line) from exc
    return Sheet(path, tuple(rows), {k: tuple(v) for k, v in index.items()})
