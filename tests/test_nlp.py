"""Sentences: codeer's fast path gives exactly spaCy's Sentencizer sentences; lemmas come from the lookups."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from codeer.nlp import get_pipeline, lemmatize, sentence_offsets

WORDS = st.sampled_from(
    [
        "ja",
        "Nee",
        "bijv.",
        "a.s.",
        "3.5",
        "(echt)",
        "“zo”",
        "...",
        ".",
        "?!",
        "!",
        "eh,",
        "Oké?",
        "–",
        "€5",
        ":)",
    ]
)
TEXTS = st.lists(WORDS, max_size=25).map(" ".join)


def spacy_sentences(texts: list[str]) -> list[list[list[int]]]:
    nlp = get_pipeline("nl")
    return [[[s.start_char, s.end_char] for s in doc.sents] for doc in nlp.pipe(texts)]


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=8))
def test_fast_sentences_equal_spacy_sentencizer(texts: list[str]) -> None:
    assert list(sentence_offsets(texts)) == spacy_sentences(texts)


def test_texts_with_odd_whitespace_take_the_plain_path() -> None:
    texts = ["Ja.  Nee\n", " Eh. Nou", "Goed. Dag."]
    assert list(sentence_offsets(texts)) == spacy_sentences(texts)


def test_dutch_lemmas_offline() -> None:
    tokens = next(lemmatize(["Ik voelde me niet gehoord door de medewerkers."]))
    lemmas = {text: lemma for text, lemma, _ in tokens}
    assert lemmas["gehoord"] == "horen"
    assert lemmas["medewerkers"] == "medewerker"
