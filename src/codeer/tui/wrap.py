"""Word wrapping that keeps offsets: each screen line is a ``(start, end)`` slice of the passage text.

The transcript view needs the line count of every passage up front (its scrollbar spans the whole transcript)
and, for one line, which code points it shows (a span coding is drawn by its code-point offsets). Rich's
wrapping gives text but not offsets, and builds objects per word. Here, for text without wide characters
(nearly all), one regular expression finds every line in C, so a 5,000-passage transcript wraps in
milliseconds.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size

_WORD = re.compile(r"\S+")
# Zero-width joiners, variation selectors and other format characters: terminals draw a joined emoji such as
# 👩‍💻 in 2 cells while Rich counts its parts (5), which shifts every border after it. Shown text replaces
# them one for one (offsets stay those of the stored text); names drop them.
_ZERO_WIDTH = {code: " " for code in (*range(0x200B, 0x2010), *range(0xFE00, 0xFE10), 0x2060, 0xFEFF, 0x20E3)}


def shown_text(text: str) -> str:
    """``text`` as the transcript view draws it: same length (span offsets hold), no zero-width joiners."""
    return text.translate(_ZERO_WIDTH)


def shown_name(name: str) -> str:
    """A code's or coder's name as panels and chips draw it: without zero-width or format characters."""
    return "".join(c for c in name if unicodedata.category(c) != "Cf" and ord(c) not in _ZERO_WIDTH)


@lru_cache(maxsize=16)
def _line_pattern(width: int) -> re.Pattern[str]:
    """One screen line of at most ``width`` one-cell characters, as a regular expression.

    A line starts at a non-blank and takes as much as fits before a blank or the end (greedy, so the regex
    engine backtracks to the last blank that fits); a word longer than the line is cut at ``width``.
    """
    return re.compile(rf"\S.{{0,{width - 1}}}(?= |$)|\S{{{width}}}")


def _wrap_narrow(text: str, start: int, end: int, width: int, out: list[tuple[int, int]]) -> None:
    """Greedy wrap of ``text[start:end]`` (one paragraph) where every character is one cell wide."""
    lines = [m.span() for m in _line_pattern(width).finditer(text, start, end)]
    out.extend(lines)
    if not lines:  # an empty or blank paragraph is still a line
        out.append((start, start))


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


def _narrow(text: str) -> bool:
    return text.isascii() or cell_len(text) == len(text)


def line_count(text: str, width: int) -> int:
    """``len(wrap(text, width))``, computed in C for the common case (no newline, no wide characters).

    The transcript view needs this for every passage before it can show anything; the offsets themselves
    are needed only for the passages on screen.
    """
    width = max(1, width)
    if "\n" in text or not _narrow(text):
        return len(wrap(text, width))
    return max(1, _line_pattern(width).subn("", text)[1])


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Lines of ``text`` at most ``width`` cells wide, as offsets; a newline always breaks; never empty."""
    width = max(1, width)
    out: list[tuple[int, int]] = []
    start = 0
    for paragraph in text.split("\n"):
        end = start + len(paragraph)
        (_wrap_narrow if _narrow(paragraph) else _wrap_wide)(text, start, end, width, out)
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
