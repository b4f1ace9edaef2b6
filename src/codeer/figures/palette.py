"""Colours of the figures: colour-blind safe, and the codebook's own where it sets them.

Series (organisations, quadrants, ...) take the Okabe-Ito palette (Okabe & Ito 2008, *Color Universal
Design*), which people with the common colour-vision deficiencies tell apart; black is left out because the
axes and text are black. A ninth series and on repeat the colours with a hatch, so no two series look the
same. Codes take their ``color`` from the codebook; a code without one takes its parent's, and a top-level
code without one an Okabe-Ito colour by its place among the top-level codes. Matrices use ColorBrewer's
single-hue ``Blues`` (Harrower & Brewer 2003): white for none, darker for more, read by lightness alone, so
colour-blind readers and grey-scale prints see the same order.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codeer.analysis import CodeInfo

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
HATCHES = ("", "//", "..", "xx", "\\\\")
SEQUENTIAL = "Blues"  # white for none, dark blue for many
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def series_style(index: int) -> tuple[str, str]:
    """The colour and hatch of the ``index``-th series."""
    colour = OKABE_ITO[index % len(OKABE_ITO)]
    return colour, HATCHES[(index // len(OKABE_ITO)) % len(HATCHES)]


def code_colours(codes: list[CodeInfo], codebook_colours: dict[int, str]) -> dict[int, str]:
    """Code id → colour: its own (``#rrggbb`` in the codebook), its nearest ancestor's, or Okabe-Ito."""
    by_id = {code.id: code for code in codes}
    roots = [code.id for code in codes if code.parent_id not in by_id]
    fallback = {cid: OKABE_ITO[i % len(OKABE_ITO)] for i, cid in enumerate(roots)}

    def colour(cid: int, seen: frozenset[int] = frozenset()) -> str:
        own = codebook_colours.get(cid, "")
        if HEX.match(own):
            return own.upper()
        parent = by_id[cid].parent_id
        if parent in by_id and parent not in seen:
            return colour(parent, seen | {cid})
        return fallback.get(cid, OKABE_ITO[0])

    return {code.id: colour(code.id) for code in codes}


def ink_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (``#rrggbb``), by relative luminance."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "#000000" if 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.45 else "#FFFFFF"
