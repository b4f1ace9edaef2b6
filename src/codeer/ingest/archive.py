"""Zip containers from elsewhere (``.docx`` transcripts, ``.xlsx`` codings): bombs refused before unpacking.

python-docx and openpyxl unpack and parse a member whole, and a zip of one megabyte can unpack to gigabytes
(minutes of work and gigabytes of memory before any error). The zip's directory declares each member's
size, and Python's zipfile never hands out more than declared (a lying header ends in a CRC error), so
checking the declared sizes bounds the work. A file that is no zip at all is left to the reader, which
says so in its own words.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from codeer.errors import CodeerError

MAX_MEMBER_BYTES = 100 * 1024 * 1024  # a Word transcript's text is a few MB, a codings sheet tens at most
MAX_TOTAL_BYTES = 500 * 1024 * 1024


def check_zip_sizes(source: bytes | Path, path: Path) -> None:
    """Raise a :class:`CodeerError` naming ``path`` if the zip would unpack to more than codeer reads."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise CodeerError(
                f"refused: {member.filename!r} would unpack to {member.file_size / 2**20:,.0f} MB "
                f"(at most {MAX_MEMBER_BYTES // 2**20} MB per part, {MAX_TOTAL_BYTES // 2**20} MB in all: "
                "a zip bomb?)",
                path,
            )
