"""Sentences: codeer's fast path gives exactly spaCy's Sentencizer sentences; lemmas come from the lookups.

The fast path tokenizes in Python (:mod:`codeer.nlp.tokenizer`) on a snapshot of spaCy's data: its tokens
are compared with spaCy's on every tokenizer exception (bare and between affixes), the sample's words and
generated strings, in Dutch and in English (whose exceptions split words: ``don't``).
"""

from __future__ import annotations

import json
import random
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codeer.ingest import discover, parse_file
from codeer.nlp import get_pipeline, lemmatize, sentence_offsets, snapshot
from codeer.nlp.tokenizer import PyTokenizer

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


@cache
def tokenizers(language: str) -> tuple[object, PyTokenizer]:
    """spaCy's blank pipeline for ``language`` and the Python tokenizer taken from it."""
    nlp = get_pipeline(language, lemmas=False)
    python = snapshot.take(nlp)
    assert python is not None
    return nlp, python


def assert_same(language: str, texts: list[str]) -> None:
    nlp, python = tokenizers(language)
    for text in texts:
        doc = nlp.tokenizer(text)  # type: ignore[attr-defined]
        assert python(text) == [(t.text, t.idx, t.is_punct) for t in doc], text
        spacy = [[s.start_char, s.end_char] for s in nlp.get_pipe("sentencizer")(doc).sents]  # type: ignore[attr-defined]
        assert python.sentences(text) == spacy, text


AFFIXES = [
    "(",
    ")",
    '"',
    "'",
    ".",
    ",",
    "?",
    "!",
    "...",
    "“",
    "”",
    "-",
    ":",
    "’",
    "[",
    "5",
    "a",
    "x.",
    ":)",
    "€",
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_python_tokenizer_gives_spacys_tokens_on_every_exception(language: str) -> None:
    _, python = tokenizers(language)
    pick = random.Random(language)
    texts = []
    for rule in python.rules:
        texts += [
            rule,
            pick.choice(AFFIXES) + rule + pick.choice(AFFIXES),
            rule + "".join(pick.sample(AFFIXES, 2)),
        ]
    assert len(texts) > 3000
    assert_same(language, texts)


def test_python_tokenizer_gives_spacys_tokens_on_the_sample_words() -> None:
    root = Path(__file__).resolve().parents[1] / "transcripts"
    words = {word for path in root.glob("*.txt") for word in path.read_text(encoding="utf-8").split()}
    assert len(words) > 3000
    assert_same("nl", sorted(words))


PIECES = st.sampled_from(
    list("aZ09.,!?;:'\"()[]-–…/@#€%&+<>“”‘’ \n\t\u00a0") + ["www.", ".nl", "http://", "a.s."]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=10).map("".join))
def test_python_tokenizer_gives_spacys_tokens_on_generated_strings(text: str) -> None:
    assert_same("nl", [text])


def test_the_snapshot_is_kept_and_read_back_and_a_broken_one_is_passed_over(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _, python = tokenizers("nl")
    snapshot.save("nl", python)
    path = snapshot.cache_file("nl")
    assert path is not None and path.parent == tmp_path / "codeer"
    read = snapshot.load("nl")
    assert read is not None and read.patterns == python.patterns and read.data == python.data
    text = "Zo, bijv. :) dat is 't. Nee?! Ja.\nGoed"
    assert read(text) == python(text) and read.sentences(text) == python.sentences(text)
    kept = json.loads(path.read_text(encoding="utf-8"))
    wrong = [
        {**kept, "data": {**kept["data"], name: value}}
        for name, value in (("rules", []), ("infix", ["(", 0]))
    ]
    for broken in ("{", json.dumps([1]), json.dumps({**kept, "patterns": [[1]]}), *map(json.dumps, wrong)):
        path.write_text(broken, encoding="utf-8")
        assert snapshot.load("nl") is None
