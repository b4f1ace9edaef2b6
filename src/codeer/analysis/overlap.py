"""Segment overlap between two coders, as MAXQDA reports it (``codeer agreement --overlap 0.9``).

Why: MAXQDA users and their reviewers know agreement as "segments that overlap by at least 90%", with a
percentage and a kappa per code. codeer gives the same table, with the definitions written out:

- A segment is one coding: a span ``[start, end)``, or the whole passage for a whole-passage coding.
- The overlap of two segments is their **intersection over their union** (the characters both cover over
  the characters either covers). Why not over the shorter segment: then a whole-turn coding would "match"
  every short span inside it, however little of the turn the other coder marked; over the union, a match
  needs both coders to have marked nearly the same text, which is what a threshold of 90% promises. (1.0
  means identical boundaries.)
- A coder's segment is **matched** when the other coder applied the same code to a segment of the same
  passage that overlaps it by at least the threshold; otherwise it is **unmatched**. Both coders' segments
  are judged, so one pair of matching segments counts twice (once per coder), as MAXQDA counts.
- **Percent agreement** = matched segments of both coders / all segments of both coders.
- **Kappa** as MAXQDA reports it for segments: Brennan & Prediger's (1981) kappa_n = (P_o - 1/k) /
  (1 - 1/k), with P_o the percent agreement and k the number of codes in the table (there is no cell
  "neither coder coded", so chance agreement is taken as one in k codes).
- ``ALL`` pools every code's segments; its kappa uses the same k.

The units are the transcripts both coders coded (as for the other units); ``--overlap sweep`` gives the
table at thresholds 0.5, 0.6, ..., 1.0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from codeer.analysis.arrays import ranges
from codeer.analysis.codes import CodeInfo
from codeer.analysis.text_agreement import Continuum

SWEEP = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class OverlapRow:
    code: CodeInfo | None  # None: the pooled row ALL
    threshold: float
    segments: tuple[int, int]  # per coder
    matched: tuple[int, int]
    percent_agreement: float
    kappa: float

    @property
    def unmatched(self) -> tuple[int, int]:
        return (self.segments[0] - self.matched[0], self.segments[1] - self.matched[1])


def best_overlap(a: tuple[Ints, Ints, Ints], b: tuple[Ints, Ints, Ints]) -> tuple[Floats, Floats]:
    """For each segment of ``a`` and of ``b`` (``(passage, start, end)`` arrays), the largest intersection
    over union with a segment of the other coder on the same passage (0 when none overlaps)."""
    best_a, best_b = np.zeros(a[0].size), np.zeros(b[0].size)
    order = np.argsort(b[0], kind="stable")
    b_passage = b[0][order]
    lo = np.searchsorted(b_passage, a[0], side="left")
    hi = np.searchsorted(b_passage, a[0], side="right")
    ia, at = ranges(lo, hi)
    ib = order[at]
    inter = np.minimum(a[2][ia], b[2][ib]) - np.maximum(a[1][ia], b[1][ib])
    union = np.maximum(a[2][ia], b[2][ib]) - np.minimum(a[1][ia], b[1][ib])
    share = np.where(inter > 0, inter / np.maximum(union, 1), 0.0)
    np.maximum.at(best_a, ia, share)
    np.maximum.at(best_b, ib, share)
    return best_a, best_b


def _row(code: CodeInfo | None, threshold: float, bests: tuple[Floats, Floats], k: int) -> OverlapRow:
    # A tiny tolerance, so that an overlap of exactly the threshold (e.g. 9 of 10 characters) matches.
    matched = tuple(int((b >= threshold - 1e-12).sum()) for b in bests)
    segments = tuple(int(b.size) for b in bests)
    total = sum(segments)
    pa = sum(matched) / total if total else float("nan")
    kappa = (pa - 1.0 / k) / (1.0 - 1.0 / k) if k >= 2 and total else float("nan")
    return OverlapRow(code, threshold, segments, matched, pa, kappa)  # type: ignore[arg-type]


def overlap_table(continuum: Continuum, thresholds: tuple[float, ...]) -> list[OverlapRow]:
    """Per threshold, a row per code then ``ALL`` (see the module docstring); ``continuum`` of two coders."""
    if len(continuum.coders) != 2:
        raise ValueError("segment overlap compares exactly two coders")
    per_code: list[tuple[CodeInfo, tuple[Floats, Floats]]] = []
    for c, info in enumerate(continuum.codes):
        mine = continuum.code == c
        sides = [
            (continuum.passage[sel], continuum.start[sel], continuum.end[sel])
            for sel in (mine & (continuum.coder == 0), mine & (continuum.coder == 1))
        ]
        per_code.append((info, best_overlap(sides[0], sides[1])))
    k = len(per_code)
    pooled = (
        np.concatenate([b[0] for _, b in per_code]) if per_code else np.zeros(0),
        np.concatenate([b[1] for _, b in per_code]) if per_code else np.zeros(0),
    )
    rows: list[OverlapRow] = []
    for threshold in thresholds:
        rows.extend(_row(info, threshold, bests, k) for info, bests in per_code)
        rows.append(_row(None, threshold, pooled, k))
    return rows
