"""Inter-coder agreement statistics, written out from the textbook definitions.

Units of analysis
-----------------
Every function works on *units*: the things that were coded independently by
several coders (in codeer usually a transcript segment, or a segment x code pair
when each code is judged present/absent).  Which unit and which label to use is
the caller's decision; this module only counts.  When coders may apply several
codes to one segment, compute the statistic per code on presence/absence labels
(e.g. ``1``/``0``) rather than on sets of codes.

Data conventions
----------------
* ``data`` is a sequence of coders, each a sequence of labels over the *same*
  units, in the same order (a "reliability matrix": rows = coders, columns =
  units).  A 2-D numpy array works too.
* ``None`` or a float NaN marks a unit that coder did not rate.
* Labels are any hashable values (``str``, ``int``, ...).  Labels that compare
  equal and hash equal (``1``, ``1.0``, ``True``) are the same category.
* For two-coder measures, ``a`` and ``b`` are the two coders' label sequences.
* All functions return a Python ``float``.  They return ``nan`` (never raise)
  when the statistic is mathematically undefined for the data; each docstring
  says when.  They raise ``ValueError`` for malformed input (ragged rows, an
  unknown level, non-numeric labels at the interval/ratio level, ...).

Count tables
------------
Where the data are large (a whole project's passages x codes), build the
*units x categories table of rating counts* directly (entry [u, k] = number of
coders who gave unit u category k) and call the ``*_from_counts`` functions:
they compute the same values without touching one label at a time.  A column
is a category whether or not it is used, so the table also fixes the category
set of AC1 and Brennan-Prediger.  Their ``weights`` say how many units have
each row (default: one unit per row), so a table of the few distinct rows with
their frequencies (:func:`distinct_rows`) stands for millions of units.

Missing ratings
---------------
Krippendorff's alpha, Gwet's AC1 and Brennan-Prediger are defined with missing
ratings by their authors.  For Fleiss' and Cohen's kappa codeer uses Gwet's
(2014) extension, the one published values with missing data are computed with
(irrCAC): the agreement term over units rated by two or more coders (both
coders, for Cohen), the chance term from every rating each coder (Cohen) or every
rated unit (Fleiss) gave.  Without missing ratings these are exactly the 1960
and 1971 definitions.

Categories
----------
By default the category set is the set of labels actually observed.  The
coefficients whose chance term depends on the *number* of categories (Gwet's
AC1, Brennan-Prediger) take an optional ``categories`` argument with the full
category set, since unused categories change their value.  Kappa, pi, Fleiss'
kappa and alpha do not depend on unused categories.

References
----------
* Cohen, J. (1960). A coefficient of agreement for nominal scales.
  Educational and Psychological Measurement, 20(1), 37-46.
* Scott, W. A. (1955). Reliability of content analysis: the case of nominal
  scale coding. Public Opinion Quarterly, 19(3), 321-325.
* Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
  Psychological Bulletin, 76(5), 378-382.
* Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability.
  Departmental Papers (ASC) 43, Annenberg School for Communication,
  University of Pennsylvania.
* Krippendorff, K. (2004). Content Analysis: An Introduction to Its
  Methodology (2nd ed.). Sage.
* Gwet, K. L. (2008). Computing inter-rater reliability and its variance in
  the presence of high agreement. British Journal of Mathematical and
  Statistical Psychology, 61(1), 29-48.
* Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.).
  Advanced Analytics, LLC.
* Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: some uses,
  misuses, and alternatives. Educational and Psychological Measurement,
  41(3), 687-699.  (Identical to Randolph's 2005 free-marginal multirater
  kappa.)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "brennan_prediger",
    "brennan_prediger_from_counts",
    "cohen_kappa",
    "cohen_kappa_from_table",
    "distinct_rows",
    "fleiss_kappa",
    "fleiss_kappa_from_counts",
    "gwet_ac1",
    "gwet_ac1_from_counts",
    "krippendorff_alpha",
    "krippendorff_alpha_bootstrap",
    "krippendorff_alpha_from_counts",
    "percent_agreement",
    "percent_agreement_from_counts",
    "scott_pi",
    "scott_pi_from_table",
]

Label = Hashable
#: Rows = coders, columns = units; ``None``/NaN = not rated.
RatingData = Sequence[Sequence[Any]] | npt.NDArray[Any]
#: One coder's labels over the units; ``None``/NaN = not rated.
CoderLabels = Sequence[Any] | npt.NDArray[Any]
Level = Literal["nominal", "ordinal", "interval", "ratio"]

_LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")
_NAN = float("nan")


# --------------------------------------------------------------------------- input handling


def _is_missing(value: Any) -> bool:
    """``None`` or a floating-point NaN (Python or numpy float)."""
    if value is None:
        return True
    if isinstance(value, (float, np.floating)):
        return math.isnan(value)
    return False


def _coder_row(row: Any) -> list[Any]:
    if isinstance(row, (str, bytes)):
        raise ValueError("each coder must be a sequence of labels, not a single string")
    return list(row)


def _rows(data: RatingData | Iterable[CoderLabels]) -> list[list[Any]]:
    """Materialise the reliability matrix as a list of rows of equal length."""
    if isinstance(data, (str, bytes)):
        raise ValueError("data must be a sequence of coders, each a sequence of labels")
    rows = [_coder_row(row) for row in data]
    if rows and len({len(row) for row in rows}) != 1:
        raise ValueError("all coders must rate the same units (rows of equal length)")
    return rows


def _category_index(observed: Iterable[Label], categories: Iterable[Label] | None) -> list[Label]:
    """The category list: ``categories`` if given (must cover ``observed``), else ``observed``."""
    seen = list(dict.fromkeys(observed))
    if categories is None:
        return seen
    cats = list(dict.fromkeys(categories))
    if any(_is_missing(c) for c in cats):
        raise ValueError("categories must not contain None/NaN")
    allowed = set(cats)
    unknown = [label for label in seen if label not in allowed]
    if unknown:
        raise ValueError(f"labels not in categories: {unknown!r}")
    return cats


def _unit_counts(
    data: RatingData, categories: Iterable[Label] | None = None
) -> tuple[npt.NDArray[np.int64], list[Label]]:
    """Units x categories table: entry [u, k] = number of coders who gave unit u category k."""
    rows = _rows(data)
    n_units = len(rows[0]) if rows else 0
    observed = (v for row in rows for v in row if not _is_missing(v))
    cats = _category_index(observed, categories)
    index = {c: i for i, c in enumerate(cats)}
    counts = np.zeros((n_units, len(cats)), dtype=np.int64)
    for row in rows:
        for unit, value in enumerate(row):
            if not _is_missing(value):
                counts[unit, index[value]] += 1
    return counts, cats


def _pair_table(a: CoderLabels, b: CoderLabels) -> npt.NDArray[np.int64]:
    """Contingency table of two coders over the units both rated (rows = a, columns = b)."""
    a_row, b_row = _coder_row(a), _coder_row(b)
    if len(a_row) != len(b_row):
        raise ValueError("both coders must rate the same units (sequences of equal length)")
    pairs = [(x, y) for x, y in zip(a_row, b_row, strict=True) if not (_is_missing(x) or _is_missing(y))]
    cats = list(dict.fromkeys(v for pair in pairs for v in pair))
    index = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)), dtype=np.int64)
    for x, y in pairs:
        table[index[x], index[y]] += 1
    return table


def _square_table(table: Any) -> npt.NDArray[np.float64]:
    t = np.asarray(table, dtype=np.float64)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise ValueError("a contingency table must be square (same categories for both coders, same order)")
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError("contingency table entries must be finite and non-negative")
    return t


def _single_diagonal_cell(t: npt.NDArray[np.float64]) -> bool:
    """True when all units fall in one diagonal cell, i.e. both coders used one and the same category.

    This is exactly the case where the chance agreement of Cohen's kappa and Scott's pi is 1.
    """
    rows, cols = t.sum(axis=1), t.sum(axis=0)
    return (
        np.count_nonzero(rows) == 1
        and np.count_nonzero(cols) == 1
        and int(np.argmax(rows)) == int(np.argmax(cols))
    )


# --------------------------------------------------------------------------- percent agreement


Floats = npt.NDArray[np.float64]


def _count_table(table: Any, weights: Any = None) -> tuple[Floats, Floats]:
    """A validated units x categories table of rating counts and its row weights, as floats.

    Rows of weight 0 are dropped, so that every statistic may treat each remaining row as present.
    """
    t = np.asarray(table, dtype=np.float64)
    if t.ndim != 2:
        raise ValueError("counts must be a 2-D units x categories table")
    if not np.all(np.isfinite(t)) or np.any(t < 0) or np.any(t != np.round(t)):
        raise ValueError("counts must be non-negative integers")
    if weights is None:
        return t, np.ones(t.shape[0])
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (t.shape[0],) or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be one non-negative number per row of the count table")
    return t[w > 0], w[w > 0]


def _weighted_mean(values: Floats, w: Floats) -> float:
    return float((values * w).sum() / w.sum())


def _multirater_pa(counts: npt.NDArray[Any], w: Floats | None = None) -> float:
    """Mean over units with >= 2 ratings of sum_k r_ik (r_ik - 1) / (r_i (r_i - 1)) (``w``: row weights)."""
    r_i = counts.sum(axis=1)
    keep = r_i >= 2
    if not np.any(keep):
        return _NAN
    c = counts[keep].astype(np.float64)
    r = r_i[keep].astype(np.float64)
    per_unit = (c * (c - 1.0)).sum(axis=1) / (r * (r - 1.0))
    return _weighted_mean(per_unit, np.ones(len(r)) if w is None else w[keep])


def percent_agreement(data: RatingData) -> float:
    """Observed agreement: share of agreeing coder pairs per unit, averaged over units.

    For each unit rated by r_i >= 2 coders, of whom r_ik chose category k, the
    unit's agreement is the share of agreeing ordered pairs of distinct coders,
    ``sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))``.  The result is the unweighted
    mean over all units with at least two ratings; units with fewer ratings are
    ignored.  For two coders this is simply the share of units on which both
    agree, among the units both rated.  This is also the p_a of Gwet's AC1,
    Brennan-Prediger and Fleiss' kappa.

    Returns NaN when no unit has at least two ratings.
    """
    counts, _ = _unit_counts(data)
    return _multirater_pa(counts)


def percent_agreement_from_counts(table: Any, weights: Any = None) -> float:
    """:func:`percent_agreement` from a units x categories table of counts (``weights``: units per row)."""
    return _multirater_pa(*_count_table(table, weights))


# --------------------------------------------------------------------------- two coders


def cohen_kappa_from_table(table: Any) -> float:
    """Cohen's (1960) kappa from a k x k contingency table (rows = coder A, columns = coder B).

    ``kappa = (p_o - p_e) / (1 - p_e)`` with ``p_o = trace / n`` and the chance
    agreement from each coder's own marginals, *summed* over categories:
    ``p_e = sum_k (row_k / n) * (col_k / n)``.

    Returns NaN when the table is empty (n = 0) or when p_e = 1, i.e. both
    coders used one and the same single category for every unit.
    """
    t = _square_table(table)
    n = t.sum()
    if n == 0 or _single_diagonal_cell(t):
        return _NAN
    p_o = np.trace(t) / n
    p_e = float((t.sum(axis=1) * t.sum(axis=0)).sum()) / (n * n)
    return float((p_o - p_e) / (1.0 - p_e))


def cohen_kappa(a: CoderLabels, b: CoderLabels) -> float:
    """Cohen's (1960) kappa for two coders, missing ratings allowed.

    ``p_o`` is the share of agreeing units among those both coders rated. The chance agreement uses
    each coder's own category distribution, ``p_e = sum_k p_a(k) * p_b(k)`` (a sum over categories,
    not a product), where, with missing ratings, each coder's distribution is taken over all units
    that coder rated (Gwet 2014, Handbook, ch. 2; irrCAC's ``cohen.kappa.raw``). Without missing
    ratings this is exactly :func:`cohen_kappa_from_table` of the two coders' table.

    Returns NaN when no unit was rated by both coders, or when p_e = 1 (both coders used one and
    the same single category throughout).
    """
    table = _pair_table(a, b)
    n = table.sum()
    if n == 0:
        return _NAN
    p_o = float(np.trace(table)) / n
    a_row = [x for x in _coder_row(a) if not _is_missing(x)]
    b_row = [y for y in _coder_row(b) if not _is_missing(y)]
    cats = set(a_row) | set(b_row)
    p_e = sum((a_row.count(k) / len(a_row)) * (b_row.count(k) / len(b_row)) for k in cats)
    if p_e >= 1.0:
        return _NAN
    return float((p_o - p_e) / (1.0 - p_e))


def scott_pi_from_table(table: Any) -> float:
    """Scott's (1955) pi from a k x k contingency table (rows = coder A, columns = coder B).

    Like Cohen's kappa, but the chance agreement uses the *pooled* marginals of
    both coders: ``pi_k = (row_k + col_k) / (2 n)``, ``p_e = sum_k pi_k**2``.

    Returns NaN when the table is empty or when both coders used one and the
    same single category throughout (p_e = 1).
    """
    t = _square_table(table)
    n = t.sum()
    if n == 0 or _single_diagonal_cell(t):
        return _NAN
    p_o = np.trace(t) / n
    pooled = (t.sum(axis=1) + t.sum(axis=0)) / (2.0 * n)
    p_e = float((pooled**2).sum())
    return float((p_o - p_e) / (1.0 - p_e))


def scott_pi(a: CoderLabels, b: CoderLabels) -> float:
    """Scott's (1955) pi for two coders, over the units both coders rated.

    Chance agreement from the two coders' pooled category distribution; see
    :func:`scott_pi_from_table`.

    Returns NaN when no unit was rated by both coders, or when both coders used
    one and the same single category throughout (p_e = 1).
    """
    return scott_pi_from_table(_pair_table(a, b))


# --------------------------------------------------------------------------- Fleiss


def fleiss_kappa_from_counts(table: Any, weights: Any = None) -> float:
    """Fleiss' (1971) kappa from a subjects x categories table of rating counts, missing ratings allowed.

    Entry [i, k] is the number of raters who put subject i in category k; row totals r_i may differ
    (missing ratings). The extension to missing ratings is Gwet's (2014, Handbook, ch. 2; irrCAC's
    ``fleiss.kappa.raw``), the one published values with missing data are computed with::

        P_a  = mean over subjects with r_i >= 2 of sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))
        pi_k = mean over subjects with r_i >= 1 of r_ik / r_i
        P_e  = sum_k pi_k**2
        kappa = (P_a - P_e) / (1 - P_e)

    With a constant number of raters this is exactly Fleiss (1971).

    ``weights`` gives the number of subjects with each row (default: one).

    Returns NaN when no subject has two or more ratings, or when all ratings fall in a single category
    (P_e = 1).
    """
    t, w = _count_table(table, weights)
    n_i = t.sum(axis=1)
    if not np.any((n_i >= 2) & (w > 0)):
        return _NAN
    rated = n_i >= 1
    pi_k = (t[rated] / n_i[rated, None] * w[rated, None]).sum(axis=0) / w[rated].sum()
    if np.count_nonzero(pi_k) < 2:
        return _NAN
    p_a = _multirater_pa(t, w)
    p_e = float((pi_k**2).sum())
    return (p_a - p_e) / (1.0 - p_e)


def fleiss_kappa(data: RatingData) -> float:
    """Fleiss' (1971) kappa for any number of coders, allowing missing ratings.

    Builds the units x categories count table and applies
    :func:`fleiss_kappa_from_counts` (P_a over units with 2 or more ratings; P_e from the
    per-unit category proportions over every rated unit, as Gwet extends Fleiss to missing
    ratings). Coder identity plays no role.

    Returns NaN when no unit has two or more ratings, or when all those
    ratings are the same category.
    """
    counts, _ = _unit_counts(data)
    return fleiss_kappa_from_counts(counts)


# --------------------------------------------------------------------------- Krippendorff


def _interval_values(labels: list[Label], level: str) -> npt.NDArray[np.float64]:
    bad = [v for v in labels if not isinstance(v, numbers.Real)]
    if bad:
        raise ValueError(f"level={level!r} needs numeric labels; got {bad[:3]!r}")
    values = np.asarray([float(v) for v in labels], dtype=np.float64)  # type: ignore[arg-type]
    if level == "ratio" and np.any(values < 0):
        raise ValueError("level='ratio' needs non-negative values (a ratio scale has an absolute zero)")
    return values


def _delta_squared(labels: list[Label], n_c: npt.NDArray[np.float64], level: str) -> npt.NDArray[np.float64]:
    """Krippendorff's squared difference function for the (already ordered) values.

    ``n_c`` is the vector of pairable values per category, or a stack of them (shape ``(..., m)``, one row
    per bootstrap replicate); the result has shape ``(..., m, m)``.  Only the ordinal metric depends on it.
    """
    m = len(labels)
    if level == "nominal":
        return np.broadcast_to(1.0 - np.eye(m), (*n_c.shape[:-1], m, m))
    if level == "ordinal":
        # delta^2_ck = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2, values in rank order.
        zeros = np.zeros((*n_c.shape[:-1], 1))
        cum = np.concatenate((zeros, np.cumsum(n_c, axis=-1)), axis=-1)
        lo = np.minimum.outer(np.arange(m), np.arange(m))
        hi = np.maximum.outer(np.arange(m), np.arange(m))
        between = cum[..., hi + 1] - cum[..., lo]
        return (between - (n_c[..., :, None] + n_c[..., None, :]) / 2.0) ** 2
    values = _interval_values(labels, level)
    diff = values[:, None] - values[None, :]
    if level == "interval":
        d2 = diff**2
    else:
        total = values[:, None] + values[None, :]
        d2 = np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2  # 0/0 only if c = k = 0
    return np.broadcast_to(d2, (*n_c.shape[:-1], m, m))


def _check_level(level: str) -> None:
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {_LEVELS}, not {level!r}")


def _alpha_table(
    table: Any, values: Sequence[Label] | None, level: str, weights: Any = None
) -> tuple[Floats, Floats, list[Label]]:
    """The pairable units (m_u >= 2) of a count table and their weights, columns in rank order, unused
    columns dropped."""
    _check_level(level)
    counts, w = _count_table(table, weights)
    labels: list[Label] = list(range(counts.shape[1])) if values is None else list(values)
    if len(labels) != counts.shape[1]:
        raise ValueError("values must name every column of the count table")
    if values is None and level in ("interval", "ratio"):
        raise ValueError(f"level={level!r} needs the values of the columns")
    if level == "ordinal":
        try:
            order = sorted(range(len(labels)), key=lambda i: labels[i])  # type: ignore[arg-type,return-value]
        except TypeError as exc:
            raise ValueError("level='ordinal' needs mutually comparable (sortable) labels") from exc
        labels = [labels[i] for i in order]
        counts = counts[:, order]
    elif level in ("interval", "ratio"):
        _interval_values(labels, level)  # validate all labels, pairable or not
    pairable = counts.sum(axis=1) >= 2
    counts, w = counts[pairable], w[pairable]
    used = counts.sum(axis=0) > 0
    return counts[:, used], w, [lab for lab, u in zip(labels, used, strict=True) if u]


def _coincidences(counts: Floats, w: Floats, *, per_unit: bool = False) -> Floats:
    """The coincidence matrix o_ck = sum_u w_u (n_uc n_uk - [c == k] n_uc) / (m_u - 1) of pairable units.

    With ``per_unit`` each row's own unweighted term (shape ``(rows, m, m)``), for resampling.
    """
    weights = (1.0 if per_unit else w) / (counts.sum(axis=1) - 1.0)
    if per_unit:
        outer = np.einsum("uc,uk->uck", counts, counts) - np.einsum(
            "uc,ck->uck", counts, np.eye(counts.shape[1])
        )
        return outer * weights[:, None, None]
    return np.einsum("u,uc,uk->ck", weights, counts, counts) - np.diag(
        (counts * weights[:, None]).sum(axis=0)
    )


def _alpha_from_coincidences(o: npt.NDArray[np.float64], labels: list[Label], level: str) -> Any:
    """alpha = 1 - (n - 1) sum o_ck d2_ck / sum n_c n_k d2_ck, for one matrix or a stack ``(..., m, m)``.

    NaN where the expected disagreement is 0 (all pairable values identical).
    """
    n_c = o.sum(axis=-2)
    n = n_c.sum(axis=-1)
    d2 = _delta_squared(labels, n_c, level)
    observed = (o * d2).sum(axis=(-2, -1))
    expected = (n_c[..., :, None] * n_c[..., None, :] * d2).sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            expected > 0, 1.0 - (n - 1.0) * observed / np.where(expected > 0, expected, 1.0), _NAN
        )


def krippendorff_alpha_from_counts(
    table: Any, values: Sequence[Label] | None = None, level: Level | str = "nominal", weights: Any = None
) -> float:
    """:func:`krippendorff_alpha` from a units x categories table of rating counts.

    ``values`` names the category of each column (needed for ``interval`` and
    ``ratio``; for ``ordinal`` the columns are ranked by their values, or taken
    in table order when ``values`` is None).  ``weights``: units per row.
    """
    counts, w, labels = _alpha_table(table, values, level, weights)
    if len(labels) < 2:
        return _NAN
    return float(_alpha_from_coincidences(_coincidences(counts, w), labels, level))


def krippendorff_alpha(data: RatingData, level: Level | str = "nominal") -> float:
    """Krippendorff's alpha, coincidence-matrix definition (Krippendorff 2011).

    Only pairable values count: units with at least two ratings (m_u >= 2).
    With n_uc the number of coders giving unit u value c::

        o_ck  = sum_u (n_uc n_uk - [c == k] n_uc) / (m_u - 1)     coincidences
        n_c   = sum_k o_ck,   n = sum_c n_c                       pairable values
        alpha = 1 - D_o / D_e = 1 - (n - 1) sum_ck o_ck d2_ck / sum_ck n_c n_k d2_ck

    Difference functions d2_ck by ``level``:

    * ``"nominal"``: 0 if c == k else 1.
    * ``"ordinal"``: ``(sum_{g=c..k} n_g - (n_c + n_k) / 2) ** 2`` with values in
      rank order.  Labels are ordered by ``sorted()`` (numbers numerically,
      strings alphabetically; map labels to ranks yourself for another order).
      Labels that cannot be compared with each other raise ValueError.
    * ``"interval"``: ``(c - k) ** 2``; labels must be numbers, else ValueError.
    * ``"ratio"``: ``((c - k) / (c + k)) ** 2``; labels must be non-negative
      numbers, else ValueError.

    Returns NaN when there are no pairable values, or when all pairable values
    are identical (expected disagreement D_e = 0).
    """
    _check_level(level)
    counts, labels = _unit_counts(data)
    return krippendorff_alpha_from_counts(counts, labels, level)


def distinct_rows(table: Any, weights: Any = None) -> tuple[Floats, Floats]:
    """The distinct rows of a count table and how many units have each (the sum of their ``weights``).

    Every ``*_from_counts`` function gives the same value on the result (with its frequencies as
    ``weights``) as on the table.  Rows of small counts are numbered in base (largest count + 1) and
    tallied with ``bincount``, which needs no sort: a project's passages x codes table has millions of
    rows but a handful of distinct ones.
    """
    counts, w = _count_table(table, weights)
    base = int(counts.max()) + 1 if counts.size else 1
    width = counts.shape[1]
    if base**width > 4 * counts.shape[0] + 1024:
        patterns, inverse = np.unique(counts, axis=0, return_inverse=True)
        tally = np.bincount(inverse.ravel(), weights=w, minlength=len(patterns))
        return patterns, tally.astype(np.float64, copy=False)
    place = base ** np.arange(width, dtype=np.int64)
    tally = np.bincount(counts.astype(np.int64) @ place, weights=w, minlength=1)
    keys = np.flatnonzero(tally)
    return ((keys[:, None] // place) % base).astype(np.float64), tally[keys].astype(np.float64, copy=False)


def krippendorff_alpha_replicates(
    table: Any,
    values: Sequence[Label] | None = None,
    level: Level | str = "nominal",
    weights: Any = None,
    *,
    samples: int = 1000,
    seed: int = 0,
) -> Floats:
    """Alpha on ``samples`` bootstrap replicates of the units (see :func:`krippendorff_alpha_bootstrap`).

    Replicates where alpha is undefined are left out; empty when alpha itself is undefined.
    """
    if samples < 1:
        raise ValueError("samples must be >= 1")
    counts, w, labels = _alpha_table(table, values, level, weights)
    if len(labels) < 2:
        return np.zeros(0)
    patterns, frequency = distinct_rows(counts, w)
    units = round(float(frequency.sum()))
    draws = np.random.default_rng(seed).multinomial(units, frequency / frequency.sum(), size=samples)
    o = np.einsum("bp,pck->bck", draws.astype(np.float64), _coincidences(patterns, w, per_unit=True))
    alphas = _alpha_from_coincidences(o, labels, level)
    return np.asarray(alphas[~np.isnan(alphas)], dtype=np.float64)


def percentile_interval(replicates: Floats, confidence: float = 0.95) -> tuple[float, float]:
    """The ``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` quantiles of bootstrap replicates."""
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must lie strictly between 0 and 1")
    if replicates.size == 0:
        return _NAN, _NAN
    low, high = np.quantile(replicates, [(1.0 - confidence) / 2.0, (1.0 + confidence) / 2.0])
    return float(low), float(high)


def share_below(replicates: Floats, minimum: float) -> float:
    """The share of bootstrap replicates of alpha under ``minimum``: Hayes & Krippendorff's (2007) q, the
    probability of failing to reach that minimum (NaN without replicates)."""
    return float((replicates < minimum).mean()) if replicates.size else _NAN


def krippendorff_alpha_bootstrap(
    table: Any,
    values: Sequence[Label] | None = None,
    level: Level | str = "nominal",
    weights: Any = None,
    *,
    samples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """A percentile bootstrap confidence interval for alpha, resampling units with replacement.

    Each of ``samples`` replicates draws as many pairable units as there are,
    with replacement, and computes alpha on them; the interval runs from the
    ``(1 - confidence) / 2`` to the ``(1 + confidence) / 2`` quantile of the
    replicates.  Why by units: the unit (a passage) is what was sampled from
    the study, and its ratings stay together.  (This is not Hayes and
    Krippendorff's 2007 bootstrap, which resamples pairs of values.)  Units
    with identical count rows are interchangeable, so a replicate is drawn as
    a multinomial over the distinct rows: a project of 100,000 passages costs
    no more than one of 100.  Deterministic for a ``seed``.

    ``weights`` (units per row) are rounded to whole units for the draws.
    Replicates where alpha is undefined (all drawn values identical) are left
    out.  Returns ``(nan, nan)`` when alpha itself is undefined.
    """
    if samples < 1 or not 0.0 < confidence < 1.0:
        raise ValueError("samples must be >= 1 and confidence strictly between 0 and 1")
    replicates = krippendorff_alpha_replicates(table, values, level, weights, samples=samples, seed=seed)
    return percentile_interval(replicates, confidence)


def alpha_from_coincidence_stack(o: Any) -> Floats:
    """Nominal alpha from a coincidence matrix ``o`` (categories x categories) or a stack of them.

    NaN where the expected disagreement is 0.
    """
    o = np.asarray(o, dtype=np.float64)
    return np.asarray(_alpha_from_coincidences(o, list(range(o.shape[-1])), "nominal"), dtype=np.float64)


# --------------------------------------------------------------------------- Gwet, Brennan-Prediger


def _chance_free_parts(table: Any, weights: Any) -> tuple[Floats, Floats, float, int]:
    """The count table, its weights, its multi-rater p_a and its number of categories q (p_a NaN if q < 2)."""
    counts, w = _count_table(table, weights)
    q = counts.shape[1]
    return counts, w, _multirater_pa(counts, w) if q >= 2 else _NAN, q


def gwet_ac1_from_counts(table: Any, weights: Any = None) -> float:
    """:func:`gwet_ac1` from a units x categories table of rating counts; Q = the number of columns.

    ``weights``: units per row.
    """
    counts, w, p_a, q = _chance_free_parts(table, weights)
    if math.isnan(p_a):
        return _NAN
    r_i = counts.sum(axis=1)
    rated = r_i >= 1
    pi_k = (counts[rated] / r_i[rated, None] * w[rated, None]).sum(axis=0) / w[rated].sum()
    p_e = float((pi_k * (1.0 - pi_k)).sum()) / (q - 1)
    return (p_a - p_e) / (1.0 - p_e)


def gwet_ac1(data: RatingData, categories: Iterable[Label] | None = None) -> float:
    """Gwet's AC1 for any number of coders with missing ratings (Gwet 2008; Gwet 2014, ch. 4).

    With r_ik the number of coders giving unit i category k, r_i = sum_k r_ik,
    and Q the number of categories::

        p_a  = mean over units with r_i >= 2 of sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))
        pi_k = mean over ALL units with r_i >= 1 of r_ik / r_i
        p_e  = 1 / (Q - 1) * sum_k pi_k (1 - pi_k)
        AC1  = (p_a - p_e) / (1 - p_e)

    Units rated by a single coder contribute to pi_k but not to p_a.  For two
    coders with no missing data pi_k is the mean of the two coders'
    proportions and this is the familiar two-rater AC1.  ``categories`` gives
    the full category set (Q = its size); by default Q = number of observed
    labels.  This matches irrCAC's ``gwet.ac1.raw``.

    Returns NaN when no unit has two or more ratings, or when Q < 2 (a single
    category: pass ``categories`` with the full set to get a value then).
    """
    counts, _ = _unit_counts(data, categories)
    return gwet_ac1_from_counts(counts)


def brennan_prediger_from_counts(table: Any, weights: Any = None) -> float:
    """:func:`brennan_prediger` from a units x categories table of counts; q = the number of columns.

    ``weights``: units per row.
    """
    _, _, p_a, q = _chance_free_parts(table, weights)
    if math.isnan(p_a):
        return _NAN
    return (p_a - 1.0 / q) / (1.0 - 1.0 / q)


def brennan_prediger(data: RatingData, categories: Iterable[Label] | None = None) -> float:
    """Brennan & Prediger's (1981) coefficient (= Randolph's free-marginal kappa).

    ``(p_a - 1/q) / (1 - 1/q)`` with p_a the multi-rater agreement of
    :func:`percent_agreement` and q the number of categories: the size of
    ``categories`` if given (the full category set), else the number of
    distinct labels observed anywhere in ``data``.

    Returns NaN when no unit has two or more ratings, or when q < 2.
    """
    counts, _ = _unit_counts(data, categories)
    return brennan_prediger_from_counts(counts)
