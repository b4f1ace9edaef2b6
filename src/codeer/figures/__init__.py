"""Figures for a report or a paper: code frequencies, a code × group heat map, the co-occurrence matrix and a
code network.

:mod:`codeer.figures.data` computes what a figure shows from the analysis tables (plain numbers, no plotting
library); :mod:`codeer.figures.render` draws it with matplotlib into SVG, PDF or PNG. Only the drawing
imports matplotlib, so commands that draw nothing do not pay for it.
"""

from codeer.figures.data import KINDS, VALUES, Figure, Options, build_figure, figure_from_tables

__all__ = ["KINDS", "VALUES", "Figure", "Options", "build_figure", "figure_from_tables"]
