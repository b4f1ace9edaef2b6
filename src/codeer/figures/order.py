"""Orders and places codes so that patterns show: a seriation of the co-occurrence matrix and a network
layout, both deterministic (the same data always give the same figure).

Seriation: codes are clustered by average linkage (UPGMA) on the Jaccard distance 1 − J(a, b) over
passages; at each merge the two clusters' leaf lists are joined end to end, each turned round where that puts
the two closest end codes next to each other (a greedy leaf ordering). Codes that share passages then sit next
to each other and clusters show as blocks along the diagonal. Ties go to the earlier pair in codebook order,
the order the matrix comes in. numpy alone: scipy's clustering would cost a second of start-up.

Layout: the codes on a circle in seriation order, so a cluster is an arc and its links short chords, while
links between clusters cross the middle. Nothing overlaps and no random numbers are drawn, so the layout
depends on the data alone.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def jaccard_matrix(counts: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Pairwise Jaccard index from a co-occurrence matrix whose diagonal holds each code's passages."""
    n = np.asarray(counts, dtype=np.float64)
    single = np.diag(n)
    either = single[:, None] + single[None, :] - n
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(either > 0, n / either, 0.0)
    np.fill_diagonal(jaccard, 1.0)
    return jaccard


def seriation(counts: npt.ArrayLike) -> list[int]:
    """The order (indices) in which to show the codes of a co-occurrence matrix."""
    distance = 1.0 - jaccard_matrix(counts)
    size = len(distance)
    leaves: dict[int, list[int]] = {i: [i] for i in range(size)}
    between = distance.copy()  # average distance between the live clusters, by their first index
    np.fill_diagonal(between, np.inf)
    while len(leaves) > 1:
        live = sorted(leaves)
        sub = between[np.ix_(live, live)]
        flat = int(np.argmin(sub))  # the first minimum in row-major order: ties go to codebook order
        a, b = live[flat // len(live)], live[flat % len(live)]
        a, b = min(a, b), max(a, b)
        left, right = leaves.pop(a), leaves.pop(b)
        joined = min(
            (left, right), (left[::-1], right), (left, right[::-1]), (left[::-1], right[::-1]),
            key=lambda pair: distance[pair[0][-1], pair[1][0]],
        )  # fmt: skip
        weights = len(left), len(right)
        merged = (between[a] * weights[0] + between[b] * weights[1]) / (weights[0] + weights[1])
        between[a, :] = between[:, a] = merged
        between[b, :] = between[:, b] = np.inf
        between[a, a] = np.inf
        leaves[a] = joined[0] + joined[1]
    return leaves[0] if leaves else []


def circle_layout(size: int) -> npt.NDArray[np.float64]:
    """Positions (size × 2) on the unit circle, clockwise from the top, in the order given."""
    angles = np.pi / 2 - 2 * np.pi * np.arange(size) / max(size, 1)
    return np.round(np.column_stack((np.cos(angles), np.sin(angles))), 9)
