"""Transcripts copied from their pages: what stands on a page that nobody says.

A court or deposition transcript saved from its PDF numbers every line in the margin (``5 MR. BLANCHE:
Yes.``) and puts a running head, a page number and the reporter's name on every page; a transcript
cleaned of its numbers may still repeat a page head (``O5TVGUO1 Le Zhou - Cross``) page after page. Read
as text, the numbers would become part of the speakers' names (``9 THE COURT`` beside ``12 THE COURT``)
and the page lines part of whatever turn they interrupt. These functions take them off; the caller
(:func:`codeer.ingest.layout.segment`) says what it left out, so nothing disappears silently.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codeer.ingest.layout import Piece

MIN_NUMBERED_LINES = 20  # a court transcript's numbered lines: at least this many, and most of the file
RUNNING_HEAD_MIN = 5  # a page head recurs on page after page

# A line's number on a court transcript's page: "5 MR. BLANCHE: Yes.", "19" alone.
_LINE_NUMBER = re.compile(r"[ \t]*(\d{1,2})(?:[ \t]+|$)")
# A page head: starts with a capital or digit, no comma, no closing punctuation, at most 60 characters.
_RUNNING_HEAD = re.compile(r"[A-Z0-9][^,\n]{0,58}[^\s.?!,;:\"”’')\]]")


def without_line_numbers(pieces: Sequence[Piece]) -> tuple[list[Piece], int, list[Piece]]:
    """The pieces with their page line numbers taken off, how many were numbered, and the lines left out.

    Recognised when most lines are numbered (at least :data:`MIN_NUMBERED_LINES`) and the numbers count
    up and restart at 1 page after page; otherwise the pieces come back as they are. The lines between a
    page's last numbered line and the next page's line 1 (and after the last page) are left out; the
    title lines before the first page stay (the preamble), and so does an unnumbered line inside a page
    (a misread number: ``ll MERCHAN'S ROBING ROOM.)``).
    """
    numbers = [_line_number(piece.text) for piece in pieces]
    numbered = [n for n in numbers if n is not None]
    if len(numbered) < MIN_NUMBERED_LINES or len(numbered) * 10 < len(pieces) * 6:
        return list(pieces), 0, []
    steps = sum(1 for a, b in zip(numbered, numbered[1:], strict=False) if b == a + 1 or (b == 1 < a))
    if steps * 10 < (len(numbered) - 1) * 9:
        return list(pieces), 0, []
    kept: list[Piece] = []
    between: list[Piece] = []
    dropped: list[Piece] = []
    started = False
    for piece, number in zip(pieces, numbers, strict=True):
        if number is None:
            (between if started else kept).append(piece)
            continue
        (dropped if number == 1 else kept).extend(between)
        between = []
        started = True
        rest = _LINE_NUMBER.sub("", piece.text, count=1)
        if rest.strip():
            kept.append(piece._replace(text=rest))
    dropped.extend(between)
    return kept, len(numbered), dropped


def _line_number(text: str) -> int | None:
    m = _LINE_NUMBER.match(text[:8])
    return int(m.group(1)) if m else None


def without_running_heads(
    pieces: Sequence[Piece], is_label: Callable[[str], bool]
) -> tuple[list[Piece], Counter[str]]:
    """The pieces without repeated page heads, and the heads left out with how often each stood there.

    A page head is a short line standing alone (the first of its paragraph), three words or more, with no
    comma, no closing punctuation and no speaker label, that recurs at least :data:`RUNNING_HEAD_MIN`
    times: speech that repeats is punctuated ("Yes.", "Thank you.") or short.
    """
    heads = Counter(
        text
        for text in (piece.text.strip() for piece in pieces if piece.unit)
        if _RUNNING_HEAD.fullmatch(text[:80]) and len(text.split()) >= 3
    )
    repeated = Counter({text: n for text, n in heads.items() if n >= RUNNING_HEAD_MIN and not is_label(text)})
    if not repeated:
        return list(pieces), repeated
    return [piece for piece in pieces if not (piece.unit and piece.text.strip() in repeated)], repeated
