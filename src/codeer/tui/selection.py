"""Selecting part of a passage with the keyboard: by the sentences spaCy found, refined by words.

A selection is a ``(start, end)`` code-point span of the passage text (end exclusive), the unit of coding
spans. These functions are pure: each takes the current span and returns the next one, never an empty span.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Span = tuple[int, int]
_WORD = re.compile(r"\S+")


def _trimmed(text: str, start: int, end: int) -> Span | None:
    piece = text[start:end]
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    return (start, end) if end > start else None


def sentences(text: str, stored: Sequence[Sequence[int]]) -> list[Span]:
    """The passage's sentences without surrounding blanks; the whole text if none were stored."""
    spans = [_trimmed(text, int(s), int(e)) for s, e in stored if 0 <= int(s) < int(e) <= len(text)]
    found = [s for s in spans if s is not None]
    whole = _trimmed(text, 0, len(text))
    return found or ([whole] if whole else [])


def words(text: str) -> list[Span]:
    return [m.span() for m in _WORD.finditer(text)]


def _containing(spans: list[Span], at: int) -> int:
    """Index of the span that contains (or, between spans, follows) offset ``at``."""
    for index, (_, end) in enumerate(spans):
        if at < end:
            return index
    return len(spans) - 1


def move_sentence(selection: Span | None, spans: list[Span], delta: int) -> Span | None:
    """The next (``delta`` 1) or previous (-1) sentence; the first one when nothing is selected."""
    if not spans:
        return None
    if selection is None:
        return spans[0]
    index = _containing(spans, selection[0])
    return spans[max(0, min(index + delta, len(spans) - 1))]


def grow(selection: Span, spans: list[Span], delta: int) -> Span:
    """Move the end to the end of the next (1) or previous (-1) unit, keeping the selection non-empty."""
    start, end = selection
    if delta > 0:
        ends = [e for _, e in spans if e > end]
        return (start, ends[0]) if ends else selection
    ends = [e for _, e in spans if start < e < end]
    return (start, ends[-1]) if ends else selection


def move_start(selection: Span, word_spans: list[Span], delta: int) -> Span:
    """Move the start one word earlier (-1) or later (1), keeping the selection non-empty."""
    start, end = selection
    if delta < 0:
        starts = [s for s, _ in word_spans if s < start]
        return (starts[-1], end) if starts else selection
    starts = [s for s, _ in word_spans if start < s < end]
    return (starts[0], end) if starts else selection
