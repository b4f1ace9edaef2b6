"""Word wrapping that keeps offsets: each screen line is a ``(start, end)`` slice of the passage text.

The transcript view needs the line count of every passage up front (its scrollbar spans the whole transcript)
and, for one line, which code points it shows (a span coding is drawn by its code-point offsets). Rich's
wrapping gives text but not offsets, and builds objects per word; here a line costs one ``str.rfind`` in the
common case of text without wide characters, so a 5,000-passage transcript wraps in milliseconds.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, get_character_cell_size

_WORD = re.compile(r"\S+")


def _skip_spaces(text: str, at: int, end: int) -> int:
    while at < end and text[at] == " ":
        at += 1
    return at


def _wrap_narrow(text: str, start: int, end: int, width: int, out: list[tuple[int, int]]) -> None:
    """Greedy wrap of ``text[start:end]`` where every character is one cell wide."""
    at = _skip_spaces(text, start, end)
    while end - at > width:
        cut = text.rfind(" ", at, at + width + 1)
        if cut <= at:  # a word longer than the line: break it
            out.append((at, at + width))
            at += width
        else:
            out.append((at, cut))
            at = cut
        at = _skip_spaces(text, at, end)
    out.append((at, end))


def _wrap_wide(text: str, start: int, end: int, width: int, out: list[tuple[int, int]]) -> None:
    """Greedy wrap counting cells, for text with double-width characters."""
    line_start, used, line_end = None, 0, start
    for match in _WORD.finditer(text, start, end):
        s, e = match.span()
        w = cell_len(match.group())
        gap = s - line_end
        if line_start is not None and used + gap + w <= width:
            used, line_end = used + gap + w, e
            continue
        if line_start is not None:
            out.append((line_start, line_end))
        while w > width:  # break a word longer than the line
            cut, cells = s, 0
            while cells + get_character_cell_size(text[cut]) <= width:
                cells += get_character_cell_size(text[cut])
                cut += 1
            cut = max(cut, s + 1)
            out.append((s, cut))
            s, w = cut, cell_len(text[cut:e])
        line_start, used, line_end = s, w, e
    out.append((line_start if line_start is not None else start, line_end))


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Lines of ``text`` at most ``width`` cells wide, as offsets; a newline always breaks; never empty."""
    width = max(1, width)
    out: list[tuple[int, int]] = []
    narrow = cell_len(text) == len(text)
    start = 0
    for paragraph in text.split("\n"):
        end = start + len(paragraph)
        (_wrap_narrow if narrow else _wrap_wide)(text, start, end, width, out)
        start = end + 1
    return out


def chip_rows(widths: list[int], first: int, rest: int) -> list[list[int]]:
    """Place chips of the given widths on lines (``first`` cells free on the first, ``rest`` after).

    Returns the chip indices of each line (the first may be empty when the chips do not fit beside the
    header); a chip wider than a line gets a line of its own.
    """
    rows: list[list[int]] = [[]]
    free = first
    for index, width in enumerate(widths):
        if width > free and (rows[-1] or free < rest):
            rows.append([])
            free = rest
        rows[-1].append(index)
        free -= width + 1
    return rows
