"""Plain-text and Markdown transcripts, and the line layouts that Word documents share with them.

Two layouts exist in the wild, and a file uses one of them:

* **labels**: ``Name: text`` on one line (with an optional time before or after the name, or bold in
  Markdown); lines without a label continue the current turn;
* **headers** (transcription services, Teams and Otter exports): a line holding only ``Name  0:05``, the
  text on the lines after it.

Each line is checked for both; whichever kind is more frequent in the file decides its layout, and only
that kind starts turns. So a sentence ``Let op: ...`` inside a header-layout text stays text, and
``Tot straks 5:30`` alone on a line in a labelled transcript does not become a speaker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from codeer.ingest.encoding import decode
from codeer.ingest.metadata import Meta, split_front_matter
from codeer.ingest.turns import Body, Label, TurnBuilder, match_header, match_label, strip_time_prefix

_MD_HEADING = re.compile(r"#{1,6}(?:\s|$)")
_MD_RULE = re.compile(r"(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}")


def read_text(data: bytes, path: Path, *, markdown: bool = False) -> tuple[Body, Meta]:
    """Turns, preamble and front matter of a ``.txt`` or ``.md`` file's bytes."""
    text = decode(data, path)
    meta, first = split_front_matter(text, path)
    lines = text.split("\n")
    return read_lines(list(enumerate(lines[first:], start=first + 1)), markdown=markdown), meta


def read_lines(lines: Sequence[tuple[int, str]], *, markdown: bool = False) -> Body:
    """Turns and preamble of ``(line number, line)`` pairs, in the layout the lines use most.

    In Markdown, headings before the first turn are preamble and later ones are skipped (they structure
    the document, nobody says them), as are horizontal rules.
    """
    headers: list[Label | None] = []
    labels: list[Label | None] = []
    for _, line in lines:
        header = match_header(line) if line and not line.isspace() else None
        headers.append(header)
        labels.append(None if header or not line or line.isspace() else match_label(line))
    use_headers = sum(h is not None for h in headers) > sum(lab is not None for lab in labels)

    builder = TurnBuilder()
    for (number, line), header, label in zip(lines, headers, labels, strict=True):
        if not line or line.isspace():
            continue
        if markdown:
            stripped = line.strip()
            if (len(stripped) <= 200 and _MD_RULE.fullmatch(stripped)) or (
                builder.has_speaker and _MD_HEADING.match(stripped)
            ):
                continue
        if use_headers and header is not None:
            builder.speaker(header.speaker, header.start_ms, number)
        elif not use_headers and label is not None:
            builder.speaker(label.speaker, label.start_ms, number)
            builder.text(label.text, number)
        else:
            builder.text(strip_time_prefix(line), number)
    return builder.body()
