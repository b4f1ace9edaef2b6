"""Bar figures (frequencies): a grid of panels laid out here, in points, from the measured width of words.

Why not matplotlib's constrained layout, as the matrices and the network use: for a panel per organisation x
quadrant it measured every tick label and bar of every panel, twice, to find margins that are known before
anything is drawn: the widest code name (measured once, with the font the figure is drawn in), the title's
lines, a row of tick labels, the axis label and the legend. That solver and the drawing of 15 million pixels
were most of the chart's 2.5 s; this layout takes a few milliseconds.

The canvas is as large as legibility needs at the figures' font sizes (9 pt text; a journal page is about
7 in wide): a code is 0.22 in high, or 0.055 in per bar of a group when more; the panels share about 5 in.
Code names are drawn once per row of panels, on its first panel; the panels beside it share its rows, and
their scale (one axis label below them all). Each series is one collection of bars, not a patch per bar.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

from codeer.figures.kinds import BarFigure, indented
from codeer.figures.palette import series_style

PAD = 6.0  # points: the figure's margins and the space between its blocks
GAP = 14.0  # points between panels side by side: room for the last x tick label and some air
LINE = 1.25  # the height of a line of text, in font sizes (matplotlib spaces lines 1.2 apart)
COLUMNS = 4  # panels side by side at most
LEGEND_COLUMNS = 6
EDGE, EDGE_WIDTH = "white", 0.3  # a thin white line between touching bars


@dataclass(frozen=True)
class Grid:
    """Where everything goes, in points from the figure's top left corner."""

    width: float
    height: float
    columns: int
    left: float  # of the first column of panels
    top: float  # of the first row's panels
    panel_width: float
    panel_height: float
    row_step: float  # from one row of panels to the next
    legend: float  # height of the legend at the bottom (0 without)

    def axes(self, index: int) -> list[float]:
        """The ``index``-th panel's rectangle as matplotlib wants it (fractions, from the bottom left)."""
        row, column = divmod(index, self.columns)
        left = self.left + column * (self.panel_width + GAP)
        bottom = self.top + row * self.row_step + self.panel_height
        return [
            left / self.width, 1 - bottom / self.height, self.panel_width / self.width,
            self.panel_height / self.height,
        ]  # fmt: skip

    @property
    def centre(self) -> float:
        """The middle of the panels' columns, as a fraction of the width: where the axis label goes."""
        span = self.columns * self.panel_width + (self.columns - 1) * GAP
        return (self.left + span / 2) / self.width


def text_width(text: str, size: float) -> float:
    """Points ``text``'s widest line takes at ``size`` points in the figure's font, and 3 % more (hinted
    glyphs, as drawn at screen resolutions, are up to 2 % wider than their outlines)."""
    return 1.03 * max(sum(_advance(char, size) for char in line) for line in text.split("\n"))


@functools.cache
def _advance(char: str, size: float) -> float:
    """The advance width of ``char`` in points: a line is as wide as its glyphs' advances (kerning, left
    out, narrows it by a few tenths of a point). matplotlib's own measure lays every string out anew, over
    a millisecond each: most of this layout's time when a chart measured each code name that way."""
    from matplotlib.font_manager import FontProperties, findfont, get_font

    font = get_font(findfont(FontProperties(size=size)))
    font.set_size(size, 72)
    return font.load_char(ord(char)).linearHoriAdvance / 65536  # 16.16 fixed point, unhinted


def _grid(figure: BarFigure, title: str, labels: list[str]) -> Grid:
    from matplotlib import rcParams

    n_series = max(len(panel.series) for panel in figure.panels)
    columns = min(len(figure.panels), COLUMNS)
    rows = math.ceil(len(figure.panels) / columns)
    text, panel_size = rcParams["font.size"], rcParams["axes.titlesize"]
    title_size = rcParams["figure.titlesize"]
    tick = rcParams["ytick.major.size"] + rcParams["ytick.major.pad"]
    names = max((text_width(label, text) for label in labels), default=0.0) + tick
    panel_titles = max((text_width(panel.label, panel_size) for panel in figure.panels), default=0.0)
    panel_width = max(72 * min(2.2, max(1.2, 5.0 / columns)), panel_titles + 4)
    panel_height = 72 * max(0.22, 0.055 * n_series) * len(labels)
    head = LINE * panel_size + rcParams["axes.titlepad"] if any(p.label for p in figure.panels) else 0.0
    ticks = rcParams["xtick.major.size"] + rcParams["xtick.major.pad"] + LINE * text
    legend_rows = math.ceil(n_series / LEGEND_COLUMNS) if n_series > 1 else 0
    legend = legend_rows * (LINE + 0.5) * text + 0.8 * text if legend_rows else 0.0
    titles = LINE * title_size * (title.count("\n") + 1)
    legend_width = 0.8 * text + min(n_series, LEGEND_COLUMNS) * (  # a swatch, its word and the space after
        max((text_width(s.label, text) for p in figure.panels for s in p.series), default=0.0) + 4.8 * text
    )
    width = max(
        PAD + names + columns * panel_width + (columns - 1) * GAP + GAP / 2 + PAD,
        text_width(title, title_size) + 2 * PAD,
        legend_width + 2 * PAD,
    )
    top = PAD + titles + PAD + head
    row_step = panel_height + ticks + PAD + head
    foot = ticks + rcParams["axes.labelpad"] + LINE * text
    height = top + (rows - 1) * row_step + panel_height + foot + legend + PAD
    return Grid(width, height, columns, PAD + names, top, panel_width, panel_height, row_step, legend)


def draw_bars(canvas: Any, figure: BarFigure, title: Any) -> None:
    """Lay out and draw ``figure`` on ``canvas`` (a matplotlib figure without a layout engine); ``title``
    is the figure's title text, placed here at the top."""
    from matplotlib.ticker import MaxNLocator

    labels = [indented(code) for code in figure.codes]
    grid = _grid(figure, title.get_text(), labels)
    canvas.set_size_inches(grid.width / 72, grid.height / 72)
    title.set_y(1 - PAD / grid.height)
    positions = list(range(len(labels)))
    first: Any = None
    handles: dict[str, Any] = {}
    for index, panel in enumerate(figure.panels):
        ax = canvas.add_axes(grid.axes(index), sharex=first)
        if first is None:
            first = ax
            ax.xaxis.set_major_locator(MaxNLocator(nbins=_tick_count(figure, grid), integer=True))
        height = 0.8 / len(panel.series)
        for s, series in enumerate(panel.series):
            if len(panel.series) == 1:
                colours, hatch = figure.colours, ""
            else:
                colour, hatch = series_style(s)
                colours = [colour] * len(positions)
                if series.label not in handles:
                    handles[series.label] = _swatch(colour, hatch)
            centres = [p - 0.4 + (s + 0.5) * height for p in positions]
            _add_bars(ax, centres, series.values, height, colours, hatch)
        ax.autoscale(axis="x")  # from all panels' bars, when the figure is drawn
        if index % grid.columns == 0:
            ax.set_yticks(positions, labels=labels)
        else:
            ax.set_yticks([])
        ax.set_ylim(len(positions) - 0.5, -0.5)  # codebook order from the top
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.5)
        ax.set_axisbelow(True)
        if panel.label:
            ax.set_title(panel.label)
    bottom = (grid.legend + PAD) / grid.height
    canvas.supxlabel(figure.label, x=grid.centre, y=bottom, va="bottom", fontsize="medium")
    if grid.legend:  # groups: a legend row below, centred on the figure
        canvas.legend(
            [*handles.values()], [*handles], loc="lower center", ncols=min(len(handles), LEGEND_COLUMNS),
            bbox_to_anchor=(0.5, PAD / grid.height), frameon=False, borderaxespad=0,
        )  # fmt: skip


def _tick_count(figure: BarFigure, grid: Grid) -> int:
    """How many steps the value axis can label: its width over the widest number's and half an em."""
    from matplotlib import rcParams

    top = max((max(s.values, default=0) for p in figure.panels for s in p.series), default=0)
    size = rcParams["font.size"]
    return max(2, int(grid.panel_width // (text_width(str(round(top)), size) + size / 2)))


def _add_bars(
    ax: Any, centres: list[float], values: tuple[float, ...], height: float, colours: list[str], hatch: str
) -> None:
    """Horizontal bars from 0, one collection for the series (a bar of 0 is not drawn); the data limits
    and the sticky edge at 0 are those ``Axes.barh`` would give."""
    from matplotlib.collections import PolyCollection

    low, high = -height / 2, height / 2
    drawn = [(c, v, colour) for c, v, colour in zip(centres, values, colours, strict=True) if v]
    bars = PolyCollection(
        [[(0, c + low), (0, c + high), (v, c + high), (v, c + low)] for c, v, _ in drawn],
        facecolors=[colour for *_, colour in drawn], edgecolors=EDGE, linewidths=EDGE_WIDTH,
        hatch=hatch or None,
    )  # fmt: skip
    bars.sticky_edges.x.append(0)
    ax.add_collection(bars, autolim=False)
    ax.update_datalim([(0, centres[0] + low), (max(values, default=0), centres[-1] + high)])


def _swatch(colour: str, hatch: str) -> Any:
    """A series' legend entry: a bar of its colour and hatch, drawn only in the legend."""
    from matplotlib.patches import Rectangle

    return Rectangle((0, 0), 1, 1, facecolor=colour, edgecolor=EDGE, linewidth=EDGE_WIDTH, hatch=hatch)
