"""Sentences as the units of agreement (``codeer agreement --unit sentence``).

Why: between the passage (too coarse for span coders) and the character (strict about every boundary) lies
the sentence, the unit a coder selects with the keyboard. Each sentence spaCy stored for a passage at import
is a unit; a passage without stored sentences is one sentence. A code is present in a sentence for a coder
when a coding of the coder covers any character of it: a whole-passage coding covers all the passage's
sentences, a span ``[start, end)`` the sentences ``[a, b)`` with ``start < b`` and ``a < end``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

from codeer.analysis.arrays import ranges

Ints = npt.NDArray[np.int64]


def sentence_table(lengths: Sequence[int], stored: Sequence[Any]) -> tuple[Ints, Ints, Ints]:
    """Per sentence of the passages in order: ``(passage, start, end)``; one sentence for a passage
    without stored ones. ``stored``: each passage's ``[[start, end], ...]``, parsed or as JSON text (the
    raw driver row of SQLite); all of them are parsed as one JSON document, which is much faster than one
    parse per passage."""
    texts = [x if isinstance(x, str) else json.dumps(x or []) for x in stored]
    parsed = json.loads("[" + ",".join(texts) + "]")
    counts = np.fromiter(map(len, parsed), dtype=np.int64, count=len(parsed))
    pairs = np.array(list(chain.from_iterable(parsed)), dtype=np.int64).reshape(-1, 2)
    passage = np.repeat(np.arange(len(parsed), dtype=np.int64), counts)
    valid = pairs[:, 1] > pairs[:, 0]
    passage, pairs = passage[valid], pairs[valid]
    bare = np.setdiff1d(np.arange(len(parsed), dtype=np.int64), passage)  # no usable sentence: the whole
    passage = np.concatenate([passage, bare])
    start = np.concatenate([pairs[:, 0], np.zeros(bare.size, dtype=np.int64)])
    end = np.concatenate([pairs[:, 1], np.asarray(lengths, dtype=np.int64)[bare]])
    order = np.lexsort((start, passage))
    return passage[order], start[order], end[order]


def covered_sentences(
    sentences: tuple[Ints, Ints, Ints], passage: Ints, start: Ints, end: Ints
) -> tuple[Ints, Ints]:
    """For codings on passages ``passage`` (indexes as in :func:`sentence_table`) with spans ``[start, end)``
    (-1 for a whole passage): ``(coding, sentence)`` pairs, every sentence each coding covers."""
    s_passage, s_start, s_end = sentences
    width = int(max(s_end.max(initial=0), end.max(initial=0))) + 2
    key_start = s_passage * width + s_start
    key_end = s_passage * width + s_end
    whole = start < 0
    lo_key = passage * width + np.where(whole, 0, start)
    hi_key = passage * width + np.where(whole, width - 1, end)
    lo = np.searchsorted(key_end, lo_key, side="right")
    hi = np.searchsorted(key_start, hi_key, side="left")
    return ranges(lo, hi)
