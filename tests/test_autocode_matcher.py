"""The auto-coding matcher on its own: which words trigger which code, how strongly, and where."""

from __future__ import annotations

import pytest

from codeer.autocode.matcher import CodeRules, Matcher, PassageText, Suggested

GEHOORD, SNEL, DIENST, VIDEO, WACHT, NAAM, HEEN = 1, 2, 3, 4, 5, 6, 7


def suggest(rules: list[CodeRules], *texts: str, min_score: float = 0.0) -> dict[tuple[int, int], Suggested]:
    """Suggestions by (passage number from 1, code id); sentences split on '. ' for the span tests."""
    passages = [PassageText(n, text, _sentences(text)) for n, text in enumerate(texts, 1)]
    return {(s.passage_id, s.code_id): s for s in Matcher(rules).suggest(passages, min_score)}


def _sentences(text: str) -> list[list[int]]:
    spans, start = [], 0
    for index, char in enumerate(text):
        if char == "." and (index + 1 == len(text) or text[index + 1] == " "):
            spans.append([start, index + 1])
            start = index + 2
    return spans or [[0, len(text)]]


def words(found: Suggested) -> list[tuple[str, str]]:
    return [(t.text, t.via) for t in found.triggers]


def test_an_inflected_form_matches_the_keyword_lemma() -> None:
    found = suggest([CodeRules(GEHOORD, keywords=("horen",))], "Ik werd niet gehoord door die man.")
    suggestion = found[(1, GEHOORD)]
    assert words(suggestion) == [("gehoord", "lemma")]
    trigger = suggestion.triggers[0]
    assert "Ik werd niet gehoord door die man."[trigger.start : trigger.end] == "gehoord"
    assert trigger.keyword == "horen"
    assert suggestion.score == 0.8


def test_a_keyword_matches_its_own_inflections_and_accents() -> None:
    rules = [CodeRules(GEHOORD, keywords=("luisterde",)), CodeRules(SNEL, keywords=("wéér",))]
    found = suggest(rules, "Niemand luistert naar mij.", "En toen moest het weer.")
    assert words(found[(1, GEHOORD)]) == [("luistert", "lemma")]
    assert words(found[(2, SNEL)]) == [("weer", "lemma")]


def test_a_spelling_variant_of_a_long_word_matches_fuzzily() -> None:
    found = suggest([CodeRules(DIENST, keywords=("dienstverlening",))], "De dienstverleening was slecht.")
    assert words(found[(1, DIENST)]) == [("dienstverleening", "fuzzy")]
    assert 0.5 < found[(1, DIENST)].score < 0.8


def test_compounds_match_at_either_end_of_a_long_keyword() -> None:
    rules = [CodeRules(DIENST, keywords=("service",)), CodeRules(VIDEO, keywords=("video",))]
    found = suggest(rules, "De klantenservice belde.", "Videobellen lijkt me wat.")
    assert words(found[(1, DIENST)]) == [("klantenservice", "fuzzy")]
    assert words(found[(2, VIDEO)]) == [("Videobellen", "fuzzy")]
    # the head of a compound says more than its first part
    assert found[(1, DIENST)].score > found[(2, VIDEO)].score


@pytest.mark.parametrize(
    ("keyword", "text"),
    [
        ("mens", "Mensenrechten zijn belangrijk."),  # too short a keyword to look inside words
        ("wachten", "Dat had ik niet verwacht."),  # ver- is a prefix, not a compound part
        ("noemde", "Ik neem de telefoon."),  # nemen ~ noemen as lemmas, but not as written
        ("kende", "Dat betekende niets."),  # an inflected form is no compound part
    ],
)
def test_no_match_inside_unrelated_words(keyword: str, text: str) -> None:
    assert suggest([CodeRules(NAAM, keywords=(keyword,))], text) == {}


def test_a_phrase_matches_consecutive_words_with_at_most_one_in_between() -> None:
    rules = [CodeRules(NAAM, keywords=("bij naam",)), CodeRules(HEEN, keywords=("door me heen",))]
    found = suggest(
        rules,
        "Ze noemde me bij mijn naam.",
        "Hij praatte door me heen.",
        "Bij de balie stond mijn naam.",
        "Heen en weer, door me.",
    )
    assert words(found[(1, NAAM)]) == [("bij mijn naam", "phrase")]
    assert words(found[(2, HEEN)]) == [("door me heen", "phrase")]
    assert (3, NAAM) not in found and (4, HEEN) not in found


def test_an_example_quote_echoed_by_a_sentence_suggests_its_code_weakly() -> None:
    rules = [CodeRules(SNEL, examples=("Twintig minuten heb ik gewacht, met dat muziekje.",))]
    found = suggest(
        rules, "Ik kwam thuis. Ik heb twintig minuten gewacht met dat muziekje erbij. Toen hing ik op."
    )
    suggestion = found[(1, SNEL)]
    assert {t.via for t in suggestion.triggers} == {"example"}
    assert {t.text for t in suggestion.triggers} == {"twintig", "minuten", "gewacht", "muziekje"}
    assert 0.3 <= suggestion.score <= 0.6
    assert (suggestion.start, suggestion.end) == (15, 69)  # the second sentence


def test_one_common_word_in_common_with_an_example_is_not_enough() -> None:
    rules = [CodeRules(SNEL, examples=("Twintig minuten heb ik gewacht, met dat muziekje.",))]
    assert suggest(rules, "Het muziekje was mooi.") == {}


def test_the_sentence_span_only_when_all_triggers_are_in_one_sentence_of_several() -> None:
    rules = [CodeRules(SNEL, keywords=("snel", "meteen"))]
    found = suggest(
        rules,
        "Ik belde. Het ging snel. Klaar.",
        "Het ging snel. Ze hielp meteen.",
        "Het ging snel en meteen goed.",
    )
    assert (found[(1, SNEL)].start, found[(1, SNEL)].end) == (10, 24)
    assert (found[(2, SNEL)].start, found[(2, SNEL)].end) == (None, None)
    assert (found[(3, SNEL)].start, found[(3, SNEL)].end) == (None, None)


def test_common_keywords_weigh_less_and_repeating_one_adds_nothing() -> None:
    rules = [CodeRules(SNEL, keywords=("goed",)), CodeRules(DIENST, keywords=("monteur",))]
    texts = [f"Dat was goed, echt goed, nummer {n}." for n in range(200)] + ["De monteur kwam."]
    found = suggest(rules, *texts)
    assert found[(1, SNEL)].score < 0.1
    assert len(found[(1, SNEL)].triggers) == 1  # one piece of evidence, its first occurrence
    assert found[(201, DIENST)].score == 0.8
    assert all(0.0 <= s.score <= 1.0 for s in found.values())
    assert (1, SNEL) not in suggest(rules, *texts, min_score=0.3)


def test_independent_keywords_add_up() -> None:
    rules = [CodeRules(SNEL, keywords=("goed", "prima"))]
    many = [f"Goed, nummer {n}." for n in range(100)] + [f"Prima, nummer {n}." for n in range(100)]
    found = suggest(rules, *many, "Het was goed en prima.")
    assert found[(201, SNEL)].score > found[(1, SNEL)].score


def test_a_parent_yields_to_a_subcode_at_least_as_well_supported() -> None:
    rules = [
        CodeRules(DIENST, keywords=("service",)),
        CodeRules(SNEL, keywords=("snel",), parent_id=DIENST),
        CodeRules(WACHT, keywords=("wachtrij",), parent_id=SNEL),
    ]
    texts = ["Goede service, en snel.", "Goede service.", "Een lange wachtrij bij de service."]
    found = suggest(rules, *texts, *["Iets anders."] * 100)  # so that no keyword is common
    assert (1, DIENST) not in found and found[(1, SNEL)].score == 0.8
    assert found[(2, DIENST)].score == 0.8
    assert (3, DIENST) not in found and found[(3, WACHT)].score == 0.8  # a grandchild counts too


def test_codes_without_keywords_or_examples_and_empty_passages_are_fine() -> None:
    assert suggest([CodeRules(SNEL)], "", "   ", "Iets.") == {}
