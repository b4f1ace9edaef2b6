"""SubRip (``.srt``) subtitles with speaker labels in the cue text.

* A cue is an index line (may be missing), a time line ``00:00:05,000 --> 00:00:09,000`` and text lines
  up to the next blank line. Trailing spaces, CRLF and a BOM are fine.
* A time line that does not parse is an error naming its line, and so is the line after an index line when
  it is not a time line (a cue whose time line is missing).
* A block with neither index and time line nor time line, after the first cue, is more text of the cue
  before it (some tools leave blank lines inside a cue's text); before the first cue it is an error.
* Each text line starting ``Name:`` starts that speaker's piece; other lines continue the current turn.
  Tags (``<i>``, ``<font ...>``, ``{\\an8}``) are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

from codeer.errors import CodeerError
from codeer.ingest.encoding import decode
from codeer.ingest.layout import Piece, segment
from codeer.ingest.turns import Body, cue_start, strip_tags

_EXPECTED_TIMING = "00:00:05,000 --> 00:00:09,000"
_TIMING_RE = re.compile(r"[ \t]*(?P<start>[\d:,.]{1,20})[ \t]*-->[ \t]*(?P<end>[\d:,.]{1,20})(?:[ \t].*)?")
# A line that tries to be a time line: it starts like "00:00:05".
_LOOKS_LIKE_TIMING = re.compile(r"[ \t]*\d{1,2}:\d{1,2}:\d{1,2}")


def read_srt(data: bytes, path: Path, *, unlabelled: str | None = None) -> Body:
    """Turns and preamble of a ``.srt`` file's bytes."""
    lines = decode(data, path).split("\n")
    pieces: list[Piece] = []
    seen_cue = False
    block: list[tuple[int, str]] = []
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            block.append((number, line))
            continue
        if not block:
            continue
        head_number, head = block[0]
        if head.strip().isdigit() and len(block) > 1:
            timing_number, timing = block[1]
            text = block[2:]
        elif head.strip().isdigit() and not seen_cue:
            raise CodeerError(
                "cue number without a time line like '00:00:05,000 --> 00:00:09,000'", path, head_number
            )
        elif "-->" in head or _LOOKS_LIKE_TIMING.match(head):
            timing_number, timing, text = head_number, head, block[1:]
        elif seen_cue:
            timing_number, timing, text = 0, "", block
        else:
            raise CodeerError(
                "expected a cue number or a time line like '00:00:05,000 --> 00:00:09,000'", path, head_number
            )
        start = (
            cue_start(timing, _TIMING_RE, path, timing_number, "time line", _EXPECTED_TIMING)
            if timing_number
            else None
        )
        seen_cue = True
        # A block without a time line continues the cue before it: not a cue of its own.
        pieces.extend(
            Piece(number, strip_tags(line), start, None, index == 0 and timing_number > 0)
            for index, (number, line) in enumerate(text)
        )
        block = []
    return segment(pieces, path, cues=True, unlabelled=unlabelled)
