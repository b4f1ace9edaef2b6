"""Passages to plain text and back, selections to spans, other programs' position units to code points."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codeer.interop.refi import parse_code_description, read_fields, write_fields
from codeer.interop.refi_text import OffsetMap, SourceLayout, Units, choose_units, render

NAMES = st.sampled_from(["Moderator", "Anna", "P1", "Jan-Willem de Vries", "Ærøskøbing", None])
TEXTS = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
PASSAGES = st.lists(
    st.tuples(NAMES, st.one_of(st.none(), st.integers(0, 10 * 3600 * 1000)), TEXTS), min_size=1, max_size=8
)


@settings(max_examples=300, deadline=None)
@given(PASSAGES)
def test_rendered_text_reads_back_as_the_same_passages(passages: list) -> None:
    """What codeer writes it reads back exactly (times only exist with a speaker)."""
    passages = [(speaker, ms if speaker else None, text) for speaker, ms, text in passages]
    if any(text.startswith(("[", "(")) or ":" in text[:45] for _, _, text in passages):
        return  # text that itself looks like a label or a time: the export warns about these
    text, places = render(passages)
    labels = any(speaker for speaker, _, _ in passages)
    layout = SourceLayout(text, one_per_line=True, labels=labels)
    assert [(p.speaker, p.start_ms, p.text) for p in layout.passages] == passages
    for index, place in enumerate(places):
        assert layout.locate(place.line_start, place.text_end) == [(index, None, None)]
        body = passages[index][2]
        if len(body) > 2:
            assert layout.locate(place.text_start + 1, place.text_start + 2) == [(index, 1, 2)]


def test_a_selection_across_passages_becomes_one_span_per_passage() -> None:
    text = "Anna: Eerste zin.\nBert: Tweede zin.\nAnna: Derde zin.\n"
    layout = SourceLayout(text, one_per_line=True)
    start = text.index("zin.")
    end = text.index("Derde") + len("Derde")
    assert layout.locate(start, end) == [(0, 7, 11), (1, None, None), (2, 0, 5)]
    assert layout.locate(text.index("Bert"), text.index("Bert") + 4) == []  # the label alone: no text


def test_foreign_transcript_continuation_lines_join_with_a_space() -> None:
    text = "Titel\r\nI: Vraag?\r\nB: Antwoord een.\r\nNog meer.\r\nI: Nog een vraag?\r\nB: Ja.\r\n"
    layout = SourceLayout(text)
    assert [(p.speaker, p.text) for p in layout.passages] == [
        (None, "Titel"),
        ("I", "Vraag?"),
        ("B", "Antwoord een. Nog meer."),
        ("I", "Nog een vraag?"),
        ("B", "Ja."),
    ]
    start, end = text.index("een.\r\n"), text.index("meer") + 4
    assert layout.locate(start, end) == [(2, 9, 22)]


def test_paragraphs_when_labels_do_not_recur() -> None:
    text = "Verslag: bewonersoverleg\n\nOpmerking: later meer\nGewone alinea.\n"
    assert [p.speaker for p in SourceLayout(text).passages] == [None, None, None]


@pytest.mark.parametrize(
    ("units", "text", "position", "expected"),
    [
        (Units.UTF16, "a😊b", 1, 1),
        (Units.UTF16, "a😊b", 2, None),  # inside the surrogate pair
        (Units.UTF16, "a😊b", 3, 2),
        (Units.UTF16, "a😊b", 4, 3),
        (Units.UTF16, "a😊b", 5, None),  # past the end
        (Units.CODE_POINTS_CRLF_ONE, "ab\r\ncd", 2, 2),  # before the line break
        (Units.CODE_POINTS_CRLF_ONE, "ab\r\ncd", 3, 4),  # after it
        (Units.CODE_POINTS_CRLF_ONE, "ab\r\ncd", 5, 6),
        (Units.UTF16_CRLF_ONE, "😊\r\n😊x", 5, 4),
        (Units.UTF16_CRLF_ONE, "😊\r\n😊x", 3, 3),
        (Units.UTF16_CRLF_ONE, "😊\r\n😊x", 4, None),
        (Units.CODE_POINTS, "a😊\r\nb", 4, 4),
    ],
)
def test_offset_map(units: Units, text: str, position: int, expected: int | None) -> None:
    assert OffsetMap(text, units).to_code_point(position) == expected


def test_units_decided_by_selection_names_and_word_edges() -> None:
    text = "Een 😊 twee 😊 drie vier 😊 vijf zes zeven\r\nacht negen tien\r\n" * 3
    words = ["drie vier", "vijf zes", "negen tien", "twee"]

    def at(units: Units, word: str, nth: int) -> tuple[int, int, str]:
        start = [i for i in range(len(text)) if text.startswith(word, i)][nth]
        measure = {
            Units.CODE_POINTS: lambda s: len(s),
            Units.UTF16: lambda s: len(s.encode("utf-16-le")) // 2,
            Units.CODE_POINTS_CRLF_ONE: lambda s: len(s.replace("\r\n", "\n")),
        }[units]
        return measure(text[:start]), measure(text[: start + len(word)]), ""

    for units in (Units.CODE_POINTS, Units.UTF16, Units.CODE_POINTS_CRLF_ONE):
        selections = [at(units, w, n) for w in words for n in range(3)]
        assert choose_units([(text, selections)], "")[0] is units
        named = [
            (s, e, w) for (s, e, _), w in zip(selections, [w for w in words for _ in range(3)], strict=True)
        ]
        assert choose_units([(text, named)], "")[0] is units


def test_field_blocks() -> None:
    text = write_fields(
        "Een definitie.\n\nMet twee alinea's.", [("Include", "a\nb"), ("Key", "x-y"), ("Hotkey", "")]
    )
    assert text == "Een definitie.\n\nMet twee alinea's.\n\nInclude: a\n  b\nKey: x-y"
    assert read_fields(text, ("Include", "Key")) == (
        "Een definitie.\n\nMet twee alinea's.",
        [("Include", "a\nb"), ("Key", "x-y")],
    )
    assert read_fields("Proza.\n\nNote: geen veld", ("Key",)) == ("Proza.\n\nNote: geen veld", [])
    fields = parse_code_description("Key: abc\r\nExample: een\r\nExample: twee")
    assert (fields.definition, fields.key, fields.examples) == ("", "abc", ("een", "twee"))
