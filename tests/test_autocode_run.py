"""``codeer autocode`` end to end on a small project on disk: what it suggests, what it leaves alone."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from codeer.model import Code, Passage, Suggestion
from codeer.store.coding import get_or_create_coder
from codeer.store.database import Database
from codeer.store.suggestions import accept, reject

CODEBOOK = """\
codebook: dienst
title: Dienstverlening
codes:
  - id: gehoord-worden
    name: Gehoord worden
    keywords: [horen, luisteren, door me heen]
  - id: snelheid
    name: Snelheid
    keywords: [snel, wachttijd]
    codes:
      - id: wachtmuziek
        name: Wachtmuziek
        examples: ["Twintig minuten heb ik gewacht, met dat muziekje."]
  - id: zonder
    name: Zonder trefwoorden
"""

TRANSCRIPT = """\
---
title: Testgroep
speakers:
  Moderator: {rol: moderator}
  Fatima: {rol: deelnemer}
  Henk: {rol: deelnemer}
---
Moderator: Werd u gehoord? Ging het snel?
Fatima: Nee. Ik werd echt niet gehoord, hij praatte door me heen.
Henk: Bij mij ging het snel. Binnen een dag geregeld.
Fatima: Twintig minuten heb ik gewacht met dat muziekje, echt waar.
Henk: Verder niets.
"""


@pytest.fixture
def study(project: Path, cli) -> Path:
    (project / "dienst.yaml").write_text(CODEBOOK, encoding="utf-8")
    (project / "groep.txt").write_text(TRANSCRIPT, encoding="utf-8")
    assert cli("codebook", "load", str(project / "dienst.yaml")).code == 0
    assert cli("import", str(project / "groep.txt")).code == 0
    return project


def suggested(db: Database) -> dict[tuple[int, str], tuple[str, float]]:
    """(passage number, code key) → (status, score)."""
    with db.session() as s:
        rows = s.execute(
            select(Passage.number, Code.key, Suggestion.status, Suggestion.score)
            .join(Passage, Passage.id == Suggestion.passage_id)
            .join(Code, Code.id == Suggestion.code_id)
        ).all()
    return {(n, key): (status, score) for n, key, status, score in rows}


def test_suggests_from_keywords_and_examples_but_not_on_the_moderator(study: Path, cli, db: Database) -> None:
    result = cli("autocode")
    assert result.code == 0, result.err
    assert result.out.startswith("3 suggestion(s) on 4 passage(s) for 3 code(s): 3 new,")
    found = suggested(db)
    assert set(found) == {(2, "gehoord-worden"), (3, "snelheid"), (4, "wachtmuziek")}
    assert all(status == "open" for status, _ in found.values())
    with db.session() as s:
        triggers = s.scalar(select(Suggestion.triggers).join(Code).where(Code.key == "gehoord-worden"))
        span = s.execute(
            select(Suggestion.start, Suggestion.end).join(Code).where(Code.key == "snelheid")
        ).one()
    assert [(t["text"], t["via"]) for t in triggers] == [("gehoord", "lemma"), ("door me heen", "phrase")]
    assert tuple(span) == (0, 22)  # "Bij mij ging het snel.", the first of two sentences


def test_a_rerun_keeps_decisions_and_a_higher_threshold_withdraws_open_ones(
    study: Path, cli, db: Database
) -> None:
    assert cli("autocode").code == 0
    with db.session() as s:
        ids = dict(s.execute(select(Code.key, Suggestion.id).join(Code, Code.id == Suggestion.code_id)).all())
        coder = get_or_create_coder(s, "anouk").id
        reject(s, ids["gehoord-worden"], coder)
        accept(s, ids["snelheid"], coder)
    result = cli("autocode", "--min-score", "0.7")
    assert result.code == 0, result.err
    assert (
        "0 new, 0 updated, 0 unchanged, 1 withdrawn; 2 already accepted or rejected left alone" in result.out
    )
    assert suggested(db) == {(2, "gehoord-worden"): ("rejected", 0.96), (3, "snelheid"): ("accepted", 0.8)}


def test_an_accepted_suggestion_is_the_coders_coding_in_the_export(study: Path, cli, db: Database) -> None:
    assert cli("autocode").code == 0
    with db.session() as s:
        suggestion = s.scalar(select(Suggestion).join(Code).where(Code.key == "snelheid"))
        accept(s, suggestion.id, get_or_create_coder(s, "bram").id)
    assert cli("codings", "export", str(study / "out.csv")).code == 0
    with open(study / "out.csv", encoding="utf-8") as handle:
        rows = [(r["transcript"], r["passage"], r["code"], r["coder"]) for r in csv.DictReader(handle)]
    assert rows == [("groep", "3", "snelheid", "bram")]


def test_only_the_named_transcripts_and_codebooks(study: Path, cli, db: Database) -> None:
    (study / "ander.txt").write_text("Fatima: Het ging snel.\n", encoding="utf-8")
    assert cli("import", str(study / "ander.txt")).code == 0
    assert cli("autocode", "--transcripts", "ander", "--codebook", "dienst").code == 0
    assert set(suggested(db)) == {(1, "snelheid")}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--codebook", "nope"], "no codebook nope (codebooks: dienst)"),
        (["--transcripts", "nope"], "no transcript nope"),
        (["--min-score", "2"], "--min-score must be between 0 and 1"),
        (["--evaluate"], "--evaluate needs --against CODER"),
        (["--evaluate", "--against", "nobody"], "unknown coder 'nobody'"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(study: Path, cli, args: list[str], message: str) -> None:
    result = cli("autocode", *args)
    assert result.code == 2
    assert message in result.err


def test_without_keywords_or_examples_there_is_nothing_to_do(project: Path, cli) -> None:
    (project / "leeg.yaml").write_text("codebook: leeg\ncodes:\n  - id: a\n    name: A\n", encoding="utf-8")
    assert cli("codebook", "load", str(project / "leeg.yaml")).code == 0
    result = cli("autocode")
    assert result.code == 2
    assert "no code has keywords or examples" in result.err
