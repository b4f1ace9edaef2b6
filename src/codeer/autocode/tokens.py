"""The tokens of many texts as ``(lower case, lemma, start, end)``, read straight from spaCy's arrays.

:func:`codeer.nlp.lemmatize` gives the same tokens, but builds a Python ``Token`` object per word, which on a
million words costs about three times as much as running the pipeline itself. Auto-coding reads every word
of a project, so it takes the columns it needs from each ``Doc`` at once (``Doc.to_array``) instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.attrs import IDX, LEMMA, LENGTH, LOWER

from codeer.nlp import get_pipeline

BATCH_SIZE = 256


def tokens(
    texts: Iterable[str], language: str = "nl", model: str = ""
) -> Iterator[list[tuple[str, str, int, int]]]:
    """For every text, its tokens (whitespace ones too) as ``(lower, lemma, start, end)`` in code points.

    The lemma is the lower-case text where the pipeline has no lemmatizer; offsets are string indices.
    """
    nlp = get_pipeline(language, model)
    strings = nlp.vocab.strings
    for doc in nlp.pipe(texts, batch_size=BATCH_SIZE):
        yield [
            (strings[lower], strings[lemma] if lemma else strings[lower], start, start + length)
            for lower, lemma, start, length in doc.to_array([LOWER, LEMMA, IDX, LENGTH]).tolist()
        ]
