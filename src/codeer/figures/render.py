"""Drawing a figure with matplotlib (Agg, no display) into SVG, PDF or PNG, the same bytes for the same data.

matplotlib is imported here only, when a figure is drawn, so other commands start as fast as before.
Reproducible files: a fixed SVG hash salt (element ids), no creation dates in SVG, PDF or PNG metadata, one
bundled font (DejaVu Sans, shipped with matplotlib) and no random numbers anywhere. SVG keeps text as text
(searchable, selectable, editable in Inkscape or Illustrator); PDF embeds the font as TrueType; PNG is
drawn at 300 dpi. Matrices are drawn as vector cells (``pcolormesh``), never as an embedded bitmap.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from codeer.figures.bars import draw_bars, text_width
from codeer.figures.kinds import BarFigure, Figure, MatrixFigure, NetworkFigure, indented
from codeer.figures.palette import SEQUENTIAL, ink_on
from codeer.usercache import user_cache

DPI = 300
STYLE: dict[str, Any] = {
    "svg.hashsalt": "codeer",
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "figure.titlesize": 11,
    "hatch.linewidth": 0.6,
}
METADATA: dict[str, dict[str, Any]] = {
    "svg": {"Date": None, "Creator": "codeer"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "codeer", "Producer": "codeer"},
    "png": {"Software": "codeer"},
}
PNG_COMPRESSION = 3  # zlib level: a 300 dpi page compresses in a third of the default's time, a bit larger
MISSING_CELL = "#E6E6E6"  # the masked diagonal of a co-occurrence matrix
ANNOTATE_UP_TO = 45  # rows or columns: a larger matrix shows colours only
CELL_TEXT = 7  # points: the numbers in a matrix's cells


def _cache_folder() -> None:
    """Keep matplotlib's font list in codeer's user cache unless ``MPLCONFIGDIR`` says where.

    matplotlib writes the list of the machine's fonts once into its config folder and reads it on every
    later start; where its default (``~/.config/matplotlib``, ``~/.cache/matplotlib``) cannot be written (a
    service account, a read-only home) it rebuilds the list on every run and warns. codeer's cache is
    outside any project, and matplotlib then reads no ``matplotlibrc`` of the user's there, so the same data
    give the same figure on every account.
    """
    if os.environ.get("MPLCONFIGDIR"):
        return
    folder = user_cache() / "matplotlib"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    if os.access(folder, os.W_OK):
        os.environ["MPLCONFIGDIR"] = str(folder)


def prepare() -> None:
    """Import what drawing needs (matplotlib, with its font list cached), before the first figure."""
    _cache_folder()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.figure  # noqa: F401 - loaded now, while there is time


@contextmanager
def drawn(figure: Figure) -> Iterator[Any]:
    """``figure`` drawn on a matplotlib canvas in codeer's style, which holds until the canvas is saved
    (inside the ``with``): :func:`render` saves it, a test may measure it."""
    prepare()
    import matplotlib
    from matplotlib.figure import Figure as Canvas
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]  # a plain dict, keys checked by matplotlib
        title = f"{figure.title}\n{figure.subtitle}"
        if isinstance(figure, BarFigure):  # laid out by codeer.figures.bars, without a layout engine
            canvas = Canvas()
            draw_bars(canvas, figure, canvas.suptitle(title))
        else:
            canvas = Canvas(layout=ConstrainedLayoutEngine(h_pad=0.08, w_pad=0.08))
            if isinstance(figure, MatrixFigure):
                _matrix(canvas, figure)
            elif isinstance(figure, NetworkFigure):
                _network(canvas, figure)
            canvas.suptitle(title)
        yield canvas


def render(figure: Figure, fmt: str) -> bytes:
    """The figure as the bytes of an ``svg``, ``pdf`` or ``png`` file."""
    with drawn(figure) as canvas:
        out = io.BytesIO()
        metadata: dict[str, Any] = dict(METADATA[fmt])
        if fmt != "png":
            metadata["Title"] = figure.title
        extra = {"pil_kwargs": {"compress_level": PNG_COMPRESSION}} if fmt == "png" else {}
        canvas.savefig(out, format=fmt, dpi=DPI, metadata=metadata, **extra)
        return out.getvalue()


def _name_width(figure: Figure) -> float:
    """Inches the longest code name needs as a tick label (about 0.065 in a character at 9 pt)."""
    return 0.065 * max((len(indented(code)) for code in figure.codes), default=8)


def _matrix(canvas: Any, figure: MatrixFigure) -> None:
    import numpy as np

    values = np.ma.masked_invalid(np.asarray(figure.values, dtype=float))
    if figure.mask_diagonal:
        values[np.diag_indices(min(values.shape))] = np.ma.masked
    n_rows, n_columns = values.shape
    name_width = _name_width(figure)
    annotated = n_rows <= ANNOTATE_UP_TO and n_columns <= ANNOTATE_UP_TO
    if figure.kind == "cooccurrence":
        cell = row = _square(figure.measure, values if annotated else None)
        column_height = name_width
    else:
        cell, row = 0.55, 0.3 if n_rows < 40 else 0.22
        column_height = 0.065 * max(map(len, figure.columns))
    canvas.set_size_inches(name_width + n_columns * cell + 1.6, 1.3 + column_height + n_rows * row)
    ax = canvas.subplots()
    import matplotlib

    cmap = matplotlib.colormaps[SEQUENTIAL].with_extremes(bad=MISSING_CELL)
    top = float(values.max()) if values.count() else 1.0
    mesh = ax.pcolormesh(values, cmap=cmap, vmin=0, vmax=top or 1.0, edgecolors="white", linewidth=0.5)
    ax.set_xticks([j + 0.5 for j in range(n_columns)], labels=figure.columns, rotation=90)
    ax.set_yticks([i + 0.5 for i in range(n_rows)], labels=[indented(c) for c in figure.codes])
    ax.set_ylim(n_rows, 0)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if annotated:
        # Colours of all cells at once; the numbers sit inside their cells, so the layout need not measure
        # them (a 30 x 30 matrix has 900: measuring each twice took most of the figure's time).
        cells = cmap(mesh.norm(values))
        shown = np.ma.filled(values, 0)
        for i, j in zip(*np.nonzero(shown), strict=True):
            colour = matplotlib.colors.to_hex(cells[i, j])
            ax.text(j + 0.5, i + 0.5, _cell_text(figure.measure, float(shown[i, j])), ha="center",
                    va="center", fontsize=CELL_TEXT, color=ink_on(colour), in_layout=False)  # fmt: skip
    bar = canvas.colorbar(mesh, ax=ax, label=figure.label, shrink=min(1.0, 6 / n_rows) if n_rows > 6 else 1)
    bar.solids.set_rasterized(False)  # matplotlib rasterizes a long colour bar; keep the file all vector


def _square(measure: str, values: Any) -> float:
    """Inches a side of a co-occurrence cell: a line of the code names beside it (0.22), or more where the
    widest number in a cell needs it (``values`` None: no numbers are shown)."""
    import numpy as np

    shown = {float(v) for v in np.ma.filled(values, 0).flat if v} if values is not None else set()
    widest = max((text_width(_cell_text(measure, v), CELL_TEXT) for v in shown), default=0.0)
    return max(0.22, (widest + 4) / 72)


def _cell_text(measure: str, value: float) -> str:
    if measure == "jaccard":
        return f"{value:.2f}".lstrip("0")
    if measure == "shares":
        return f"{value:.0f}" if value >= 10 else f"{value:.1f}"
    return str(int(value))


def _network(canvas: Any, figure: NetworkFigure) -> None:
    import numpy as np
    from matplotlib.collections import LineCollection

    canvas.set_size_inches(10, 10)
    ax = canvas.subplots()
    ax.set_axis_off()
    ax.set_aspect("equal")
    xy = np.asarray(figure.positions, dtype=float).reshape(-1, 2)
    top_weight = max((w for _, _, w in figure.edges), default=1) or 1
    if figure.edges:
        lines = LineCollection(
            [[xy[i], xy[j]] for i, j, _ in figure.edges],
            linewidths=[0.6 + 4.4 * w / top_weight for _, _, w in figure.edges],
            colors="#7F7F7F", alpha=0.6, zorder=1,
        )  # fmt: skip
        ax.add_collection(lines)
    top_size = max(figure.sizes, default=1) or 1
    areas = [30 + 400 * size / top_size for size in figure.sizes]
    ax.scatter(xy[:, 0], xy[:, 1], s=areas, c=figure.colours, edgecolors="#000000", linewidths=0.5, zorder=2)
    for (x, y), code, size in zip(xy, figure.codes, figure.sizes, strict=True):
        angle = math.degrees(math.atan2(y, x))
        right = x >= -1e-9  # labels point outwards along the radius, never upside down
        ax.text(
            1.1 * x, 1.1 * y, f"{code.name} ({size})", rotation=angle if right else angle + 180,
            rotation_mode="anchor", ha="left" if right else "right", va="center", fontsize=7.5, zorder=3,
        )  # fmt: skip
    ax.set_xlim(-1.12, 1.12)
    ax.set_ylim(-1.12, 1.12)
    canvas.supxlabel(figure.note, fontsize=8)
