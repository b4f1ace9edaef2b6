"""What a figure is, as plain data: its words, its codes in the order shown and its numbers.

Kept apart from :mod:`codeer.figures.data` (which computes them from the database) so that drawing needs
neither SQLAlchemy nor the analysis: the painter process (:mod:`codeer.figures.painter`) loads only this,
the palette and matplotlib. A figure's codes arrive there as :class:`Code`, the fields of
:class:`codeer.analysis.CodeInfo` that drawing and the JSON use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol


class Code(Protocol):
    """What a figure needs of a code (:class:`codeer.analysis.CodeInfo` has it)."""

    @property
    def id(self) -> int: ...
    @property
    def ref(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def depth(self) -> int: ...


@dataclass(frozen=True)
class PlainCode:
    """A :class:`Code` and nothing else: how a figure's codes travel to the painter process."""

    id: int
    ref: str
    name: str
    depth: int


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float, ...]  # one per code of the figure


@dataclass(frozen=True)
class Panel:
    label: str  # empty for a figure of one panel
    series: tuple[Series, ...]


@dataclass
class Figure:
    """What every figure has; ``subtitle`` says whose codings and which codebook."""

    kind: str
    title: str
    subtitle: str
    label: str  # the value axis or the colour bar
    measure: str
    codes: Sequence[Code]
    colours: list[str]  # per code

    def data(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "subtitle": self.subtitle,
            "label": self.label,
            "measure": self.measure,
            "codes": [code.ref for code in self.codes],
            "names": [code.name for code in self.codes],
            **self._numbers(),
        }

    def _numbers(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass
class BarFigure(Figure):
    """Frequencies: per panel (first attribute's value, of several) a series per group, a bar per code."""

    panels: list[Panel] = field(default_factory=list)

    def _numbers(self) -> dict[str, Any]:
        return {
            "panels": [
                {"label": p.label, "series": [{"label": s.label, "values": list(s.values)} for s in p.series]}
                for p in self.panels
            ]
        }


@dataclass
class MatrixFigure(Figure):
    """A heat map: ``values[i][j]`` for row code i and column j (a group, or a code for co-occurrence)."""

    columns: list[str] = field(default_factory=list)
    values: list[list[float]] = field(default_factory=list)
    mask_diagonal: bool = False

    def _numbers(self) -> dict[str, Any]:
        return {"columns": self.columns, "values": self.values}


@dataclass
class NetworkFigure(Figure):
    """Codes as nodes sized by passages, edges ``(i, j, weight)`` at or above ``threshold``."""

    sizes: list[int] = field(default_factory=list)
    positions: list[tuple[float, float]] = field(default_factory=list)
    edges: list[tuple[int, int, float]] = field(default_factory=list)
    threshold: float = 0.0
    note: str = ""

    def _numbers(self) -> dict[str, Any]:
        return {
            "sizes": self.sizes,
            "threshold": self.threshold,
            "edges": [[i, j, w] for i, j, w in self.edges],
            "positions": [[round(x, 6), round(y, 6)] for x, y in self.positions],
        }


def indented(code: Code) -> str:
    """A code's name as lists show it: a subcode marked with one ``›`` per level below the top."""
    return "› " * code.depth + code.name


def plain(figure: Figure) -> Figure:
    """``figure`` with its codes as :class:`PlainCode`, so that it unpickles without the analysis."""
    return replace(figure, codes=[PlainCode(c.id, c.ref, c.name, c.depth) for c in figure.codes])
