"""Krippendorff's alpha for unitized data (``codeer agreement --unit char``) against the published worked
example and against a naive implementation written straight from the definition, character by character.

The naive reference (``naive_parts``) shares no code with :mod:`codeer.analysis.unitized`: it walks every
character of every coder's continuum to find the segments, compares every pair of segments of every pair of
coders with the three cases of delta2, and sums the expected disagreement term by term. Hypothesis generates
the codings (several transcripts, two or three coders, overlapping and touching spans).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codeer.agreement import krippendorff_alpha
from codeer.analysis import unitized
from codeer.analysis.codes import CodeInfo
from codeer.analysis.text_agreement import Continuum, children_alpha

EXAMPLE = json.loads(
    (Path(__file__).parent / "data" / "agreement" / "krippendorff2004_unitizing.json").read_text()
)


def example_alpha(category: str) -> tuple[float, float]:
    begin = EXAMPLE["begin"]
    runs = [
        unitized.merge_runs([s - begin for s, _ in coder], [e - begin for _, e in coder])
        for coder in EXAMPLE["segments"][category]
    ]
    parts = unitized.code_parts(runs, np.array([0, EXAMPLE["length"]]))
    return unitized.disagreements(parts, np.array([float(EXAMPLE["length"])]), 2)


def test_the_worked_example_of_krippendorff_2004_to_three_decimals() -> None:
    expected = EXAMPLE["expected"]
    (o_c, e_c), (o_k, e_k) = example_alpha("c"), example_alpha("k")
    assert (round(o_c, 4), round(e_c, 4)) == (expected["c"]["observed"], expected["c"]["expected"])
    assert (round(o_k, 4), round(e_k, 4)) == (expected["k"]["observed"], expected["k"]["expected"])
    assert round(1 - o_c / e_c, 4) == expected["c"]["alpha"]
    assert round(1 - o_k / e_k, 4) == expected["k"]["alpha"]
    assert round(1 - (o_c + o_k) / (e_c + e_k), 3) == expected["pooled"]


def test_u_alpha_of_one_continuum_matches_the_example() -> None:
    begin = EXAMPLE["begin"]
    coders = [[(s - begin, e - begin) for s, e in coder] for coder in EXAMPLE["segments"]["c"]]
    assert unitized.u_alpha(coders, EXAMPLE["length"]) == pytest.approx(0.7286, abs=5e-5)


def test_identical_codings_agree_perfectly_and_no_coding_is_undefined() -> None:
    assert unitized.u_alpha([[(3, 9), (20, 30)], [(3, 9), (20, 30)]], 50) == 1.0
    assert math.isnan(unitized.u_alpha([[], []], 50))


# --------------------------------------------------------------------------- the naive reference


def segments_of(coded: list[bool], offset: int) -> list[tuple[int, int, bool]]:
    """``(begin, end, coded)`` of every segment of one coder's continuum, walking character by character."""
    out: list[tuple[int, int, bool]] = []
    begin = 0
    for i in range(1, len(coded) + 1):
        if i == len(coded) or coded[i] != coded[begin]:
            out.append((offset + begin, offset + i, coded[begin]))
            begin = i
    return out


def delta2(g: tuple[int, int, bool], h: tuple[int, int, bool]) -> float:
    (bg, eg, cg), (bh, eh, ch) = g, h
    if cg and ch and bg < eh and bh < eg:
        return (bg - bh) ** 2 + (eg - eh) ** 2
    if cg and not ch and bh <= bg and eg <= eh:
        return (eg - bg) ** 2
    if ch and not cg and bg <= bh and eh <= eg:
        return (eh - bh) ** 2
    return 0.0


def naive_alpha(transcripts: list[list[list[bool]]]) -> tuple[float, float]:
    """D_o and D_e of one code: ``transcripts[t][coder]`` is that coder's coded/not coded per character."""
    m = len(transcripts[0])
    length = sum(len(t[0]) for t in transcripts)
    per_coder: list[list[tuple[int, int, bool]]] = [[] for _ in range(m)]
    offset = 0
    for transcript in transcripts:
        for k in range(m):
            per_coder[k] += segments_of(transcript[k], offset) if transcript[k] else []
        offset += len(transcript[0])
    observed = 0.0
    for i in range(m):
        for j in range(m):
            if i != j:
                observed += sum(delta2(g, h) for g in per_coder[i] for h in per_coder[j])
    d_o = observed / (m * (m - 1) * length**2)
    coded = [e - b for segs in per_coder for b, e, c in segs if c]
    gap = [e - b for segs in per_coder for b, e, c in segs if not c]
    n = len(coded)
    numerator = 0.0
    for lg in coded:
        numerator += (n - 1) * (2 * lg**3 - 3 * lg**2 + lg) / 3
        numerator += lg**2 * sum(lh - lg + 1 for lh in gap if lh >= lg)
    denominator = m * length * (m * length - 1) - sum(lg * (lg - 1) for lg in coded)
    return d_o, 2 / length * numerator / denominator


def fast_parts(transcripts: list[list[list[bool]]]) -> tuple[unitized.CodeParts, np.ndarray]:
    """The same through :mod:`codeer.analysis.unitized` (codings as spans, runs merged)."""
    m = len(transcripts[0])
    lengths = [len(t[0]) for t in transcripts]
    bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    runs = []
    for k in range(m):
        starts, ends = [], []
        for t, transcript in enumerate(transcripts):
            for b, e, c in segments_of(transcript[k], int(bounds[t])):
                if c:  # cut each run in two overlapping codings, so that merging is exercised too
                    starts += [b, (b + e) // 2]
                    ends += [max((b + e) // 2, b + 1), e]
        runs.append(unitized.merge_runs(starts, ends, bounds))
    return unitized.code_parts(runs, bounds), np.array(lengths, dtype=np.float64)


def fast_alpha(transcripts: list[list[list[bool]]]) -> tuple[float, float]:
    parts, lengths = fast_parts(transcripts)
    return unitized.disagreements(parts, lengths, len(transcripts[0]))


continua = st.integers(2, 3).flatmap(
    lambda m: st.lists(
        st.integers(1, 25).flatmap(
            lambda n: st.lists(st.lists(st.booleans(), min_size=n, max_size=n), min_size=m, max_size=m)
        ),
        min_size=1,
        max_size=4,
    )
)


@settings(max_examples=150, deadline=None)
@given(continua)
def test_matches_the_naive_definition_character_by_character(transcripts: list[list[list[bool]]]) -> None:
    naive = naive_alpha(transcripts)
    fast = fast_alpha(transcripts)
    assert fast == pytest.approx(naive, rel=1e-9, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(continua, st.data())
def test_a_bootstrap_replicates_observed_disagreement_is_that_of_the_drawn_transcripts(
    transcripts: list[list[list[bool]]], data: st.DataObject
) -> None:
    weights = data.draw(st.lists(st.integers(0, 3), min_size=len(transcripts), max_size=len(transcripts)))
    if not sum(weights):
        weights[0] = 1
    drawn = [t for t, w in zip(transcripts, weights, strict=True) for _ in range(w)]
    parts, lengths = fast_parts(transcripts)
    replicate = unitized.replicate_observed(parts, lengths, len(transcripts[0]), np.array([weights], float))
    assert replicate[0] == pytest.approx(naive_alpha(drawn)[0], rel=1e-9, abs=1e-12)


def test_the_bootstrap_is_seeded() -> None:
    a = unitized.bootstrap_weights(7, 50, seed=0)
    assert (a == unitized.bootstrap_weights(7, 50, seed=0)).all() and (a.sum(axis=1) == 7).all()


# --------------------------------------------------------------------------- cu-alpha


def info(i: int, parent: int | None = None) -> CodeInfo:
    return CodeInfo(i, f"c{i}", f"c{i}", "cb", f"C{i}", f"C{i}", parent, 0 if parent is None else 1, i)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(2, 3).flatmap(
        lambda m: st.lists(
            st.tuples(st.integers(0, m - 1), st.integers(0, 2), st.integers(0, 39), st.integers(1, 12)),
            min_size=1,
            max_size=14,
        ).map(lambda spans: (m, spans))
    )
)
def test_cu_alpha_is_nominal_alpha_over_the_characters_two_coders_coded(case: tuple[int, list]) -> None:
    m, spans = case
    length = 40
    bounds = np.array([0, 20, 40], dtype=np.int64)
    coder = np.array([s[0] for s in spans], dtype=np.int64)
    child = np.array([s[1] for s in spans], dtype=np.int64)
    start = np.array([s[2] for s in spans], dtype=np.int64)
    # a coding stays inside its transcript, as passages do
    end = np.minimum(start + np.array([s[3] for s in spans]), np.where(start < 20, 20, 40))
    continuum = Continuum(
        coders=tuple(f"k{i}" for i in range(m)), transcripts=2, left_out=0, passages=2, bounds=bounds,
        codes=[info(1, 9), info(2, 9), info(3, 9)], code=child, coder=coder, start=start, end=end,
        passage=np.zeros(len(spans), dtype=np.int64),
    )  # fmt: skip
    result = children_alpha(continuum, [0, 1, 2], np.zeros((0, 2)))
    # naive: per character, each coder's set of children (None where none), nominal alpha over characters
    values: list[list[str | None]] = [[None] * length for _ in range(m)]
    for k in range(m):
        for x in range(length):
            chosen = sorted(
                {
                    int(c)
                    for c, s, e, kk in zip(child, start, end, coder, strict=True)
                    if kk == k and s <= x < e
                }
            )
            values[k][x] = ",".join(map(str, chosen)) if chosen else None
    expected = krippendorff_alpha(values)
    assert result.alpha == pytest.approx(expected, abs=1e-9, nan_ok=True)
    pairable = sum(1 for x in range(length) if sum(values[k][x] is not None for k in range(m)) >= 2)
    assert result.characters == pairable
