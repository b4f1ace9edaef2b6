"""The spaCy pipeline codeer uses, built once and cached.

A trained pipeline is used when one is installed (``<lang>_core_news_sm`` or the ``spacy_model`` setting);
otherwise, fully offline, ``spacy.blank(lang)`` with the rule-based sentencizer and the lookup lemmatizer
from spacy-lookups-data (Dutch: ``gehoord`` → ``horen``). Sentence offsets are Python string indices, i.e.
Unicode code points, the same unit as coding spans.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language

from codeer.errors import CodeerError

BATCH_SIZE = 256


@lru_cache(maxsize=4)
def get_pipeline(language: str = "nl", model: str = "") -> Language:
    name = model or f"{language}_core_news_sm"
    if model or spacy.util.is_package(name):
        try:
            return spacy.load(name)
        except OSError as exc:
            raise CodeerError(f"spaCy pipeline {name!r} is not installed") from exc
    try:
        nlp = spacy.blank(language)
    except ImportError as exc:
        raise CodeerError(f"spaCy has no language {language!r}") from exc
    nlp.add_pipe("sentencizer")
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except (ValueError, OSError, KeyError):
        # No lookup table for this language: sentences still work, lemmas fall back to lower case.
        nlp.remove_pipe("lemmatizer")
        nlp.initialize()
    return nlp


def _sentence_pipes(nlp: Language) -> list[str]:
    """Only what finds sentence boundaries: lemmas and the rest are skipped for speed."""
    keep = {"sentencizer", "senter", "parser", "tok2vec", "transformer"}
    return [name for name in nlp.pipe_names if name not in keep]


def sentence_offsets(
    texts: Iterable[str], language: str = "nl", model: str = ""
) -> Iterator[list[list[int]]]:
    """For every text, its sentences as ``[start, end]`` code-point offsets (end exclusive)."""
    nlp = get_pipeline(language, model)
    with nlp.select_pipes(disable=_sentence_pipes(nlp)):
        for doc in nlp.pipe(texts, batch_size=BATCH_SIZE):
            yield [[sent.start_char, sent.end_char] for sent in doc.sents]


def lemmatize(
    texts: Iterable[str], language: str = "nl", model: str = ""
) -> Iterator[list[tuple[str, str, int]]]:
    """For every text, its tokens as ``(lower-case text, lower-case lemma, start offset)``."""
    nlp = get_pipeline(language, model)
    for doc in nlp.pipe(texts, batch_size=BATCH_SIZE):
        yield [(t.lower_, (t.lemma_ or t.text).lower(), t.idx) for t in doc if not t.is_space]
