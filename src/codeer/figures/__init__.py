"""Figures for a report or a paper: code frequencies, a code × group heat map, the co-occurrence matrix and a
code network.

:mod:`codeer.figures.data` computes what a figure shows from the analysis tables (plain numbers, no plotting
library); :mod:`codeer.figures.render` draws it with matplotlib into SVG, PDF or PNG, and
:mod:`codeer.figures.painter` does so beside the database work. Only the drawing imports matplotlib, so
commands that draw nothing do not pay for it; the names below are loaded on first use, so the painter can
start before numpy and SQLAlchemy are loaded.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codeer.figures.data import KINDS, VALUES, Figure, Options, build_figure, figure_from_tables

__all__ = ["KINDS", "VALUES", "Figure", "Options", "build_figure", "figure_from_tables"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module("codeer.figures.data"), name)
