"""The transcript formats codeer reads: one table, from which everything else is built.

The command line's help, the check of a file named on the command line and the folder walk all come from
:data:`READERS`, so a new transcript format is one module with a read function and one :class:`Reader`
entry here. Each read function gets the file's bytes (read only after the size check below) and returns
the :class:`~codeer.ingest.turns.Body` and any front matter :class:`~codeer.ingest.metadata.Meta`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from codeer.errors import CodeerError

if TYPE_CHECKING:
    from codeer.ingest.metadata import Meta
    from codeer.ingest.turns import Body

ReadFunction = Callable[[bytes, Path, "str | None"], "tuple[Body, Meta]"]

#: ``--unlabelled``: one passage per paragraph (text, Markdown, Word), or per cue (subtitles).
UNLABELLED_MODES = ("paragraphs", "cues")

#: No transcript is this large (a day of talk is a few MB of text); a bigger file is refused unread.
MAX_TEXT_BYTES = 200 * 1024 * 1024
MAX_DOCX_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Reader:
    """One transcript format: its suffixes, how to read it, and how it is cut when it has no speakers.

    ``binary``: a container, not text (no line-length scan before reading). ``cues``: a subtitle format,
    whose units are cues (``--unlabelled cues``), not paragraphs. ``max_bytes``: larger files are refused
    before a byte is read.
    """

    name: str
    suffixes: tuple[str, ...]
    read: ReadFunction
    binary: bool = False
    cues: bool = False
    max_bytes: int = MAX_TEXT_BYTES


# The read functions import their reader on first use: the command line builds its help from this table,
# and must not pay for every reader's libraries (python-docx alone costs a tenth of a second) to do so.


def _text(data: bytes, path: Path, unlabelled: str | None) -> tuple[Body, Meta]:
    from codeer.ingest.textfile import read_text

    return read_text(data, path, unlabelled=unlabelled)


def _markdown(data: bytes, path: Path, unlabelled: str | None) -> tuple[Body, Meta]:
    from codeer.ingest.textfile import read_text

    return read_text(data, path, markdown=True, unlabelled=unlabelled)


def _vtt(data: bytes, path: Path, unlabelled: str | None) -> tuple[Body, Meta]:
    from codeer.ingest.metadata import Meta
    from codeer.ingest.vtt import read_vtt

    return read_vtt(data, path, unlabelled=unlabelled), Meta()


def _srt(data: bytes, path: Path, unlabelled: str | None) -> tuple[Body, Meta]:
    from codeer.ingest.metadata import Meta
    from codeer.ingest.srt import read_srt

    return read_srt(data, path, unlabelled=unlabelled), Meta()


def _docx(data: bytes, path: Path, unlabelled: str | None) -> tuple[Body, Meta]:
    from codeer.ingest.metadata import Meta
    from codeer.ingest.wordfile import read_docx

    return read_docx(data, path, unlabelled=unlabelled), Meta()


READERS: tuple[Reader, ...] = (
    Reader("plain text", (".txt",), _text),
    Reader("Markdown", (".md", ".markdown"), _markdown),
    Reader("WebVTT captions", (".vtt",), _vtt, cues=True),
    Reader("SubRip subtitles", (".srt",), _srt, cues=True),
    Reader("Word document", (".docx",), _docx, binary=True, max_bytes=MAX_DOCX_BYTES),
)

SUFFIXES: tuple[str, ...] = tuple(s for reader in READERS for s in reader.suffixes)
_BY_SUFFIX = {s: reader for reader in READERS for s in reader.suffixes}


def reader_for(path: Path) -> Reader:
    """The reader for ``path``'s suffix; a CodeerError naming the file if codeer reads no such format."""
    reader = _BY_SUFFIX.get(path.suffix.lower())
    if reader is None:
        raise CodeerError(f"not a transcript: expected one of {', '.join(SUFFIXES)}", path)
    return reader


def known(name: str) -> bool:
    """Whether a file name has a transcript suffix."""
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in _BY_SUFFIX


def describe() -> str:
    """The formats for help texts: ``.txt .md .markdown .vtt .srt .docx``."""
    return " ".join(SUFFIXES)
