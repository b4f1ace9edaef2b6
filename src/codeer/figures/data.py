"""The numbers behind each figure, computed from the analysis tables, without any plotting library.

A figure is a plain dataclass: its title and axis label in the project's language, the codes it shows (in
the order shown) and the numbers. :meth:`data` gives the numbers as JSON-ready data: ``codeer chart --data``
writes them beside the picture and the report embeds them, so a reader (and the tests) can check each
figure against the tables of ``codeer export``. What is counted is that of :mod:`codeer.analysis`: the
passage is the unit, a code counts once per passage whichever selected coders applied it.

Codes nobody applied in the selection are left out of every figure (the codebook table lists them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from codeer.analysis import (
    CodeInfo,
    CooccurrenceTable,
    FrequencyTable,
    Selection,
    cooccurrence,
    frequencies,
)
from codeer.choices import CHART_KINDS, CHART_VALUES
from codeer.codebook.slug import nearest
from codeer.errors import CodeerError
from codeer.figures.kinds import BarFigure, Figure, MatrixFigure, NetworkFigure, Panel, Series
from codeer.figures.palette import code_colours
from codeer.figures.words import group_name, say
from codeer.model import Code, Codebook

if TYPE_CHECKING:
    import numpy as np

KINDS = CHART_KINDS
VALUES = CHART_VALUES
THRESHOLDS = {"passages": 2.0, "jaccard": 0.1}  # the network's default edge thresholds


@dataclass(frozen=True)
class Options:
    """What ``codeer chart`` asks for: the kind, the selection, one codebook or all, and the values."""

    kind: str
    selection: Selection = Selection()
    codebook: str | None = None
    values: str | None = None  # default: the first of VALUES[kind]
    threshold: float | None = None  # network only; default THRESHOLDS[values]
    language: str = "nl"

    @property
    def measure(self) -> str:
        return self.values or VALUES[self.kind][0]


def check_options(options: Options) -> None:
    """Refuse a kind, values or threshold that do not fit, before the database is read."""
    if options.kind not in KINDS:
        raise CodeerError(f"unknown chart {options.kind!r}; choose one of {', '.join(KINDS)}")
    choices = VALUES[options.kind]
    if options.values is not None and options.values not in choices:
        raise CodeerError(
            f"--values for {options.kind} is one of {', '.join(choices)}, not {options.values!r}"
        )
    if options.kind == "heatmap" and not options.selection.by:
        raise CodeerError("a heatmap needs --by ATTR (e.g. --by organisation): its columns")
    if options.kind in ("cooccurrence", "network") and options.selection.by:
        raise CodeerError(f"{options.kind} draws all passages together; --by is for frequencies and heatmap")
    if options.threshold is not None and (options.kind != "network" or options.threshold < 0):
        raise CodeerError("--threshold is for network charts, a number 0 or more")


def codebook_keys(session: Session) -> list[str]:
    return list(session.scalars(select(Codebook.key).order_by(Codebook.id)))


def _codebook_codes(session: Session, codebook: str | None, codes: list[CodeInfo]) -> list[CodeInfo]:
    if codebook is None:
        return codes
    keys = codebook_keys(session)
    if codebook not in keys:
        near = nearest(codebook, keys)
        hint = f"; did you mean {near!r}?" if near else ""
        raise CodeerError(f"unknown codebook {codebook!r}{hint} (codebooks: {', '.join(keys) or 'none yet'})")
    return [code for code in codes if code.codebook == codebook]


def _colours(session: Session, codes: list[CodeInfo]) -> list[str]:
    own = {cid: colour or "" for cid, colour in session.execute(select(Code.id, Code.color))}
    colours = code_colours(codes, own)
    return [colours[code.id] for code in codes]


def _subtitle(options: Options) -> str:
    language = options.language
    coders = ", ".join(options.selection.coders) or say(language, "everyone")
    parts = [say(language, "whose", coders=coders)]
    if options.codebook:
        parts.append(say(language, "codebook", key=options.codebook))
    return " · ".join(parts)


def build_figure(session: Session, options: Options) -> Figure:
    """The figure ``options`` ask for, from the project's codings (see :func:`figure_from_tables`)."""
    check_options(options)
    if options.kind in ("cooccurrence", "network"):
        return figure_from_tables(session, options, cooccurrence(session, options.selection))
    return figure_from_tables(session, options, frequencies(session, options.selection))


def figure_from_tables(
    session: Session, options: Options, table: FrequencyTable | CooccurrenceTable
) -> Figure:
    """The figure from tables computed already (the report computes each table once for several figures)."""
    freq = table.frequencies if isinstance(table, CooccurrenceTable) else table
    applied = {row.code.id for row in freq.rows}
    codes = [c for c in _codebook_codes(session, options.codebook, freq.codes) if c.id in applied]
    if not codes:
        raise CodeerError("no codings to draw: nobody applied a code of this selection yet")
    colours = _colours(session, codes)
    if options.kind == "frequencies":
        return _bars(options, freq, codes, colours)
    if options.kind == "heatmap":
        return _heatmap(options, freq, codes, colours)
    assert isinstance(table, CooccurrenceTable)
    return _cooccurrence(options, table, codes, colours)


def _bars(options: Options, freq: FrequencyTable, codes: list[CodeInfo], colours: list[str]) -> BarFigure:
    language, measure = options.language, options.measure

    def series(group: tuple[str, ...], label: str) -> Series:
        values = []
        for code in codes:
            row = freq.cell(group, code.id)
            values.append(getattr(row, measure) if row else 0)
        return Series(label, tuple(values))

    width = len(freq.labels)
    panels: list[Panel] = []
    if width <= 1:
        panels.append(Panel("", tuple(series(g, group_name(g, language)) for g in freq.groups)))
    else:
        rests = sorted({g[1:] for g in freq.groups})  # every panel has every series, so colours match
        for first in sorted({g[0] for g in freq.groups}):
            members = tuple(series((first, *rest), group_name(rest, language)) for rest in rests)
            panels.append(Panel(group_name((first,), language), members))
    by = " × ".join(freq.labels)
    title = say(language, "frequencies_by", by=by) if by else say(language, "frequencies")
    return BarFigure(
        "frequencies", title, _subtitle(options), say(language, f"axis_{measure}"), measure, codes, colours,
        panels,
    )  # fmt: skip


def _heatmap(
    options: Options, freq: FrequencyTable, codes: list[CodeInfo], colours: list[str]
) -> MatrixFigure:
    language, measure = options.language, options.measure
    values = []
    for code in codes:
        row_values = []
        for group in freq.groups:
            row = freq.cell(group, code.id)
            passages = row.passages if row else 0
            size = freq.group_passages[group]
            row_values.append(round(100 * passages / size, 6) if measure == "shares" and size else passages)
        values.append(row_values)
    return MatrixFigure(
        "heatmap",
        say(language, "heatmap", by=" × ".join(freq.labels)),
        _subtitle(options),
        say(language, "share" if measure == "shares" else "counts"),
        measure,
        codes,
        colours,
        columns=[group_name(g, language) for g in freq.groups],
        values=values,
    )


def _cooccurrence(
    options: Options, table: CooccurrenceTable, codes: list[CodeInfo], colours: list[str]
) -> Figure:
    import numpy as np  # here: frequency charts draw without numpy in this process

    from codeer.figures.order import jaccard_matrix, seriation

    language, measure = options.language, options.measure
    matrix = table.matrix(())
    index = {code.id: i for i, code in enumerate(matrix.codes)}
    keep = [index[code.id] for code in codes]
    counts = np.asarray(matrix.counts, dtype=np.float64)[np.ix_(keep, keep)]
    jaccard = jaccard_matrix(counts)
    shown = jaccard if measure == "jaccard" else counts
    if options.kind == "network":
        return _network(options, codes, colours, counts, shown)
    order = seriation(counts)
    codes = [codes[i] for i in order]
    colours = [colours[i] for i in order]
    shown = shown[np.ix_(order, order)]
    values = [[round(float(v), 6) if measure == "jaccard" else int(v) for v in row] for row in shown]
    return MatrixFigure(
        "cooccurrence",
        say(language, "cooccurrence"),
        _subtitle(options),
        say(language, "jaccard" if measure == "jaccard" else "both"),
        measure,
        codes,
        colours,
        columns=[code.name for code in codes],
        values=values,
        mask_diagonal=True,
    )


def _network(
    options: Options, codes: list[CodeInfo], colours: list[str], counts: np.ndarray, shown: np.ndarray
) -> NetworkFigure:
    import numpy as np

    from codeer.figures.order import circle_layout, seriation

    language, measure = options.language, options.measure
    threshold = options.threshold if options.threshold is not None else THRESHOLDS[measure]
    order = seriation(counts)
    codes = [codes[i] for i in order]
    colours = [colours[i] for i in order]
    counts, shown = counts[np.ix_(order, order)], shown[np.ix_(order, order)]
    size = len(codes)
    edges = [
        (i, j, round(float(shown[i, j]), 6) if measure == "jaccard" else int(shown[i, j]))
        for i in range(size)
        for j in range(i + 1, size)
        if shown[i, j] > 0 and shown[i, j] >= threshold
    ]
    positions = [(float(x), float(y)) for x, y in circle_layout(size)]
    edge = say(language, f"edge_{measure}")
    shown_threshold = f"{threshold:g}"
    return NetworkFigure(
        "network",
        say(language, "network"),
        _subtitle(options),
        say(language, "counts"),
        measure,
        codes,
        colours,
        sizes=[int(counts[i, i]) for i in range(size)],
        positions=positions,
        edges=edges,
        threshold=threshold,
        note=say(language, "network_note", edge=edge, threshold=shown_threshold),
    )
