"""The tokens of many texts as spaCy string ids ``(lower case, lemma, start, end)``, read from spaCy's arrays.

:func:`codeer.nlp.lemmatize` gives the same tokens as strings, but builds a Python ``Token`` object per word,
which on a million words costs about three times as much as running the pipeline itself. Auto-coding reads
every word of a project, so it takes the columns it needs from each ``Doc`` at once (``Doc.to_array``) and
keeps the string ids: a caller that has seen an id before needs no string at all. It also skips the pipes
that only find sentences (passages have theirs stored since the import).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from codeer.nlp import get_pipeline

if TYPE_CHECKING:
    from spacy.strings import StringStore

BATCH_SIZE = 256
SENTENCE_PIPES = {"sentencizer", "senter", "parser", "ner"}


def string_store(language: str = "nl", model: str = "") -> StringStore:
    """Where the ids :func:`tokens` gives are looked up (``store[id]`` is the string)."""
    return get_pipeline(language, model).vocab.strings


def tokens(texts: Iterable[str], language: str = "nl", model: str = "") -> Iterator[npt.NDArray[np.uint64]]:
    """For every text, its tokens (whitespace ones too) as rows ``[lower id, lemma id, start, length]``.

    The lemma id is 0 where the pipeline gives no lemma; offsets and lengths are string indices.
    """
    from spacy.attrs import IDX, LEMMA, LENGTH, LOWER  # spaCy loads on first use, not with codeer's CLI

    nlp = get_pipeline(language, model)
    with nlp.select_pipes(disable=[name for name in nlp.pipe_names if name in SENTENCE_PIPES]):
        for doc in nlp.pipe(texts, batch_size=BATCH_SIZE):
            yield np.asarray(doc.to_array([LOWER, LEMMA, IDX, LENGTH]), dtype=np.uint64).reshape(-1, 4)


@dataclass(frozen=True)
class TokenBatch:
    """The tokens of several texts in one array, with their distinct ``(lower id, lemma id)`` forms.

    ``rows`` stacks every text's token rows; text ``i`` has rows ``bounds[i]:bounds[i + 1]``; token ``t``
    has the form ``forms[form_of[t]]``. Distinct forms are found by numpy, so that whatever is worked out
    per form (a dictionary lookup, a fuzzy match) is worked out once per batch, not per token.
    """

    rows: npt.NDArray[np.uint64]
    bounds: npt.NDArray[np.intp]
    forms: list[tuple[int, int]]
    form_of: npt.NDArray[np.intp]

    @classmethod
    def of(cls, arrays: Sequence[npt.NDArray[np.uint64]]) -> TokenBatch:
        bounds = np.concatenate([[0], np.cumsum([len(a) for a in arrays], dtype=np.intp)])
        if not bounds[-1]:
            return cls(np.zeros((0, 4), dtype=np.uint64), bounds, [], np.zeros(0, dtype=np.intp))
        rows = np.concatenate(arrays)
        lower, lemma = rows[:, 0], rows[:, 1]
        order = np.lexsort((lemma, lower))  # np.unique(axis=0) does the same, many times slower
        lower, lemma = lower[order], lemma[order]
        first = np.empty(len(order), dtype=bool)
        first[0] = True
        first[1:] = (lower[1:] != lower[:-1]) | (lemma[1:] != lemma[:-1])
        form_of = np.empty(len(order), dtype=np.intp)
        form_of[order] = np.cumsum(first) - 1
        return cls(
            rows, bounds, list(zip(lower[first].tolist(), lemma[first].tolist(), strict=True)), form_of
        )
