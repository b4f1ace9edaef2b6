"""Query results as numpy arrays, fast: the agreement tables read every coding of a project.

Why a module: a project has 100,000s of codings, and a SQLAlchemy ``Row`` object for each (or numpy probing
each row for an array interface) takes longer than the query; the driver's plain tuples and an id lookup
table do not.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select
from sqlalchemy.orm import Session


def fetch(session: Session, query: Select) -> list[tuple]:
    """The result rows as the driver's plain tuples: a project has 100,000s of them, and a SQLAlchemy
    ``Row`` object for each would take longer than the query."""
    result = session.connection().execute(query)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def positions(ids: Sequence[int], values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Where each of ``values`` stands in ``ids`` (-1 where it is not there)."""
    lookup = np.full(max(max(ids, default=0), int(values.max(initial=0))) + 1, -1, dtype=np.int64)
    lookup[list(ids)] = np.arange(len(ids))
    return lookup[values]


def ranges(
    lo: npt.NDArray[np.int64], hi: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Every pair ``(i, j)`` with ``lo[i] <= j < hi[i]``, as two arrays (i ascending, then j): the
    matches of a sorted search, expanded without a Python loop."""
    count = np.maximum(hi - lo, 0)
    i = np.repeat(np.arange(lo.size), count)
    return i, lo[i] + (np.arange(i.size) - np.repeat(np.cumsum(count) - count, count))
