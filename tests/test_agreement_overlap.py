"""MAXQDA-style segment overlap (``--overlap``) against a naive version on generated segments: every pair
of segments compared as sets of characters, intersection over union."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codeer.analysis.overlap import best_overlap

segment = st.tuples(st.integers(0, 2), st.integers(0, 30), st.integers(1, 15))  # passage, start, length


def arrays(segments: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.array([p for p, _, _ in segments], dtype=np.int64),
        np.array([s for _, s, _ in segments], dtype=np.int64),
        np.array([s + n for _, s, n in segments], dtype=np.int64),
    )


def naive_best(mine: list[tuple[int, int, int]], theirs: list[tuple[int, int, int]]) -> list[float]:
    out = []
    for p, s, n in mine:
        chars = set(range(s, s + n))
        shares = [
            len(chars & set(range(s2, s2 + n2))) / len(chars | set(range(s2, s2 + n2)))
            for p2, s2, n2 in theirs
            if p2 == p
        ]
        out.append(max(shares, default=0.0))
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(segment, max_size=8), st.lists(segment, max_size=8))
def test_best_overlap_is_intersection_over_union_of_the_best_partner(a: list, b: list) -> None:
    best_a, best_b = best_overlap(arrays(a), arrays(b))
    assert list(best_a) == pytest.approx(naive_best(a, b))
    assert list(best_b) == pytest.approx(naive_best(b, a))
