"""The spaCy pipeline codeer uses, built once and cached.

A trained pipeline is used when one is installed (``<lang>_core_news_sm`` or the ``spacy_model`` setting);
otherwise, fully offline, ``spacy.blank(lang)`` with the rule-based sentencizer and the lookup lemmatizer
from spacy-lookups-data (Dutch: ``gehoord`` → ``horen``). Sentence offsets are Python string indices, i.e.
Unicode code points, the same unit as coding spans.

spaCy itself is imported on first use, not with this module: importing it takes seconds, and most codeer
commands (status, exports, agreement) never segment a word.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from codeer.errors import CodeerError

if TYPE_CHECKING:
    from spacy.language import Language

BATCH_SIZE = 256
CHUNK = 2000  # texts segmented together as one document


def _chunks(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for text in texts:
        chunk.append(text)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@lru_cache(maxsize=4)
def get_pipeline(language: str = "nl", model: str = "") -> Language:
    import spacy

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


def _rule_based_sentences(nlp: Language) -> set[str] | None:
    """The sentencizer's punctuation when it alone finds sentences (no parser or senter), else None."""
    if "sentencizer" not in nlp.pipe_names or {"parser", "senter"} & set(nlp.pipe_names):
        return None
    return set(nlp.get_pipe("sentencizer").punct_chars)


def _is_normalised(text: str) -> bool:
    """Single spaces between words only, as the transcript readers store every passage."""
    return " ".join(text.split()) == text


def _sentencizer_offsets(nlp: Language, texts: list[str], punct_hashes: np.ndarray) -> list[list[list[int]]]:
    """spaCy's Sentencizer rule over many normalised texts at once, on token arrays.

    The rule (spacy/pipeline/sentencizer.pyx): a text's first token starts a sentence, and so does every
    token that is neither punctuation nor a sentence-final character when a sentence-final character came
    since the previous such token. The texts are tokenized as one document joined by newlines (the
    tokenizer splits at whitespace, so each text gets exactly the tokens it would get alone), and the rule
    is evaluated with numpy on ``Doc.to_array``: no Python object per token. That is what makes segmenting
    a million words cost little more than tokenizing them.
    """
    from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH

    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    arr = nlp.tokenizer("\n".join(texts)).to_array([ORTH, IS_PUNCT, IDX, LENGTH]).astype(np.int64, copy=False)
    idx = arr[:, 2]
    owner = np.searchsorted(offsets, idx, side="right") - 1
    inside = idx < offsets[owner] + lengths[owner]  # drops the newline tokens between texts
    arr, idx, owner = arr[inside], idx[inside], owner[inside]
    result: list[list[list[int]]] = [[] for _ in texts]
    if len(arr) == 0:
        return result
    final = np.isin(arr[:, 0].astype(np.uint64), punct_hashes)
    plain = ~(final | arr[:, 1].astype(bool))
    count = np.cumsum(final)  # finals in tokens 0..i
    is_first = np.concatenate(([True], owner[1:] != owner[:-1]))
    first = np.flatnonzero(is_first)
    ordinal = np.cumsum(is_first) - 1  # which of the texts present a token belongs to
    first_of = first[ordinal]
    words = np.flatnonzero(plain)
    previous = np.concatenate(([-1], words[:-1]))
    anchor = np.maximum(previous, first_of[words] - 1)
    before = np.where(words > 0, count[np.maximum(words - 1, 0)], 0)
    seen = before - np.where(anchor >= 0, count[np.maximum(anchor, 0)], 0)
    starts = np.union1d(first, words[(seen > 0) & (words != first_of[words])])
    text_stop = np.append(first[1:], len(arr))
    stops = np.minimum(np.append(starts[1:], len(arr)), text_stop[ordinal[starts]])
    begin = (idx[starts] - offsets[owner[starts]]).tolist()
    last = stops - 1
    end = (idx[last] + arr[last, 3] - offsets[owner[starts]]).tolist()
    for text_index, b, e in zip(owner[starts].tolist(), begin, end, strict=True):
        result[text_index].append([b, e])
    return result


def sentence_offsets(
    texts: Iterable[str], language: str = "nl", model: str = ""
) -> Iterator[list[list[int]]]:
    """For every text, its sentences as ``[start, end]`` code-point offsets (end exclusive)."""
    nlp = get_pipeline(language, model)
    punct = _rule_based_sentences(nlp)
    if punct is not None:
        hashes = np.array([nlp.vocab.strings.add(c) for c in punct], dtype=np.uint64)
        for chunk in _chunks(texts, CHUNK):
            if all(_is_normalised(t) for t in chunk):
                yield from _sentencizer_offsets(nlp, chunk, hashes)
            else:
                for doc in nlp.tokenizer.pipe(chunk):
                    yield [
                        [sent.start_char, sent.end_char] for sent in nlp.get_pipe("sentencizer")(doc).sents
                    ]
        return
    keep = {"sentencizer", "senter", "parser", "tok2vec", "transformer"}
    with nlp.select_pipes(disable=[name for name in nlp.pipe_names if name not in keep]):
        for doc in nlp.pipe(texts, batch_size=BATCH_SIZE):
            yield [[sent.start_char, sent.end_char] for sent in doc.sents]


def lemmatize(
    texts: Iterable[str], language: str = "nl", model: str = ""
) -> Iterator[list[tuple[str, str, int]]]:
    """For every text, its tokens as ``(lower-case text, lower-case lemma, start offset)``."""
    nlp = get_pipeline(language, model)
    for doc in nlp.pipe(texts, batch_size=BATCH_SIZE):
        yield [(t.lower_, (t.lemma_ or t.text).lower(), t.idx) for t in doc if not t.is_space]
