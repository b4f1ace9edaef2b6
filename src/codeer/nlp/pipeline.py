"""The spaCy pipeline codeer uses, built once and cached.

A trained pipeline is used when one is installed (``<lang>_core_news_sm`` or the ``spacy_model`` setting);
otherwise, fully offline, ``spacy.blank(lang)`` with the rule-based sentencizer and the lookup lemmatizer
from spacy-lookups-data (Dutch: ``gehoord`` → ``horen``). Sentence offsets are Python string indices, i.e.
Unicode code points, the same unit as coding spans.

spaCy itself is imported on first use, not with this module: importing it takes seconds, and most codeer
commands (status, exports, agreement) never segment a word. Sentences of the blank pipeline do not need it
after the first time: :mod:`codeer.nlp.tokenizer` applies spaCy's tokenizer and Sentencizer in Python, on
a snapshot of spaCy's data kept in the user's cache (:mod:`codeer.nlp.snapshot`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING, cast

from codeer.errors import CodeerError
from codeer.nlp import snapshot
from codeer.nlp.sentences import RuleSentences
from codeer.nlp.tokenizer import PyTokenizer, Sentences, Token

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer

BATCH_SIZE = 256
BATCH_TEXTS = 5000  # texts segmented together


def _batches(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    remaining = iter(texts)
    while batch := list(islice(remaining, size)):
        yield batch


def get_pipeline(language: str = "nl", model: str = "", *, lemmas: bool = True) -> Language:
    """The pipeline for ``language`` (or the named ``model``), built on first use. ``lemmas=False``: a blank
    pipeline without the lemmatizer and its lookup tables (sentences need the tokenizer and the rule only)."""
    return _build_pipeline(language, model, lemmas)


@lru_cache(maxsize=4)
def _build_pipeline(language: str, model: str, lemmas: bool = True) -> Language:
    import spacy

    name = model or trained_pipeline(language)
    if name:
        try:
            return spacy.load(name)
        except OSError as exc:
            raise CodeerError(f"spaCy pipeline {name!r} is not installed") from exc
    try:
        nlp = spacy.blank(language)
    except ImportError as exc:
        raise CodeerError(f"spaCy has no language {language!r}") from exc
    nlp.add_pipe("sentencizer")
    if not lemmas:
        return nlp
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except (ValueError, OSError, KeyError):
        # No lookup table for this language: sentences still work, lemmas fall back to lower case.
        nlp.remove_pipe("lemmatizer")
        nlp.initialize()
    return nlp


def trained_pipeline(language: str) -> str:
    """The installed trained pipeline for ``language`` (``nl_core_news_sm``), or "" for none."""
    name = f"{language}_core_news_sm"
    return name if snapshot.installed(name) is not None else ""


def _rule_based_sentences(nlp: Language) -> set[str] | None:
    """The sentencizer's punctuation when it alone finds sentences (no parser or senter), else None."""
    if "sentencizer" not in nlp.pipe_names or {"parser", "senter"} & set(nlp.pipe_names):
        return None
    from spacy.pipeline import Sentencizer

    sentencizer = nlp.get_pipe("sentencizer")
    return set(sentencizer.punct_chars) if isinstance(sentencizer, Sentencizer) else None


@lru_cache(maxsize=4)
def _python_tokenizer(language: str, model: str) -> PyTokenizer | None:
    """spaCy's blank tokenizer and sentencizer in Python (:mod:`codeer.nlp.tokenizer`) when no trained
    pipeline is used: from the cached snapshot, else taken from spaCy now and cached for later commands."""
    if model or trained_pipeline(language):
        return None
    tokenizer = snapshot.load(language)
    if tokenizer is None:
        tokenizer = snapshot.take(get_pipeline(language, model, lemmas=False))
        if tokenizer is not None:
            snapshot.save(language, tokenizer)
    return tokenizer


@lru_cache(maxsize=4)
def _rule_sentences(language: str, model: str) -> RuleSentences | None:
    python = _python_tokenizer(language, model)
    if python is not None:
        return RuleSentences(python, python.finals, python.sentences)
    nlp = get_pipeline(language, model, lemmas=False)
    punct = _rule_based_sentences(nlp)
    if punct is None:
        return None
    tokenizer = cast("Tokenizer", nlp.tokenizer)
    sentencizer = nlp.get_pipe("sentencizer")

    def tokens(chunk: str) -> list[Token]:
        return [(token.text, token.idx, token.is_punct) for token in tokenizer(chunk)]

    def whole(text: str) -> Sentences:
        return [[s.start_char, s.end_char] for s in sentencizer(tokenizer(text)).sents]

    return RuleSentences(tokens, punct, whole)


def prepare_sentences(language: str = "nl", model: str = "") -> None:
    """Build what :func:`sentence_offsets` uses now, so that worker processes forked later inherit it."""
    _rule_sentences(language, model)


def sentence_offsets(texts: Iterable[str], language: str = "nl", model: str = "") -> Iterator[Sentences]:
    """For every text, its sentences as ``[start, end]`` code-point offsets (end exclusive)."""
    rule = _rule_sentences(language, model)
    if rule is not None:
        for batch in _batches(texts, BATCH_TEXTS):
            yield from rule.segment(batch)
        return
    nlp = get_pipeline(language, model, lemmas=False)
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
