"""Krippendorff's alpha for unitized text: agreement on *which characters* carry a code, not on passages.

Why a module of its own: a coder who marks one sentence of a turn and a coder who marks another sentence of
the same turn agree when the passage is the unit, and disagree on the text itself. Reviewers of span-coded
studies expect the second view (ATLAS.ti reports it as "alpha binary" and "cu-alpha").

The continuum (see also README, "Agreement on the text"): every transcript's passages, in order and with
nothing in between, form one stretch of characters; the continua of the transcripts follow each other, and a
segment never crosses from one transcript into the next. Per code, a coder's continuum is cut into *coded*
segments (the maximal runs of characters the coder coded with that code: a whole-passage coding covers its
passage, a span its characters; touching or overlapping codings merge) and *gaps* (the rest).

|u-alpha per code (Krippendorff 2004, Quality & Quantity 38 and Content Analysis 2nd ed., ch. 12.6;
Krippendorff 1995), with L the
length of the continuum, m the number of coders, l the length of a segment and b, e its first and one-past-
last character::

    delta2(g, h) = (b_g - b_h)^2 + (e_g - e_h)^2   g and h coded by two coders and overlapping
                 = l_g^2                         g coded, inside a gap h of the other coder
                 = 0                             otherwise
    D_o = sum over ordered coder pairs i != j, segments g of i, h of j of delta2 / (m (m - 1) L^2)
    D_e = 2/L sum_g [ (N - 1) (2 l_g^3 - 3 l_g^2 + l_g) / 3 + l_g^2 sum_{gaps h, l_h >= l_g} (l_h - l_g + 1) ]
          / (m L (m L - 1) - sum_g l_g (l_g - 1))       g over the N coded segments of all coders
    alpha = 1 - D_o / D_e

Pooled over codes: ``1 - sum D_o / sum D_e`` (Krippendorff's u-alpha over several categories). These give
the published worked example (Krippendorff 2004, Quality & Quantity 38, appendix, Figure 2; also Content
Analysis, p. 254): 0.729 for category c, 1.000 for k, 0.859 pooled (tests/test_agreement_unitized.py).

cu-alpha for the children of a parent code taken as one variable: on the characters that two or more
coders coded with some child (the intersections of their coded segments), nominal alpha over which child
each coder applied there, every character a pairable value (a coder who applied two children to the same
character gives the combination as one value). Characters nobody or one coder coded do not count: that is
|u-alpha's part.

Uncertainty: the transcripts are the sampled, independent continua, so the bootstrap resamples transcripts
with replacement. As in Hayes & Krippendorff's (2007) bootstrap of alpha, the expected disagreement D_e
stays at its value for the data and the observed disagreement is resampled: a replicate's D_o is exactly
D_o of the drawn transcripts laid end to end. Seeded, so reproducible. (cu-alpha's replicates recompute
the whole coincidence matrix, which is as cheap.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from codeer.agreement import alpha_from_coincidence_stack
from codeer.analysis.arrays import ranges

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Runs:
    """One coder's coded segments of one code: sorted, disjoint ``[start, end)`` in continuum coordinates."""

    start: Ints
    end: Ints


def transcript_at(bounds: Ints, positions: Ints) -> Ints:
    """The transcript (index into the continua) of each continuum position."""
    return np.searchsorted(bounds, positions, side="right") - 1


def merge_runs(start: Sequence[int] | Ints, end: Sequence[int] | Ints, bounds: Ints | None = None) -> Runs:
    """The maximal runs covered by intervals ``[start, end)``: touching or overlapping ones merge, except
    across a transcript boundary of ``bounds`` (each interval lies inside one transcript)."""
    s, e = np.asarray(start, dtype=np.int64), np.asarray(end, dtype=np.int64)
    if s.size == 0:
        return Runs(s, e)
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    reach = np.maximum.accumulate(e)
    new = np.empty(s.size, dtype=bool)
    new[0] = True
    new[1:] = s[1:] > reach[:-1]
    if bounds is not None:
        where = transcript_at(bounds, s)
        new[1:] |= where[1:] != where[:-1]
    first = np.flatnonzero(new)
    last = np.append(first[1:], s.size) - 1
    return Runs(s[first], reach[last])


def gaps(runs: Runs, bounds: Ints) -> tuple[Ints, Ints]:
    """The gaps of a coder's continuum: ``(start, end)`` of every uncoded stretch, cut at ``bounds``.

    A gap runs from a transcript's start or a run's end to the next run's start or transcript's end; sorted
    apart, the left and the right edges pair up in order.
    """
    left = np.sort(np.concatenate([bounds[:-1], runs.end]))
    right = np.sort(np.concatenate([bounds[1:], runs.start]))
    keep = right > left
    return left[keep], right[keep]


@dataclass(frozen=True)
class CodeParts:
    """One code's pieces of D_o and D_e: ``observed[t]``, the sum of delta2 over ordered coder pairs in
    transcript t (per transcript, for the bootstrap); the lengths of all coders' coded segments and gaps."""

    observed: Floats
    coded: Floats
    gap: Floats


def _pair_observed(a: Runs, b: Runs, bounds: Ints) -> Floats:
    """Per transcript, the sum of delta2 between coder a's and coder b's segments, in both orders."""
    total = np.zeros(bounds.size - 1)
    lo = np.searchsorted(b.end, a.start, side="right")  # the first b-run ending after an a-run starts
    hi = np.searchsorted(b.start, a.end, side="left")  # the first b-run starting at or after it ends
    ia, ib = ranges(lo, hi)
    both = (a.start[ia] - b.start[ib]).astype(np.float64) ** 2 + (a.end[ia] - b.end[ib]).astype(
        np.float64
    ) ** 2
    np.add.at(total, transcript_at(bounds, a.start[ia]), 2.0 * both)
    for x, overlaps in ((a, hi - lo), (b, _overlap_counts(b, a))):
        alone = overlaps == 0  # a coded segment inside the other coder's gap
        lengths = (x.end[alone] - x.start[alone]).astype(np.float64)
        np.add.at(total, transcript_at(bounds, x.start[alone]), 2.0 * lengths**2)
    return total


def _overlap_counts(a: Runs, b: Runs) -> Ints:
    return np.searchsorted(b.start, a.end, side="left") - np.searchsorted(b.end, a.start, side="right")


def code_parts(coders: Sequence[Runs], bounds: Ints) -> CodeParts:
    """D_o's and D_e's pieces of one code from every coder's runs (:func:`merge_runs` with ``bounds``)."""
    observed = np.zeros(bounds.size - 1)
    for i in range(len(coders)):
        for j in range(i + 1, len(coders)):
            observed += _pair_observed(coders[i], coders[j], bounds)
    coded = np.concatenate([r.end - r.start for r in coders]).astype(np.float64)
    gap = np.concatenate([e - s for s, e in (gaps(r, bounds) for r in coders)]).astype(np.float64)
    return CodeParts(observed, coded, gap)


def disagreements(parts: CodeParts, lengths: Floats, coders: int) -> tuple[float, float]:
    """D_o and D_e of one code (module docstring) from its parts; ``lengths``: the transcripts' lengths.

    The sum over gaps at least as long as a coded segment is a reverse cumulative sum over the sorted gaps.
    """
    big_l = float(lengths.sum())
    m = float(coders)
    d_o = float(parts.observed.sum()) / (m * (m - 1.0) * big_l**2)
    lc = parts.coded
    n = float(lc.size)
    shape = (2.0 * lc**3 - 3.0 * lc**2 + lc) / 3.0
    gaps_sorted = np.sort(parts.gap)
    s0 = np.append(np.cumsum(np.ones_like(gaps_sorted)[::-1])[::-1], 0.0)  # gaps at least x long
    s1 = np.append(np.cumsum(gaps_sorted[::-1])[::-1], 0.0)  # their total length
    at = np.searchsorted(gaps_sorted, lc, side="left")
    fits = s1[at] - (lc - 1.0) * s0[at]  # sum over those gaps of (l_h - l_g + 1)
    numerator = 2.0 / big_l * float(((n - 1.0) * shape + lc**2 * fits).sum())
    denominator = m * big_l * (m * big_l - 1.0) - float((lc * (lc - 1.0)).sum())
    return d_o, numerator / denominator


def replicate_observed(parts: CodeParts, lengths: Floats, coders: int, weights: Floats) -> Floats:
    """D_o of each bootstrap replicate: ``weights[r, t]`` says how often replicate r drew transcript t.

    Exactly D_o of the drawn transcripts laid end to end (its sums and its length are sums over them).
    """
    m = float(coders)
    return (weights @ parts.observed) / (m * (m - 1.0) * (weights @ lengths) ** 2)


def alpha(d_o: Floats | float, d_e: Floats | float) -> Floats:
    """``1 - D_o / D_e``, NaN where D_e is 0 (no coded segment at all)."""
    d_o, d_e = np.asarray(d_o, dtype=np.float64), np.asarray(d_e, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d_e > 0, 1.0 - d_o / np.where(d_e > 0, d_e, 1.0), math.nan)


def u_alpha(coders: Sequence[Sequence[tuple[int, int]]], length: int) -> float:
    """|u-alpha of one code on one continuum ``[0, length)``: ``coders`` lists each coder's coded
    ``(start, end)`` segments. The module docstring gives the definition."""
    bounds = np.array([0, length], dtype=np.int64)
    runs = [merge_runs([s for s, _ in c], [e for _, e in c]) for c in coders]
    parts = code_parts(runs, bounds)
    d_o, d_e = disagreements(parts, np.array([float(length)]), len(coders))
    return float(alpha(d_o, d_e))


def bootstrap_weights(transcripts: int, samples: int, seed: int) -> Floats:
    """``samples`` draws of ``transcripts`` transcripts with replacement (draws per transcript)."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(transcripts, np.full(transcripts, 1.0 / transcripts), size=samples).astype(
        np.float64
    )


def coincidences(values: Ints, weights: Floats, categories: int) -> Floats:
    """The nominal coincidence matrix of pieces of text: ``values[piece, coder]`` (-1: not coded there),
    each piece ``weights`` characters long. Only pieces two or more coders coded count."""
    coded = values >= 0
    m = coded.sum(axis=1)
    keep = m >= 2
    values, weights, coded, m = values[keep], weights[keep], coded[keep], m[keep]
    counts = np.zeros((values.shape[0], categories))
    for k in range(values.shape[1]):
        rows = np.flatnonzero(coded[:, k])
        np.add.at(counts, (rows, values[rows, k]), 1.0)
    scale = weights / (m - 1.0)
    return np.einsum("u,uc,uk->ck", scale, counts, counts) - np.diag((counts * scale[:, None]).sum(axis=0))


def cu_alpha(o: Floats) -> Floats:
    """Nominal alpha from a coincidence matrix or a stack of them (NaN where undefined)."""
    return alpha_from_coincidence_stack(o)
