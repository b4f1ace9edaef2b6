"""Where two coders differ, code by code: which code B applied where A applied another.

The units are those of :mod:`codeer.analysis.agreement_report`: with two coders, the passages of the
transcripts both have coded. Rows are A's codes, columns B's, each in codebook order, plus ``(none)``:

- ``[x, x]``: passages where both applied x (agreement);
- ``[x, y]`` (x differs from y): passages where A applied x and B did not, while B applied y and A did not:
  "A saw x where B saw y", the pairs of definitions a team should sharpen;
- ``[x, (none)]``: A applied x, B did not, and B applied nothing that A did not;
- ``[(none), y]``: the same with the coders' roles swapped.

A passage where coders differ on several codes adds to several cells. Spans count for their passage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from codeer.analysis.agreement_report import load_ratings
from codeer.analysis.codes import CodeInfo
from codeer.errors import CodeerError
from codeer.store.groups import Attribute, Group


@dataclass
class ConfusionMatrix:
    """A group's matrix: ``cells[i][j]`` for A's code i and B's code j; the last row and column: (none)."""

    group: Group
    cells: npt.NDArray[np.int64]
    passages: int


@dataclass
class Confusion:
    """The matrices of every group, over the same codes: those either coder applied in any unit."""

    coder_a: str
    coder_b: str
    attributes: tuple[Attribute, ...]
    codes: list[CodeInfo]
    matrices: list[ConfusionMatrix]


def _matrix(a: npt.NDArray[np.bool_], b: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """The (codes + 1) x (codes + 1) matrix of the module docstring from two codes x units presence arrays."""
    only_a, only_b = a & ~b, b & ~a
    codes = a.shape[0]
    cells = np.zeros((codes + 1, codes + 1), dtype=np.int64)
    cells[:codes, :codes] = only_a.astype(np.int64) @ only_b.T.astype(np.int64)
    cells[:codes, :codes] += np.diag((a & b).sum(axis=1))
    cells[:codes, codes] = (only_a & ~only_b.any(axis=0)).sum(axis=1)
    cells[codes, :codes] = (only_b & ~only_a.any(axis=0)).sum(axis=1)
    return cells


def confusion(
    session: Session, coders: Sequence[str] = (), by: Sequence[str] = (), codebook: str | None = None
) -> Confusion:
    """The confusion matrices of two coders (``coders`` empty: the default coders, if they are two)."""
    ratings = load_ratings(session, coders, by, codebook)
    if len(ratings.coders) != 2:
        raise CodeerError(
            f"the confusion table compares two coders; name them with --coders A,B "
            f"(the coders here: {', '.join(ratings.coders)})"
        )
    matrices = []
    for g, group in enumerate(ratings.groups):
        units = ratings.group_of == g
        applied = ratings.applied[:, :, units]
        matrices.append(ConfusionMatrix(group, _matrix(applied[:, 0], applied[:, 1]), int(units.sum())))
    return Confusion(ratings.coders[0], ratings.coders[1], ratings.attributes, ratings.codes, matrices)
