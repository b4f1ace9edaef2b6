"""Plain-text and Markdown transcripts, and the line layouts that Word documents share with them.

A file is cut into lines (:class:`~codeer.ingest.layout.Piece`, the first line after a blank one starting
a paragraph) and :func:`codeer.ingest.layout.segment` finds the layout its speaker labels use: ``Name:
text``, bold names, ``Name  0:05`` lines with the text below, or Markdown headings, and accepts it only
with evidence that the labels account for the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from codeer.ingest.encoding import decode
from codeer.ingest.layout import Piece, segment
from codeer.ingest.metadata import Meta, split_front_matter
from codeer.ingest.turns import Body


def read_text(
    data: bytes, path: Path, *, markdown: bool = False, unlabelled: str | None = None
) -> tuple[Body, Meta]:
    """Turns, preamble and front matter of a ``.txt`` or ``.md`` file's bytes."""
    text = decode(data, path)
    meta, first = split_front_matter(text, path)
    lines = text.split("\n")
    body = read_lines(
        list(enumerate(lines[first:], start=first + 1)), path, markdown=markdown, unlabelled=unlabelled
    )
    return body, meta


def read_lines(
    lines: Sequence[tuple[int, str]], path: Path, *, markdown: bool = False, unlabelled: str | None = None
) -> Body:
    """Turns and preamble of ``(line number, line)`` pairs; a blank line ends a paragraph."""
    pieces: list[Piece] = []
    after_blank = True
    for number, line in lines:
        if not line or line.isspace():
            after_blank = True
            continue
        pieces.append(Piece(number, line, None, None, after_blank))
        after_blank = False
    return segment(pieces, path, markdown=markdown, unlabelled=unlabelled)
