"""Reading transcripts: every format into the same :class:`ParsedTranscript`, with no database in sight.

Formats: ``.txt``, ``.md``, ``.vtt``, ``.srt``, ``.docx``. Every problem with a file is a
:class:`~codeer.errors.CodeerError` naming the file and line (for ``.docx``, the paragraph).

Passages
    One passage per speaker turn, numbered from 1 in file order. Consecutive lines, cues or paragraphs by
    the same speaker merge into one turn, their texts joined with a single space; whitespace inside a
    text collapses to single spaces. A turn's time is its first piece's time (None if that has none).

Preamble and title
    Text before the first speaker (a title, a heading, a date line) is the transcript's preamble, not a
    passage. The title is ``title`` from the metadata, else the preamble's first line without its ``#``,
    else the key.

Key
    The file name without extension, unless the metadata gives an ``id``.

Speaker labels
    ``Name: text`` at the start of a line. Name is 1–40 characters, starts with a letter or digit, and may
    hold letters of any script, digits, spaces and ``. - ' ’ _ ( )``; it is not digits only (a number or a
    time), and the colon is followed by a space or the line's end (so ``https://...`` is no label). A
    time may come before the label (``[00:01:12] P1:``, ``(00:01:12) P1:``, ``00:01:12 P1:``, ``[01:12]
    P1:``) or after the name (``P1 (00:01:12):``, ``P1 [00:01:12]:``); in Markdown the label may be bold
    (``**Name:** text``, ``**Name**: text``). Only the first 120 characters of a line are searched for a
    label, so an enormous line costs linear time. A short sentence ending in a colon at the start of a
    line (``Let op: ...``) is a label too: write such lines differently, or use the header layout.

``.txt`` and ``.md``
    Optional YAML front matter between ``---`` lines at the very top. Lines with a label start a piece;
    lines without one continue the current turn (a time before them is dropped); blank lines mean nothing.
    The transcription-service layout works too: a line holding only a name and a time (``Anna  0:05``,
    ``Anna 00:00:05.2``) and the text on the lines after it. A file uses one layout, whichever of the two
    kinds of line it has more of; only that kind starts turns. In Markdown, ``#`` headings before the first
    turn are preamble and later ones are skipped, as are horizontal rules.

``.vtt``
    Teams voice tags ``<v Name>text</v>`` (closing tag optional, ``<v.loud Name>`` too), or Zoom's
    ``Name: text`` in the cue text. A cue without either continues the current speaker's turn, or is
    preamble before the first speaker. Lines inside a cue join with a space; other tags are dropped. The
    cue's start is the piece's time. ``NOTE``, ``STYLE`` and ``REGION`` blocks are ignored; a broken time
    line is an error with its line.

``.srt``
    Cues of an index (optional), a time line and text lines. ``Name: text`` starts a speaker's piece; an
    unlabelled line continues the current turn. A broken time line is an error with its line.

``.docx``
    The body's paragraphs in order (not tables), read like the lines of a ``.txt``: ``Name: text``
    paragraphs, or the Teams/Otter layout of a paragraph ``Name  0:05`` followed by text paragraphs.

Encodings
    UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252 (as Word writes plain text). Binary
    junk, and text in any other encoding, is an error. CRLF, LF and lone CR all end a line.

Metadata
    Front matter (``.txt``/``.md``) < ``metadata.csv`` in the same folder (column ``transcript`` holds the
    file name or its stem; every other non-empty column is an attribute) < sidecar ``NAME.yaml`` beside
    the file: later sources win per key. ``speakers:`` in front matter or sidecar, and ``speakers.csv``
    (``transcript,speaker,...``; an empty ``transcript`` cell means every transcript) give speaker
    attributes. Attribute values are strings exactly as written (``007`` stays ``007``, a date stays ISO)
    (:mod:`codeer.ingest.metadata` has the details).

Errors
    An empty file, or a file with no speaker turns at all, is an error; so is front matter that is not a
    YAML mapping (naming the line in the file).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from codeer.errors import CodeerError
from codeer.ingest.formats import READERS, SUFFIXES, Reader, known, reader_for
from codeer.ingest.records import ParsedTranscript, Turn

__all__ = ["READERS", "SUPPORTED", "ParsedTranscript", "Turn", "discover", "find_transcripts", "parse_file"]

SUPPORTED = SUFFIXES

MAX_LINE_BYTES = 8 * 1024 * 1024
MAX_KEY_CHARS = 200  # the database's limit for a transcript id, on SQLite and PostgreSQL alike
MAX_TITLE_CHARS = 500


@dataclass
class Found:
    """The transcript files among the paths given, and the files in their folders that were left out."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (file, why), for the user to see


def discover(paths: Iterable[Path]) -> list[Path]:
    """The transcript files among ``paths`` (see :func:`find_transcripts`)."""
    return find_transcripts(paths).files


def find_transcripts(paths: Iterable[Path]) -> Found:
    """The transcript files among ``paths``: files as given, folders searched recursively (sorted).

    In folders, only regular files with a transcript suffix are read; hidden files and folders (``.git``,
    ``.DS_Store``), Word's lock files (``~$name.docx``) and the sheets and sidecars codeer reads as
    metadata are passed over silently; every other file left out is listed in :attr:`Found.skipped`
    with the reason: another extension, a link to a file outside the folder, a link to nothing, a FIFO
    or device (reading one could block or never end). A file named directly must be a regular transcript
    file. Each file appears once.
    """
    found = Found()
    seen: set[Path] = set()

    def add(path: Path) -> None:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            found.files.append(path)

    for path in paths:
        path = Path(path)
        if path.is_dir():
            for file in _walk(path, found.skipped):
                add(file)
            continue
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise CodeerError(
                "a link to a file that does not exist" if path.is_symlink() else "no such file or folder",
                path,
            ) from None
        except OSError as exc:
            raise CodeerError(f"cannot read: {exc.strerror or exc}", path) from exc
        if not stat.S_ISREG(mode):
            raise CodeerError("not a regular file (a FIFO, socket or device): not read", path)
        reader_for(path)
        add(path)
    return found


_QUIET_NAMES = ("metadata.csv", "speakers.csv")
_QUIET_SUFFIXES = (".yaml", ".yml")


def _walk(folder: Path, skipped: list[tuple[Path, str]]) -> list[Path]:
    """Regular transcript files under ``folder``, sorted; links to folders are not followed."""
    root = folder.resolve()
    files: list[Path] = []
    for base, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.startswith((".", "~$")):
                continue
            path = Path(base) / name
            if not known(name):
                if name.lower() not in _QUIET_NAMES and not name.lower().endswith(_QUIET_SUFFIXES):
                    skipped.append((path, f"not a transcript format ({' '.join(SUFFIXES)})"))
                continue
            why = _not_readable(path, root)
            if why:
                skipped.append((path, why))
            else:
                files.append(path)
    return sorted(files)


def _not_readable(path: Path, root: Path) -> str:
    """Why a file in an imported folder is not read ('' if it is read)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "a link to a file that does not exist" if path.is_symlink() else "cannot be read"
    if not stat.S_ISREG(mode):
        return "not a regular file (a FIFO, socket or device)"
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        return "a link to a file outside the folder imported (name that file itself to import it)"
    return ""


def parse_file(path: Path, *, unlabelled: str | None = None) -> ParsedTranscript:
    """Read one transcript and apply its metadata (front matter < metadata.csv < sidecar, speakers.csv).

    ``unlabelled`` (``paragraphs`` or ``cues``): a file without speaker labels becomes one passage per
    paragraph or cue, without a speaker, instead of being refused.
    """
    path = Path(path)
    reader = reader_for(path)
    data = _read_bounded(path, reader)
    if not data.strip():
        raise CodeerError("empty file", path)
    if not reader.binary:
        _check_line_lengths(data, path)

    body, meta = reader.read(data, path, unlabelled)
    if not body.turns:
        if not body.preamble:
            raise CodeerError("empty file", path)
        raise CodeerError("no speaker turns found; expected lines like 'Name: text'", path)

    # YAML and CSV readers load on first use, not when the command line starts.
    from codeer.ingest.layout import leading_singletons
    from codeer.ingest.metadata import Meta, metadata_for, read_sidecar, speakers_for

    sidecar = read_sidecar(path)
    names = [path.name, path.stem, *(m.id for m in (meta, sidecar) if m.id)]
    front_speakers, meta.speakers = meta.speakers, {}
    meta.update(metadata_for(path, names))
    meta.update(sidecar)
    # Speaker attributes: front matter < speakers.csv < sidecar.
    present = {turn.speaker for turn in body.turns}
    speakers = Meta(speakers=front_speakers)
    if meta.id and meta.id not in names:
        names.append(meta.id)
    speakers.update(Meta(speakers=speakers_for(path, names, present)))
    speakers.update(Meta(speakers=sidecar.speakers))
    leading_singletons(body, declared=speakers.speakers.keys())

    key = _checked_key(meta.id or path.stem, path)
    title = (meta.title or _title_from(body.preamble) or key)[:MAX_TITLE_CHARS]
    return ParsedTranscript(
        key=key,
        source=path,
        turns=body.turns,
        title=title,
        preamble=body.preamble,
        attributes=meta.attributes,
        speakers=speakers.speakers,
        content_hash=_content_hash(data, key, title, meta.attributes, speakers.speakers),
        postamble=body.postamble,
        layout=body.layout,
        warnings=body.warnings,
    )


def _read_bounded(path: Path, reader: Reader) -> bytes:
    """The file's bytes, refused before reading when it is no regular file or larger than the format's limit.

    The size is checked twice: from ``stat`` before opening, and by reading at most one byte more than the
    limit, so a file that grows (or a device that lies about its size) still costs bounded memory.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise CodeerError("not a regular file (a FIFO, socket or device): not read", path)
        if info.st_size > reader.max_bytes:
            raise _too_large(path, reader, info.st_size)
        with path.open("rb") as handle:
            data = handle.read(reader.max_bytes + 1)
    except FileNotFoundError as exc:
        raise CodeerError("no such file", path) from exc
    except OSError as exc:
        raise CodeerError(f"cannot read: {exc.strerror or exc}", path) from exc
    if len(data) > reader.max_bytes:
        raise _too_large(path, reader, len(data))
    return data


def _too_large(path: Path, reader: Reader, size: int) -> CodeerError:
    return CodeerError(
        f"{size / 2**20:,.0f} MB or more: larger than any transcript ({reader.name} files are read up to "
        f"{reader.max_bytes // 2**20} MB)",
        path,
    )


def _checked_key(key: str, path: Path) -> str:
    """A transcript id that can name a file and a database row: no path, no control character, not long."""
    bad = (
        not key.strip()
        or key.strip() in (".", "..")
        or any(c in key for c in "/\\")
        or not key.isprintable()
        or len(key) > MAX_KEY_CHARS
    )
    if bad:
        shown = key[:60] + ("..." if len(key) > 60 else "")
        raise CodeerError(
            f"transcript id {shown!r} refused: an id is 1-{MAX_KEY_CHARS} printable characters without "
            "'/' or '\\' and not '.' or '..'",
            path,
        )
    return key


def _check_line_lengths(data: bytes, path: Path) -> None:
    """Refuse an enormous line before decoding it: reading a 100 MB line costs minutes and gigabytes.

    No one says millions of characters in one breath; such a file is a dump, not a transcript. Files
    shorter than the limit cannot hold such a line, so the usual transcript is not even scanned.
    """
    if len(data) <= MAX_LINE_BYTES:
        return
    newline = b"\n" if b"\n" in data else b"\r"
    start = 0
    while start < len(data):
        end = data.find(newline, start)
        end = len(data) if end < 0 else end
        if end - start > MAX_LINE_BYTES:
            raise CodeerError(
                f"a line of {(end - start) / 2**20:,.0f} MB; a transcript line is at most "
                f"{MAX_LINE_BYTES // 2**20} MB (is this a transcript?)",
                path,
                data.count(newline, 0, start) + 1,
            )
        start = end + 1


def _title_from(preamble: str) -> str:
    """The preamble's first line that says something once its Markdown ``#`` marks are gone."""
    for line in preamble.split("\n"):
        text = line.strip().lstrip("#").strip()
        if text:
            return text
    return ""


def _content_hash(
    data: bytes, key: str, title: str, attributes: dict[str, str], speakers: dict[str, dict[str, str]]
) -> str:
    """SHA-256 of the bytes and the applied metadata, so editing metadata.csv alone re-imports the file."""
    applied = {"key": key, "title": title, "attributes": attributes, "speakers": speakers}
    digest = hashlib.sha256(data)
    digest.update(b"\0")
    digest.update(json.dumps(applied, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode())
    return digest.hexdigest()
