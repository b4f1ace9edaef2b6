"""Coded-segment queries (AND, OR, NOT, NEAR/N) checked against a plain reading of the sample codings file,
on SQLite and PostgreSQL, and the query syntax's errors."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import SAMPLE_CODINGS
from search_study import search, study_fixture  # noqa: F401 - the fixture

from codeer.errors import CodeerError
from codeer.search.code_query import Binary, Leaf, Not, parse_code_query

Place = tuple[str, int]


def coded(coders: tuple[str, ...] = ()) -> dict[str, set[Place]]:
    """Code → the (transcript, passage) places coded with it, read from the codings file in plain Python."""
    places: dict[str, set[Place]] = defaultdict(set)
    with SAMPLE_CODINGS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if not coders or row["coder"] in coders:
                places[row["code"]].add((row["transcript"], int(row["passage"])))
    return places


def near(left: set[Place], right: set[Place], distance: int) -> set[Place]:
    return {(t, n) for t, n in left if any(t == u and abs(n - m) <= distance for u, m in right)}


def found(study: tuple, tmp_path: Path, *args: str) -> set[Place]:
    out = tmp_path / "passages.csv"
    result = search(study, *args, output=out)
    assert result.code == 0, result.err
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    places = {(row["transcript"], int(row["passage"])) for row in rows}
    assert len(places) == len(rows) or not args[0].startswith("--")  # a code query: one row per passage
    return places


C = coded()
CASES = [
    ("oprechte-empathie OR herkend-worden", C["oprechte-empathie"] | C["herkend-worden"]),
    (
        "herkend-worden AND (mijn-omgeving OR meedenken)",
        C["herkend-worden"] & (C["mijn-omgeving"] | C["meedenken"]),
    ),
    ("snelheid NOT goede-oplossing", C["snelheid"] - C["goede-oplossing"]),
    ("snelheid AND NOT goede-oplossing", C["snelheid"] - C["goede-oplossing"]),
    (
        "herkend-worden AND meedenken NOT mijn-omgeving OR snelheid",
        (C["herkend-worden"] & C["meedenken"] - C["mijn-omgeving"]) | C["snelheid"],
    ),
    ("herkend-worden NEAR/2 oprechte-empathie", near(C["herkend-worden"], C["oprechte-empathie"], 2)),
    ("herkend-worden NEAR oprechte-empathie", near(C["herkend-worden"], C["oprechte-empathie"], 1)),
    (
        '"Oprechte empathie" NEAR/0 begrip-bij-negatief-antwoord',
        C["oprechte-empathie"] & C["begrip-bij-negatief-antwoord"],
    ),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[q for q, _ in CASES])
def test_code_queries_match_a_plain_reading_of_the_codings(study, tmp_path, query, expected) -> None:
    assert expected, "a case that selects nothing proves nothing"
    assert found(study, tmp_path, "--codes", query, "--moderators") == expected


def test_codings_of_chosen_coders_only(study, tmp_path) -> None:
    anouk = coded(("anouk",))
    query = "oprechte-empathie OR snelheid"
    expected = anouk["oprechte-empathie"] | anouk["snelheid"]
    assert found(study, tmp_path, "--codes", query, "--coders", "anouk", "--moderators") == expected
    assert expected != C["oprechte-empathie"] | C["snelheid"]


def test_not_alone_is_every_other_passage(study, tmp_path) -> None:
    everything = found(study, tmp_path, "--codes", "snelheid OR NOT snelheid", "--moderators")
    assert len(everything) == 961
    assert found(study, tmp_path, "--codes", "NOT snelheid", "--moderators") == everything - C["snelheid"]


def test_words_within_coded_passages(study, tmp_path) -> None:
    query = "nabellen OR snelheid OR videobellen"
    within = found(study, tmp_path, "bel*", "--codes", query, "--moderators")
    anywhere = found(study, tmp_path, "bel*", "--moderators")
    assert within and within == anywhere & (C["nabellen"] | C["snelheid"] | C["videobellen"])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("empathy", "unknown code 'empathy'"),
        ("snelheid AND", "ends too early"),
        ("(snelheid OR meedenken", "is not closed"),
        ("snelheid meedenken", "unexpected 'meedenken'"),
        ("snelheid AND OR meedenken", "expected a code where 'OR' stands"),
    ],
)
def test_a_malformed_code_query_is_refused_in_one_line(study, query, message) -> None:
    result = search(study, "--codes", query)
    assert result.code == 2
    assert message in result.err and len(result.err.strip().splitlines()) == 1


def test_operator_precedence() -> None:
    tree = parse_code_query("a OR b AND c NOT d NEAR/3 e")
    assert tree == Binary(
        "OR",
        Leaf("a"),
        Binary("MINUS", Binary("AND", Leaf("b"), Leaf("c")), Binary("NEAR", Leaf("d"), Leaf("e"), 3)),
    )
    assert parse_code_query("NOT (a OR b)") == Not(Binary("OR", Leaf("a"), Leaf("b")))
    with pytest.raises(CodeerError):
        parse_code_query("")


@pytest.mark.parametrize(
    ("args", "passages"),
    [
        (("--codes", "herkend-worden AND (mijn-omgeving OR meedenken)"), 6),
        (("--codes", "oprechte-empathie AND NOT gehoord-worden", "--where", "organisation=Vitens,RET"), 9),
        (("--codes", "opnieuw-verhaal-doen NEAR/2 oprechte-empathie", "--coders", "anouk"), 2),
    ],
)
def test_the_readme_examples_on_the_sample_study(study, args, passages) -> None:
    result = search(study, *args)
    assert result.code == 0, result.err
    assert f"{passages} hit(s) in {passages} passage(s)" in result.out


def test_blind_coding_counts_only_your_own_codings(study, tmp_path) -> None:
    """A project coding blind (``show_others_allowed: false``): a code query reads the coder's own codings
    only, and asking for another coder's is refused in one line. (On PostgreSQL the login decides: this
    fixture's login owns the database and may read everyone's; a coder's login is tested in
    test_pg_team.py.)"""
    if not study[1].startswith("sqlite"):
        pytest.skip("on PostgreSQL blind coding follows the login (test_pg_team.py)")
    folder = tmp_path / "blind"
    folder.mkdir()
    (folder / "codeer.yaml").write_text("show_others_allowed: false\n", encoding="utf-8")
    blind = (folder, study[1])
    out = tmp_path / "blind.csv"
    query = "oprechte-empathie OR snelheid"
    result = search(blind, "--coder", "anouk", "--codes", query, "--moderators", output=out)
    assert result.code == 0, result.err
    with out.open(encoding="utf-8") as handle:
        places = {(row["transcript"], int(row["passage"])) for row in csv.DictReader(handle)}
    anouk = coded(("anouk",))
    assert places == anouk["oprechte-empathie"] | anouk["snelheid"] != C["oprechte-empathie"] | C["snelheid"]
    refused = search(blind, "--coder", "anouk", "--codes", query, "--coders", "bram")
    assert refused.code == 2 and "blind coding is on" in refused.err
    assert len(refused.err.strip().splitlines()) == 1


def test_coders_without_a_code_query_is_refused(study) -> None:
    result = search(study, "terugbellen", "--coders", "anouk")
    assert result.code == 2 and "--codes" in result.err
