"""Tests for codeer.agreement: published values, reference libraries, properties, edge cases."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from codeer.agreement import (
    brennan_prediger,
    brennan_prediger_from_counts,
    cohen_kappa,
    cohen_kappa_from_table,
    distinct_rows,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    gwet_ac1,
    gwet_ac1_from_counts,
    krippendorff_alpha,
    krippendorff_alpha_bootstrap,
    krippendorff_alpha_from_counts,
    percent_agreement,
    percent_agreement_from_counts,
    scott_pi,
    scott_pi_from_table,
)

DATA_DIR = Path(__file__).parent / "data" / "agreement"
PUBLISHED: list[dict[str, Any]] = json.loads((DATA_DIR / "published.json").read_text(encoding="utf-8"))
LEVELS = ("nominal", "ordinal", "interval", "ratio")


# --------------------------------------------------------------------------- helpers


def table_to_coders(table: Sequence[Sequence[int]], categories: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """Expand a two-coder contingency table (rows = coder A) into unit-level label lists."""
    a: list[Any] = []
    b: list[Any] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [categories[i]] * int(count)
            b += [categories[j]] * int(count)
    return a, b


def counts_to_matrix(
    counts: Sequence[Sequence[int]], categories: Sequence[Any] | None = None
) -> list[list[Any]]:
    """Expand a subjects x categories count table into a coders x units matrix (None-padded).

    Which coder gave which rating is arbitrary; none of the count-based statistics depend on it.
    """
    cats = list(categories) if categories is not None else list(range(len(counts[0])))
    units = [[cats[k] for k, c in enumerate(row) for _ in range(int(c))] for row in counts]
    n_coders = max(len(u) for u in units)
    return [[u[j] if j < len(u) else None for u in units] for j in range(n_coders)]


def same(x: float, y: float, tol: float = 1e-9) -> bool:
    """Equal within tol, treating NaN == NaN."""
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return abs(x - y) <= tol


def to_nan_array(data: Sequence[Sequence[Any]]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)


# --------------------------------------------------------------------------- published.json


def published_value(entry: dict[str, Any]) -> list[float]:
    """Compute the entry's statistic in every way the entry's data allow (all must agree)."""
    measure, fmt, data = entry["measure"], entry["data_format"], entry["data"]
    if measure == "krippendorff_alpha" and fmt.startswith("reliability_matrix"):
        return [krippendorff_alpha(data, level=entry["level"])]
    if measure == "cohen_kappa" and fmt.startswith("contingency_table"):
        a, b = table_to_coders(data["table"], data["categories"])
        return [cohen_kappa_from_table(data["table"]), cohen_kappa(a, b)]
    if measure == "fleiss_kappa" and fmt.startswith("subject_category_counts"):
        return [fleiss_kappa_from_counts(data), fleiss_kappa(counts_to_matrix(data))]
    raise AssertionError(f"test does not know how to check {measure!r} on {fmt!r}: extend published_value()")


@pytest.mark.parametrize("entry", PUBLISHED, ids=[e["name"] for e in PUBLISHED])
def test_published_json(entry: dict[str, Any]) -> None:
    assert entry["level"] == "nominal" or entry["measure"] == "krippendorff_alpha"
    for value in published_value(entry):
        assert abs(value - entry["expected"]) < 5e-4, (entry["name"], value, entry["expected"])


def test_published_json_is_the_shared_fixture_shape() -> None:
    assert len(PUBLISHED) >= 4
    for entry in PUBLISHED:
        assert {"name", "measure", "level", "data_format", "data", "expected", "source"} <= set(entry)
        assert entry["source"].strip()


# --------------------------------------------------------------------------- further published values

# Krippendorff (2011), 4 observers x 12 units; the same matrix as in published.json.
K2011 = next(e["data"] for e in PUBLISHED if e["name"] == "krippendorff2011_4x12_nominal")


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_all_levels(level: str, expected: float) -> None:
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", worked example with missing data.
    ours = krippendorff_alpha(K2011, level=level)
    assert abs(ours - expected) < 5e-4
    assert ours == pytest.approx(
        krippendorff.alpha(to_nan_array(K2011), level_of_measurement=level), abs=1e-12
    )


# Gwet's irrCAC (R package 1.0) README / vignette "overview": dataset cac.raw4raters, rows = subjects,
# columns = Rater1..Rater4 (transposed here to coders x units). Values printed there:
# pa 0.8181818, AC1 0.77544 (pe 0.1903212), Brennan-Prediger 0.77273 (pe 0.2), Krippendorff alpha 0.74342.
RAW4RATERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, None],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]

# irrCAC, contingency table cont3x3abstractors (rows = rater A, columns = rater B).
ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
ABSTRACTOR_CATS = ["Ectopic", "AIU", "NIU"]

# irrCAC, distrib.6raters: 15 psychiatric patients x 5 diagnoses, 6 raters each.
DISTRIB_6RATERS = [
    [0, 0, 0, 6, 0],
    [0, 3, 0, 0, 3],
    [0, 1, 4, 0, 1],
    [0, 0, 0, 0, 6],
    [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0],
    [0, 0, 4, 0, 2],
    [2, 0, 3, 1, 0],
    [2, 0, 0, 4, 0],
    [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0],
    [1, 1, 0, 4, 0],
    [0, 3, 3, 0, 0],
    [1, 0, 0, 5, 0],
    [0, 2, 0, 3, 1],
]
DIAGNOSES = ["Depression", "Personality.Disorder", "Schizophrenia", "Neurosis", "Other"]

_ABSTRACTOR_PAIR = table_to_coders(ABSTRACTORS, ABSTRACTOR_CATS)
_SIX_RATERS = counts_to_matrix(DISTRIB_6RATERS, DIAGNOSES)

IRRCAC_CASES: list[tuple[str, Callable[[], float], float, float]] = [
    # (id, computation, printed value, half a unit in the last printed digit)
    ("raw4raters-pa", lambda: percent_agreement(RAW4RATERS), 0.8181818, 5e-8),
    ("raw4raters-ac1", lambda: gwet_ac1(RAW4RATERS), 0.77544, 5e-6),
    ("raw4raters-bp", lambda: brennan_prediger(RAW4RATERS), 0.77273, 5e-6),
    ("raw4raters-alpha", lambda: krippendorff_alpha(RAW4RATERS), 0.74342, 5e-6),
    ("abstractors-cohen-table", lambda: cohen_kappa_from_table(ABSTRACTORS), 0.7964094, 5e-8),
    ("abstractors-cohen", lambda: cohen_kappa(*_ABSTRACTOR_PAIR), 0.7964094, 5e-8),
    ("abstractors-scott-table", lambda: scott_pi_from_table(ABSTRACTORS), 0.7962397, 5e-8),
    ("abstractors-scott", lambda: scott_pi(*_ABSTRACTOR_PAIR), 0.7962397, 5e-8),
    ("abstractors-ac1", lambda: gwet_ac1(list(_ABSTRACTOR_PAIR)), 0.8493305, 5e-8),
    ("abstractors-bp", lambda: brennan_prediger(list(_ABSTRACTOR_PAIR)), 0.835, 5e-4),
    ("abstractors-alpha", lambda: krippendorff_alpha(list(_ABSTRACTOR_PAIR)), 0.7972585, 5e-8),
    ("abstractors-pa", lambda: percent_agreement(list(_ABSTRACTOR_PAIR)), 0.89, 5e-3),
    ("6raters-pa", lambda: percent_agreement(_SIX_RATERS), 0.5511111, 5e-8),
    ("6raters-ac1", lambda: gwet_ac1(_SIX_RATERS), 0.4448007, 5e-8),
    ("6raters-fleiss-counts", lambda: fleiss_kappa_from_counts(DISTRIB_6RATERS), 0.4139265, 5e-8),
    ("6raters-fleiss", lambda: fleiss_kappa(_SIX_RATERS), 0.4139265, 5e-8),
    ("6raters-alpha", lambda: krippendorff_alpha(_SIX_RATERS), 0.4204384, 5e-8),
    ("6raters-bp", lambda: brennan_prediger(_SIX_RATERS), 0.4388889, 5e-8),
]


@pytest.mark.parametrize(
    ("compute", "expected", "tol"), [c[1:] for c in IRRCAC_CASES], ids=[c[0] for c in IRRCAC_CASES]
)
def test_irrcac_published_examples(compute: Callable[[], float], expected: float, tol: float) -> None:
    assert abs(compute() - expected) <= tol + 1e-12


def test_scott_pi_on_wikipedia_cohen_table() -> None:
    # Margins: A yes 25 / no 25, B yes 30 / no 20 of 50 -> pooled 0.55 / 0.45, p_e = 0.505, p_o = 0.7,
    # pi = 0.195 / 0.495 = 13/33 (Cohen's kappa on the same table is 0.4, p_e = 0.5).
    table = [[20, 5], [10, 15]]
    assert scott_pi_from_table(table) == pytest.approx(13 / 33, abs=1e-12)
    assert scott_pi(*table_to_coders(table, ["yes", "no"])) == pytest.approx(13 / 33, abs=1e-12)
    # Two raters, no missing data: Fleiss' kappa *is* Scott's pi.
    assert fleiss_kappa(list(table_to_coders(table, ["yes", "no"]))) == pytest.approx(13 / 33, abs=1e-12)


def test_cohen_chance_agreement_is_a_sum_over_categories() -> None:
    # p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5, so kappa = (0.7 - 0.5) / 0.5 = 0.4 (a product over categories would
    # give p_e = 0.06 and kappa ~ 0.68).
    assert cohen_kappa_from_table([[20, 5], [10, 15]]) == pytest.approx(0.4, abs=1e-12)


def test_fleiss_with_missing_ratings_is_gwets_extension() -> None:
    # Krippendorff 2011 data: units 1-11 have >= 2 ratings, P_a = 9/11 (irrCAC pa = 0.8181818). Gwet's
    # extension averages r_ik / r_i over all 12 rated units for pi_k: irrCAC's fleiss.kappa.raw prints
    # pe = 0.2387153 and kappa = 0.76117.
    assert fleiss_kappa(K2011) == pytest.approx(0.76117, abs=5e-6)
    assert percent_agreement(K2011) == pytest.approx(9 / 11, abs=1e-12)


# --------------------------------------------------------------------------- reference implementations

SIZES = [(2, 8, 2), (2, 30, 3), (3, 25, 4), (4, 60, 5), (5, 40, 3), (6, 200, 7), (8, 15, 2)]


def random_matrix(seed: int, coders: int, units: int, cats: int, missing: float) -> np.ndarray:
    """Coders x units float matrix of labels 0..cats-1 (correlated across coders), NaN = missing."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, cats, size=units)
    noise = rng.integers(0, cats, size=(coders, units))
    data = np.where(rng.random((coders, units)) < 0.6, truth, noise).astype(float)
    data[rng.random((coders, units)) < missing] = np.nan
    return data


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(("coders", "units", "cats"), SIZES)
@pytest.mark.parametrize("missing", [0.0, 0.25])
def test_alpha_matches_krippendorff_package(
    level: str, coders: int, units: int, cats: int, missing: float
) -> None:
    for seed in range(5):
        data = random_matrix(seed, coders, units, cats, missing)
        reference = krippendorff.alpha(data, level_of_measurement=level)
        assert krippendorff_alpha(data, level=level) == pytest.approx(reference, abs=1e-10)
        as_lists = [[None if np.isnan(v) else int(v) for v in row] for row in data]
        assert krippendorff_alpha(as_lists, level=level) == pytest.approx(reference, abs=1e-10)


@pytest.mark.parametrize(("units", "cats"), [(5, 2), (20, 2), (50, 3), (300, 6)])
def test_cohen_matches_sklearn(units: int, cats: int) -> None:
    for seed in range(10):
        a, b = random_matrix(seed, 2, units, cats, 0.0).astype(int)
        if len(set(a) | set(b)) < 2:
            continue
        assert cohen_kappa(list(a), list(b)) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
        # Same result with string labels.
        sa, sb = [f"code{x}" for x in a], [f"code{x}" for x in b]
        assert cohen_kappa(sa, sb) == pytest.approx(cohen_kappa_score(sa, sb), abs=1e-12)


def test_cohen_with_missing_agrees_on_both_rated_units_and_takes_chance_from_each_coders_ratings() -> None:
    for seed in range(10):
        a, b = random_matrix(seed, 2, 80, 4, 0.3)
        both = ~np.isnan(a) & ~np.isnan(b)
        p_o = float(np.mean(a[both] == b[both]))
        own_a, own_b = a[~np.isnan(a)], b[~np.isnan(b)]
        p_e = sum(float(np.mean(own_a == k)) * float(np.mean(own_b == k)) for k in range(4))
        assert cohen_kappa(a, b) == pytest.approx((p_o - p_e) / (1 - p_e), abs=1e-12)
        a_none = [None if np.isnan(v) else int(v) for v in a]
        b_none = [None if np.isnan(v) else int(v) for v in b]
        assert cohen_kappa(a_none, b_none) == pytest.approx(cohen_kappa(a, b), abs=1e-12)
        full_a, full_b = random_matrix(seed, 2, 80, 4, 0.0).astype(int)
        assert cohen_kappa(full_a, full_b) == pytest.approx(cohen_kappa_score(full_a, full_b), abs=1e-12)


@pytest.mark.parametrize(("coders", "units", "cats"), SIZES)
def test_fleiss_and_brennan_prediger_match_statsmodels(coders: int, units: int, cats: int) -> None:
    for seed in range(5):
        data = random_matrix(seed, coders, units, cats, 0.0).astype(int)
        table, columns = aggregate_raters(data.T, n_cat=cats)  # subjects x categories 0..cats-1
        assert list(columns) == list(range(cats))
        fleiss = sm_fleiss_kappa(table, method="fleiss")
        assert fleiss_kappa(data) == pytest.approx(fleiss, abs=1e-12)
        assert fleiss_kappa_from_counts(table) == pytest.approx(fleiss, abs=1e-12)
        randolph = sm_fleiss_kappa(table, method="randolph")
        assert brennan_prediger(data, categories=range(cats)) == pytest.approx(randolph, abs=1e-12)
        if coders == 2:
            assert scott_pi(data[0], data[1]) == pytest.approx(fleiss, abs=1e-12)


def textbook_two_rater_ac1(a: Sequence[Any], b: Sequence[Any], q: int) -> float:
    """Gwet (2008), two raters, complete data.

    pi_k = (p_Ak + p_Bk) / 2, p_e = sum_k pi_k (1 - pi_k) / (q - 1).
    """
    n = len(a)
    p_a = sum(x == y for x, y in zip(a, b, strict=True)) / n
    cats = set(a) | set(b)
    pi = [(list(a).count(k) + list(b).count(k)) / (2 * n) for k in cats]
    p_e = sum(p * (1 - p) for p in pi) / (q - 1)
    return (p_a - p_e) / (1 - p_e)


@pytest.mark.parametrize(("units", "cats"), [(10, 2), (40, 3), (200, 5)])
def test_ac1_two_raters_reduces_to_two_rater_formula(units: int, cats: int) -> None:
    for seed in range(10):
        a, b = random_matrix(seed, 2, units, cats, 0.0).astype(int).tolist()
        assert gwet_ac1([a, b], categories=range(cats)) == pytest.approx(textbook_two_rater_ac1(a, b, cats))
        observed = len(set(a) | set(b))
        if observed >= 2:
            assert gwet_ac1([a, b]) == pytest.approx(textbook_two_rater_ac1(a, b, observed))


def test_percent_agreement_two_coders_is_share_of_agreeing_units() -> None:
    for seed in range(10):
        a, b = random_matrix(seed, 2, 50, 3, 0.2)
        both = ~np.isnan(a) & ~np.isnan(b)
        assert percent_agreement([a, b]) == pytest.approx(float(np.mean(a[both] == b[both])), abs=1e-12)


def test_nan_and_none_are_the_same_missing_marker() -> None:
    data = random_matrix(7, 4, 30, 4, 0.3)
    as_none = [[None if np.isnan(v) else int(v) for v in row] for row in data]
    for f in (percent_agreement, fleiss_kappa, gwet_ac1, brennan_prediger, krippendorff_alpha):
        assert f(data) == pytest.approx(f(as_none), abs=1e-12)
        assert f(data.tolist()) == pytest.approx(f(as_none), abs=1e-12)


def test_ordinal_string_labels_are_ordered_by_sorting() -> None:
    names = {1: "1 very low", 2: "2 low", 3: "3 mid", 4: "4 high", 5: "5 very high"}
    as_strings = [[None if v is None else names[v] for v in row] for row in K2011]
    assert krippendorff_alpha(as_strings, "ordinal") == pytest.approx(krippendorff_alpha(K2011, "ordinal"))
    assert krippendorff_alpha(as_strings, "nominal") == pytest.approx(krippendorff_alpha(K2011, "nominal"))


# --------------------------------------------------------------------------- properties

labels = st.sampled_from(["a", "b", "c", "d"])
maybe_label = st.one_of(labels, labels, labels, st.none())
int_labels = st.integers(min_value=0, max_value=4)
maybe_int = st.one_of(int_labels, int_labels, int_labels, st.none())


@st.composite
def rating_matrices(draw: st.DrawFn, element: st.SearchStrategy[Any] = maybe_label) -> list[list[Any]]:
    coders = draw(st.integers(min_value=2, max_value=5))
    units = draw(st.integers(min_value=1, max_value=15))
    return [draw(st.lists(element, min_size=units, max_size=units)) for _ in range(coders)]


MULTI: list[Callable[[Any], float]] = [
    percent_agreement,
    fleiss_kappa,
    gwet_ac1,
    brennan_prediger,
    krippendorff_alpha,
]


@settings(max_examples=200, deadline=None)
@given(rating_matrices())
def test_values_are_at_most_one(data: list[list[Any]]) -> None:
    for f in MULTI:
        value = f(data)
        assert math.isnan(value) or value <= 1 + 1e-12
    for f2 in (cohen_kappa, scott_pi):
        value = f2(data[0], data[1])
        assert math.isnan(value) or value <= 1 + 1e-12


@settings(max_examples=200, deadline=None)
@given(rating_matrices(maybe_int))
def test_alpha_at_most_one_at_every_level(data: list[list[Any]]) -> None:
    for level in LEVELS:
        value = krippendorff_alpha(data, level=level)
        assert math.isnan(value) or value <= 1 + 1e-12


@settings(max_examples=200, deadline=None)
@given(rating_matrices())
def test_percent_agreement_in_unit_interval(data: list[list[Any]]) -> None:
    value = percent_agreement(data)
    assert math.isnan(value) or 0.0 <= value <= 1.0


@settings(max_examples=200, deadline=None)
@given(rating_matrices(maybe_int))
def test_symmetric_in_coders(data: list[list[Any]]) -> None:
    assert same(cohen_kappa(data[0], data[1]), cohen_kappa(data[1], data[0]))
    assert same(scott_pi(data[0], data[1]), scott_pi(data[1], data[0]))
    swapped = [data[1], data[0], *data[2:]]
    reversed_ = data[::-1]
    for f in MULTI:
        assert same(f(data), f(swapped))
        assert same(f(data), f(reversed_))
    for level in LEVELS:
        assert same(krippendorff_alpha(data, level), krippendorff_alpha(reversed_, level))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(maybe_int, min_size=2, max_size=20).filter(lambda r: len({v for v in r if v is not None}) >= 2),
    st.integers(min_value=2, max_value=5),
)
def test_identical_coders_give_one(row: list[Any], coders: int) -> None:
    data = [list(row) for _ in range(coders)]
    assert cohen_kappa(row, row) == pytest.approx(1.0)
    assert scott_pi(row, row) == pytest.approx(1.0)
    for f in MULTI:
        assert f(data) == pytest.approx(1.0)
    for level in LEVELS:
        assert krippendorff_alpha(data, level) == pytest.approx(1.0)
    as_text = [[None if v is None else f"c{v}" for v in r] for r in data]
    assert cohen_kappa(as_text[0], as_text[1]) == pytest.approx(1.0)
    assert krippendorff_alpha(as_text, "ordinal") == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(rating_matrices(maybe_int))
def test_alpha_matches_krippendorff_package_on_arbitrary_data(data: list[list[Any]]) -> None:
    arr = to_nan_array(data)
    pairable = arr[:, (~np.isnan(arr)).sum(axis=0) >= 2]
    if len(np.unique(pairable[~np.isnan(pairable)])) < 2:
        for level in LEVELS:
            assert math.isnan(krippendorff_alpha(data, level))
        return
    for level in LEVELS:
        reference = krippendorff.alpha(arr, level_of_measurement=level)
        assert krippendorff_alpha(data, level) == pytest.approx(reference, abs=1e-9)


# --------------------------------------------------------------------------- undefined cases -> NaN


@pytest.mark.parametrize(
    "data",
    [
        [],  # no coders
        [["a", "b", "c"]],  # a single coder
        [["a", None], [None, "b"]],  # no unit rated twice
        [[None, None], [None, None]],
    ],
)
def test_nothing_pairable_gives_nan(data: list[list[Any]]) -> None:
    for f in MULTI:
        assert math.isnan(f(data))
    if len(data) == 2:
        assert math.isnan(cohen_kappa(data[0], data[1]))
        assert math.isnan(scott_pi(data[0], data[1]))


def test_empty_two_coder_inputs_give_nan() -> None:
    assert math.isnan(cohen_kappa([], []))
    assert math.isnan(scott_pi([], []))
    assert math.isnan(cohen_kappa_from_table([[0, 0], [0, 0]]))
    assert math.isnan(scott_pi_from_table([[0, 0], [0, 0]]))


def test_single_shared_category_gives_nan_for_chance_corrected_measures() -> None:
    data = [["x", "x", "x"], ["x", "x", None]]
    assert percent_agreement(data) == 1.0
    assert math.isnan(cohen_kappa(*data))
    assert math.isnan(scott_pi(*data))
    assert math.isnan(cohen_kappa_from_table([[7, 0], [0, 0]]))
    assert math.isnan(scott_pi_from_table([[0, 0], [0, 7]]))
    assert math.isnan(fleiss_kappa(data))
    assert math.isnan(fleiss_kappa_from_counts([[2, 0], [3, 0]]))
    for level in ("nominal", "ordinal"):
        assert math.isnan(krippendorff_alpha(data, level))
    for level in ("interval", "ratio"):
        assert math.isnan(krippendorff_alpha([[2, 2, 2], [2, 2, None]], level))
    # q = 1 observed category: AC1 and Brennan-Prediger undefined ...
    assert math.isnan(gwet_ac1(data))
    assert math.isnan(brennan_prediger(data))
    # ... but defined once the full category set is given.
    assert gwet_ac1(data, categories=["x", "y"]) == 1.0
    assert brennan_prediger(data, categories=["x", "y"]) == 1.0


def test_total_disagreement_on_one_cell_is_zero_not_nan() -> None:
    # Coder A always "yes", coder B always "no": p_o = 0, p_e = 0 -> kappa 0.
    assert cohen_kappa_from_table([[0, 5], [0, 0]]) == 0.0
    assert cohen_kappa(["yes"] * 5, ["no"] * 5) == 0.0


def test_fleiss_single_ratings_count_for_the_proportions_only() -> None:
    assert math.isnan(fleiss_kappa_from_counts([[1, 0], [0, 1]]))
    # P_a over the three doubly rated units = 2/3; pi = (1.5, 1.5, 2) / 5 over all five -> P_e = 0.34.
    with_singletons = [[1, 2, 1, None, 3], [1, 2, 2, 3, None]]
    assert fleiss_kappa(with_singletons) == pytest.approx((2 / 3 - 0.34) / (1 - 0.34), abs=1e-12)


def test_unobserved_categories_do_not_change_alpha_kappa_fleiss() -> None:
    data = random_matrix(3, 3, 30, 3, 0.1)
    ordinal = krippendorff.alpha(data, value_domain=[0, 1, 2, 3, 4], level_of_measurement="ordinal")
    assert krippendorff_alpha(data, "ordinal") == pytest.approx(ordinal)
    table = [[5, 2, 0], [1, 6, 0], [0, 0, 0]]
    assert cohen_kappa_from_table(table) == pytest.approx(cohen_kappa_from_table([[5, 2], [1, 6]]))


# --------------------------------------------------------------------------- malformed input -> ValueError


@pytest.mark.parametrize(
    "call",
    [
        lambda: percent_agreement([[1, 2], [1]]),  # ragged
        lambda: fleiss_kappa(["abc", "abd"]),  # strings are not coders
        lambda: cohen_kappa([1, 2, 3], [1, 2]),
        lambda: cohen_kappa("abc", "abc"),
        lambda: krippendorff_alpha([[1, 2], [1, 2]], level="weird"),
        lambda: krippendorff_alpha([["a", "b"], ["a", "b"]], level="interval"),
        lambda: krippendorff_alpha([["a", "b"], ["a", "b"]], level="ratio"),
        lambda: krippendorff_alpha([[-1, 2], [-1, 2]], level="ratio"),
        lambda: krippendorff_alpha([[1, "b"], [1, "b"]], level="ordinal"),
        lambda: brennan_prediger([["a", "b"], ["a", "c"]], categories=["a", "b"]),
        lambda: gwet_ac1([["a", "b"], ["a", "c"]], categories=["a", "b"]),
        lambda: cohen_kappa_from_table([[1, 2, 3], [4, 5, 6]]),
        lambda: cohen_kappa_from_table([[1, -2], [3, 4]]),
        lambda: fleiss_kappa_from_counts([[1.5, 2], [3, 4]]),
        lambda: fleiss_kappa_from_counts([1, 2, 3]),
    ],
)
def test_malformed_input_raises(call: Callable[[], float]) -> None:
    with pytest.raises(ValueError):
        call()


def test_return_type_is_builtin_float() -> None:
    for f in MULTI:
        assert type(f(K2011)) is float
    assert type(cohen_kappa([1, 2, 1], [1, 2, 2])) is float
    assert type(scott_pi([1, 2, 1], [1, 2, 2])) is float
    assert type(fleiss_kappa_from_counts([[1, 1], [2, 0]])) is float


# --------------------------------------------------------------------------- count tables and the bootstrap


def count_table(data: np.ndarray, cats: int) -> np.ndarray:
    """Units x categories counts of a coders x units matrix of labels 0..cats-1 (NaN = missing)."""
    return np.stack([(data == k).sum(axis=0) for k in range(cats)], axis=1)


@pytest.mark.parametrize(("coders", "units", "cats"), SIZES)
def test_count_table_functions_equal_the_label_functions(coders: int, units: int, cats: int) -> None:
    for seed in range(3):
        data = random_matrix(seed, coders, units, cats, 0.25)
        table = count_table(data, cats)
        assert same(percent_agreement_from_counts(table), percent_agreement(data))
        assert same(gwet_ac1_from_counts(table), gwet_ac1(data, categories=range(cats)))
        assert same(brennan_prediger_from_counts(table), brennan_prediger(data, categories=range(cats)))
        for level in LEVELS:
            # Column k holds label k, so the values are the column numbers (shifted for ratio's zero).
            ours = krippendorff_alpha_from_counts(table, values=list(range(cats)), level=level)
            assert same(ours, krippendorff_alpha(data, level=level))


def test_count_table_of_a_published_example() -> None:
    # irrCAC distrib.6raters: the printed values, from the counts as they are.
    assert krippendorff_alpha_from_counts(DISTRIB_6RATERS) == pytest.approx(0.4204384, abs=5e-8)
    assert gwet_ac1_from_counts(DISTRIB_6RATERS) == pytest.approx(0.4448007, abs=5e-8)
    assert brennan_prediger_from_counts(DISTRIB_6RATERS) == pytest.approx(0.4388889, abs=5e-8)
    assert percent_agreement_from_counts(DISTRIB_6RATERS) == pytest.approx(0.5511111, abs=5e-8)


def test_count_tables_keep_unused_categories_as_columns() -> None:
    # Two coders, present/absent, one unit where they differ of four: the absent column counts for AC1
    # (Q = 2) even when no one chose it.
    table = [[0, 2], [0, 2], [0, 2], [1, 1]]
    assert gwet_ac1_from_counts(table) == pytest.approx(
        gwet_ac1([[1, 1, 1, 0], [1, 1, 1, 1]], categories=[0, 1])
    )
    assert math.isnan(gwet_ac1([[1, 1, 1, 1], [1, 1, 1, 1]]))
    assert gwet_ac1_from_counts([[0, 2], [0, 2]]) == 1.0


def test_interval_alpha_from_counts_needs_the_values() -> None:
    with pytest.raises(ValueError):
        krippendorff_alpha_from_counts([[1, 1], [2, 0]], level="interval")
    with pytest.raises(ValueError):
        krippendorff_alpha_from_counts([[1, 1], [2, 0]], values=[1], level="nominal")


def test_bootstrap_is_deterministic_and_brackets_alpha() -> None:
    data = random_matrix(7, 3, 300, 2, 0.1)
    table = count_table(data, 2)
    low, high = krippendorff_alpha_bootstrap(table, seed=3)
    assert (low, high) == krippendorff_alpha_bootstrap(table, seed=3)
    assert low < krippendorff_alpha(data) < high
    narrower = krippendorff_alpha_bootstrap(table, seed=3, confidence=0.5)
    assert low < narrower[0] < narrower[1] < high


def test_bootstrap_matches_resampling_units_one_by_one() -> None:
    # The multinomial over distinct count rows is the same distribution as drawing units with replacement:
    # compare the quantiles with a plain resampling loop over the krippendorff package (Monte Carlo error
    # of either is about 0.005 with 2,000 replicates).
    data = random_matrix(11, 3, 250, 3, 0.2)
    data = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    rng = np.random.default_rng(5)
    plain = [
        krippendorff.alpha(
            data[:, rng.integers(0, data.shape[1], data.shape[1])], level_of_measurement="nominal"
        )
        for _ in range(2000)
    ]
    expected = np.quantile(plain, [0.025, 0.975])
    got = krippendorff_alpha_bootstrap(count_table(data, 3), samples=2000, seed=1)
    assert got == pytest.approx(tuple(expected), abs=0.02)
    ordinal = krippendorff_alpha_bootstrap(count_table(data, 3), values=[0, 1, 2], level="ordinal", seed=1)
    assert ordinal[0] < krippendorff_alpha(data, level="ordinal") < ordinal[1]


def test_bootstrap_of_perfect_and_of_undefined_agreement() -> None:
    assert krippendorff_alpha_bootstrap([[0, 2], [2, 0]]) == (1.0, 1.0)
    low, high = krippendorff_alpha_bootstrap([[0, 2], [0, 2]])
    assert math.isnan(low) and math.isnan(high)


COUNT_FUNCTIONS: list[Callable[..., float]] = [
    percent_agreement_from_counts,
    fleiss_kappa_from_counts,
    gwet_ac1_from_counts,
    brennan_prediger_from_counts,
    krippendorff_alpha_from_counts,
]


@pytest.mark.parametrize(("coders", "units", "cats"), SIZES)
def test_distinct_rows_with_their_frequencies_stand_for_the_table(coders: int, units: int, cats: int) -> None:
    for seed in range(3):
        table = count_table(random_matrix(seed, coders, units, cats, 0.3), cats)
        rows, weights = distinct_rows(table)
        assert len(rows) <= len(table) and weights.sum() == len(table)
        for f in COUNT_FUNCTIONS:
            assert same(f(rows, weights=weights), f(table))
        values = list(range(cats))
        assert same(
            krippendorff_alpha_from_counts(rows, values, "ordinal", weights),
            krippendorff_alpha_from_counts(table, values, "ordinal"),
        )
        assert krippendorff_alpha_bootstrap(rows, weights=weights, seed=2) == krippendorff_alpha_bootstrap(
            table, seed=2
        )


def test_weights_count_units_and_zero_weights_drop_rows() -> None:
    table = [[0, 2], [1, 1], [2, 0]]
    repeated = [[0, 2], [0, 2], [0, 2], [2, 0]]
    for f in COUNT_FUNCTIONS:
        assert same(f(table, weights=[3, 0, 1]), f(repeated))
    with pytest.raises(ValueError):
        percent_agreement_from_counts(table, weights=[1, 1])
    with pytest.raises(ValueError):
        fleiss_kappa_from_counts(table, weights=[1, -1, 1])


# --------------------------------------------------------------------------- more of Gwet's published values

# Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., datasets as shipped with Gwet's irrCAC package
# (raw5observers: after p. 125; rawg1g2; raw.gender; ben.gerry), coders x units here. The printed values
# (three decimals) are those asserted by the Python port of irrCAC (afergadis/irrCAC, test/unit/irrCAC/raw).
_ = None
RAW_5OBSERVERS = [
    [1, 1, 2, _, 0, 0, 1, 1, 2, 2, _, 0, 1, 3, 1],
    [1, 1, 3, 0, 0, 0, 0, _, 2, 1, 1, 0, 2, 3, 1],
    [2, 0, 3, 0, 0, 0, 2, 2, 2, 1, 0, 0, 2, 2, 1],
    [_, 1, 3, _, _, _, _, 0, _, 1, 0, 0, 2, 2, _],
    [2, _, _, 0, 0, 0, 1, _, 2, _, _, _, _, 3, 1],
]
RAW_G1G2 = [
    ["a", "b", "c", "c", "b", "a", "d", "a", "b", _, _, _, "b", "b"],
    ["a", "b", "c", "c", "b", "b", "d", "a", "b", "e", _, _, "b", "a"],
    [_, "c", "c", "c", "b", "c", "d", "b", "b", "e", "a", "c", "c", "c"],
    ["a", "b", "c", "c", "b", "d", "d", "a", "b", "e", "a", _, "b", "b"],
]
RAW_GENDER = [
    list(row) for row in ("aaaaabbbcaaaaab", "aaaababccaaaaba", "abbcaabbcabbcaa", "ccccaabbcccccaa")
]
BEN_GERRY = [
    ["a", "a", "b", "b", "d", "c", "c", "c", "e", "d", "d", "a"],
    ["b", "a", "b", "b", "b", "c", "c", "c", "e", _, "d", "d"],
]
GWET_DATA = {
    "5observers": (RAW_5OBSERVERS, [0, 1, 2, 3]),
    "g1g2": (RAW_G1G2, list("abcde")),
    "gender": (RAW_GENDER, list("abc")),
    "ben-gerry": (BEN_GERRY, list("abcde")),
}
GWET_PRINTED = [
    # (dataset, measure, printed value)
    ("5observers", "pa", 0.616), ("5observers", "ac1", 0.497), ("5observers", "bp", 0.487),
    ("5observers", "alpha", 0.481),
    ("g1g2", "pa", 0.744), ("g1g2", "ac1", 0.685), ("g1g2", "bp", 0.679), ("g1g2", "alpha", 0.632),
    ("gender", "pa", 0.456), ("gender", "ac1", 0.208), ("gender", "bp", 0.183), ("gender", "alpha", 0.143),
    ("gender", "fleiss", 0.129),
    ("ben-gerry", "pa", 0.727), ("ben-gerry", "ac1", 0.661), ("ben-gerry", "bp", 0.659),
    ("ben-gerry", "alpha", 0.665), ("ben-gerry", "fleiss", 0.649), ("ben-gerry", "scott", 0.649),
    # Fleiss' and Cohen's kappa where ratings are missing: Gwet's extension, as codeer computes them
    ("5observers", "fleiss", 0.458), ("g1g2", "fleiss", 0.657), ("ben-gerry", "cohen", 0.657),
]  # fmt: skip


def gwet_measure(dataset: str, measure: str) -> float:
    data, categories = GWET_DATA[dataset]
    return {
        "pa": lambda: percent_agreement(data),
        "ac1": lambda: gwet_ac1(data, categories=categories),
        "bp": lambda: brennan_prediger(data, categories=categories),
        "alpha": lambda: krippendorff_alpha(data),
        "fleiss": lambda: fleiss_kappa(data),
        "scott": lambda: scott_pi(*data),
        "cohen": lambda: cohen_kappa(*data),
    }[measure]()


@pytest.mark.parametrize(("dataset", "measure", "printed"), GWET_PRINTED)
def test_gwet_handbook_values_with_missing_ratings(dataset: str, measure: str, printed: float) -> None:
    assert round(gwet_measure(dataset, measure), 3) == printed
