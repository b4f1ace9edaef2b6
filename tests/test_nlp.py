"""Sentences: codeer's fast path gives exactly spaCy's Sentencizer sentences; lemmas come from the lookups."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from codeer.ingest import discover, parse_file
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
        "zo.Dan",
        'ok."Ja"',
        '"',
        "(ja).",
        "“Nee.”",
        "Dr.",
        "www.vitens.nl.",
        "e.d.",
        "‼",
        "。",
        "ja。nee",
        "’s",
        "5.",
        "Oké!”",
    ]
)
TEXTS = st.lists(WORDS, max_size=25).map(" ".join)


def spacy_sentences(texts: list[str]) -> list[list[list[int]]]:
    nlp = get_pipeline("nl")
    return [[[s.start_char, s.end_char] for s in doc.sents] for doc in nlp.pipe(texts)]


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=8))
def test_fast_sentences_equal_spacy_sentencizer(texts: list[str]) -> None:
    assert list(sentence_offsets(texts)) == spacy_sentences(texts)


def test_texts_with_odd_whitespace_take_the_plain_path() -> None:
    texts = ["Ja.  Nee\n", " Eh. Nou", "Goed. Dag.", "Ja.\tNee.", "Ja.\u00a0Nee. Zo", "", "Eh. "]
    assert list(sentence_offsets(texts)) == spacy_sentences(texts)


def test_empty_texts_have_no_sentences_and_keep_their_place() -> None:
    texts = ["", "Ja. Nee.", "", "Goed zo"]
    assert list(sentence_offsets(texts)) == [[], [[0, 3], [4, 8]], [], [[0, 7]]]


def test_dutch_lemmas_offline() -> None:
    tokens = next(lemmatize(["Ik voelde me niet gehoord door de medewerkers."]))
    lemmas = {text: lemma for text, lemma, _ in tokens}
    assert lemmas["gehoord"] == "horen"
    assert lemmas["medewerkers"] == "medewerker"


def test_every_sample_passage_gets_spacys_sentences() -> None:
    """The bundled study's own passages (quotes, ellipses, dashes, "(lacht)"), one batch as an import has."""
    root = Path(__file__).resolve().parents[1] / "transcripts"
    texts = [turn.text for path in discover([root]) for turn in parse_file(path).turns]
    assert len(texts) > 900
    assert list(sentence_offsets(texts)) == spacy_sentences(texts)
