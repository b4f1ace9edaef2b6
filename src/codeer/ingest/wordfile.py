"""Word documents (``.docx``), read with python-docx.

The body's paragraphs, in order (not tables, headers, footers or comments), are read like the lines of a
text file (:mod:`codeer.ingest.layout`), each paragraph a paragraph: ``Name: text`` paragraphs, or the
Teams/Otter layout of a paragraph holding only ``Name  0:05`` followed by text paragraphs. A line break
inside a paragraph counts as a new line. The "line" of a turn is its paragraph's number, counting every
body paragraph from 1, empty ones included, so "paragraph N" in an error can be found by counting.

Named ``wordfile`` so that it does not shadow the ``docx`` package.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx

from codeer.errors import CodeerError
from codeer.ingest.archive import check_zip_sizes
from codeer.ingest.layout import Piece, segment
from codeer.ingest.turns import Body


def read_docx(data: bytes, path: Path, *, unlabelled: str | None = None) -> Body:
    """Turns and preamble of a ``.docx`` file's bytes."""
    check_zip_sizes(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [paragraph.text for paragraph in document.paragraphs]
    except Exception as exc:  # python-docx raises zip, XML, key and value errors of many kinds
        raise CodeerError(
            f"not a readable .docx file ({exc.__class__.__name__}); save it again from Word as .docx", path
        ) from exc
    if not any(text.strip() for text in paragraphs):
        raise CodeerError("empty file: the document has no text in its body", path)
    pieces = [
        Piece(number, line, None, None, index == 0)
        for number, text in enumerate(paragraphs, start=1)
        for index, line in enumerate(text.split("\n"))
        if line.strip()
    ]
    return segment(pieces, path, unlabelled=unlabelled)
