"""The shared rules: times, speaker labels, header lines, merging."""

from __future__ import annotations

import pytest

from codeer.ingest.turns import TurnBuilder, match_header, match_label, parse_time, strip_tags


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("0:05", 5_000),
        ("12:34", 754_000),
        ("1:02:03", 3_723_000),
        ("01:02:03.5", 3_723_500),
        ("00:00:05,250", 5_250),
        ("00:00:05.1234567", 5_123),
        ("75:00", 4_500_000),
        ("1:60", None),
        ("1:60:00", None),
        ("5", None),
        ("a:bc", None),
    ],
)
def test_parse_time(text: str, ms: int | None) -> None:
    assert parse_time(text) == ms


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Anna: hallo", ("Anna", "hallo", None)),
        ("Anna:", ("Anna", "", None)),
        ("  P1:   ja", ("P1", "ja", None)),
        ("Zoë O'Brien-Smith: ja", ("Zoë O'Brien-Smith", "ja", None)),
        ("Интервьюер: да", ("Интервьюер", "да", None)),
        ("Speaker 2 (Anna): ja", ("Speaker 2 (Anna)", "ja", None)),
        ("[00:01:12] P1: ja", ("P1", "ja", 72_000)),
        ("[01:12] P1: ja", ("P1", "ja", 72_000)),
        ("(00:01:12) P1: ja", ("P1", "ja", 72_000)),
        ("00:01:12 P1: ja", ("P1", "ja", 72_000)),
        ("[00:01:12] - P1: ja", ("P1", "ja", 72_000)),
        ("P1 (00:01:12): ja", ("P1", "ja", 72_000)),
        ("P1 [00:01:12]: ja", ("P1", "ja", 72_000)),
        ("**P1:** ja", ("P1", "ja", None)),
        ("**P1**: ja", ("P1", "ja", None)),
        ("https://example.org: x", None),
        ("https://example.org", None),
        ("12: tekst", None),
        ("10:30 we begonnen", None),
        ("00:01:12", None),
        ("Een naam van veel meer dan veertig tekens lang: x", None),
        ("Anna:hallo", None),
        ("_x: y", None),
        ("- Anna: ja", None),
    ],
)
def test_match_label(line: str, expected: tuple[str, str, int | None] | None) -> None:
    label = match_label(line)
    assert (None if label is None else (label.speaker, label.text, label.start_ms)) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Anna de Vries  0:05", ("Anna de Vries", 5_000)),
        ("Speaker 1 00:00:05", ("Speaker 1", 5_000)),
        ("Anna\t1:02:03.5  ", ("Anna", 3_723_500)),
        ("Anna 0:05 extra", None),
        ("12 0:05", None),
        ("0:05", None),
    ],
)
def test_match_header(line: str, expected: tuple[str, int] | None) -> None:
    header = match_header(line)
    assert (None if header is None else (header.speaker, header.start_ms)) == expected


def test_strip_tags_keeps_literal_angle_brackets() -> None:
    assert strip_tags("<i>ja</i> <3 <b>nee</b> <c.red>x</c> <00:00:01.000>y {\\an8}z") == "ja <3 nee x y z"


def test_builder_merges_and_keeps_first_time_and_preamble() -> None:
    builder = TurnBuilder()
    builder.text("Titel", 1)
    builder.speaker("A", None, 2)
    builder.text(" een \n twee ", 2)
    builder.text("drie", 2)  # more of the same turn
    builder.speaker("A", 5_000, 3)  # the same speaker's label again: the same turn
    builder.text("vier", 3)
    builder.speaker("B", 1_000, 4)  # no text: leaves no passage, but ends A's turn
    builder.speaker("A", 2_000, 5)
    builder.text("vijf", 5)
    body = builder.body()
    assert body.preamble == "Titel"
    assert [(t.speaker, t.text, t.start_ms, t.line) for t in body.turns] == [
        ("A", "een twee drie vier", None, 2),
        ("A", "vijf", 2_000, 5),
    ]
