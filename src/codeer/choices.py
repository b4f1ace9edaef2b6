"""Choices and defaults that the command line shows in its help, each defined here once.

They live apart from the modules that use them (numpy, SQLAlchemy and the analysis behind them) so that
``codeer --help`` and ``codeer --version`` load none of that: a command pays for what it runs.
"""

from __future__ import annotations

# auto-coding: the lowest score a suggestion keeps (0-1)
DEFAULT_MIN_SCORE = 0.3
# agreement: bootstrap replicates for Krippendorff's alpha's 95% interval, and the units it can count
BOOTSTRAP_SAMPLES = 1000
AGREEMENT_UNITS = ("passage", "sentence", "char")
# export tables: what a wide frequency table counts, and what a co-occurrence matrix shows
MEASURES = ("passages", "speakers", "transcripts")
MATRIX_VALUES = ("passages", "jaccard")
# export all: the standard set, by file name, with the attributes each groups by
GROUPINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("frequencies", ()),
    ("frequencies-organisation", ("organisation",)),
    ("frequencies-quadrant", ("quadrant",)),
    ("frequencies-organisation-quadrant", ("organisation", "quadrant")),
    ("cooccurrence-organisation", ("organisation",)),
    ("cooccurrence-quadrant", ("quadrant",)),
)
STANDARD_TABLES = tuple(name for name, _ in GROUPINGS) + ("segments", "codebook")
# search --code: what each hit codes (its passage, or the sentence(s) it stands in)
SEARCH_SPANS = ("passage", "sentence")
# charts: per kind what `codeer chart` can count or show (the first is the default)
CHART_VALUES: dict[str, tuple[str, ...]] = {
    "frequencies": MEASURES,
    "heatmap": ("shares", "passages"),
    "cooccurrence": MATRIX_VALUES,
    "network": MATRIX_VALUES,
}
CHART_KINDS = tuple(CHART_VALUES)
