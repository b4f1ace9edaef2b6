"""Turning a file's bytes into text by one fixed rule, so the same file always reads the same way.

The rule, in order:

1. A byte order mark decides: UTF-8, UTF-16 LE/BE (and UTF-32, which starts like UTF-16 LE).
2. Without one, UTF-8 if the bytes are valid UTF-8 (plain ASCII is valid UTF-8).
3. Otherwise Windows-1252, as Word's "plain text" and older tools write it (``é``, ``’``, ``€``).
4. Text that still holds NUL bytes or control characters is not a transcript but binary junk, a UTF-16 file
   without its mark, or some other encoding: a :class:`CodeerError` rather than a page of mojibake.

We do not guess with a statistical detector: a guess can differ between two files of one project, and a
coder would not know why one transcript reads ``Ã©`` where another reads ``é``. CRLF and lone CR become LF.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from codeer.errors import CodeerError

# Control characters other than tab, LF, VT, FF, CR (whitespace in text) and SUB (0x1A, the end-of-file mark
# some DOS tools append). A regex search runs in C: a 100 MB file is checked in well under a second.
_BAD_CONTROL = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f]")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes, path: str | Path | None = None) -> str:
    """The text of ``data`` with LF line ends; :class:`CodeerError` naming ``path`` if it is not text."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                raise CodeerError(
                    f"not valid {codec.upper()} although the file starts with its byte order mark "
                    f"(bad bytes at offset {len(bom) + exc.start})",
                    path,
                ) from exc
            return _check(_normalise_newlines(text), path)
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise CodeerError(
            "not a text file: it contains NUL bytes (UTF-16 text needs a byte order mark)", path, line
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, utf8_error.start) + 1
            raise CodeerError(
                "unknown encoding: neither UTF-8 nor Windows-1252; save the file as UTF-8", path, line
            ) from exc
    return _check(_normalise_newlines(text), path)


def _normalise_newlines(text: str) -> str:
    """CRLF (Windows) and lone CR (old Mac) to LF, so line numbers match what an editor shows."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _check(text: str, path: str | Path | None) -> str:
    """Refuse text with control characters: those are binary files that happened to decode."""
    bad = _BAD_CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise CodeerError(
            f"not a text file (or an unknown encoding): control character U+{ord(bad.group()):04X}",
            path,
            line,
        )
    return text
