"""The same behaviours on SQLite and on PostgreSQL: every test here runs once per backend (``db_url``).

Each drives the real ``codeer`` command with ``--db URL`` on a small study written to disk: codebook load,
transcript import and re-import, codings import and export, coding from the shell with its history, status,
and the live change feed a team view polls.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from sqlalchemy import select

from codeer.model import (
    Coder,
    CodingEvent,
    Passage,
    Speaker,
    SpeakerAttribute,
    Transcript,
    TranscriptAttribute,
)
from codeer.store.changes import ChangeFeed, latest_event_id
from codeer.store.database import head_revision, open_database

pytest_plugins = ["conftest_backends"]

CODEBOOK = """\
codebook: dienst
title: Persoonlijke dienstverlening
codes:
  - id: empathie
    name: Empathie
    key: e
    codes:
      - id: oprechte-empathie
        name: Oprechte empathie
        keywords: [begrip, knikt]
  - id: herhaling
    name: Verhaal herhalen
    key: h
"""

TRANSCRIPT = """\
---
title: Focusgroep Vitens, kwadrant {n}
organisation: Vitens
quadrant: Q{n}
speakers:
  Moderator: {{rol: moderator}}
  Fatima: {{rol: deelnemer, leeftijd: 35-50}}
---
Moderator: Wat vond u van het contact met de klantenservice?

Fatima: Ik moest mijn hele verhaal drie keer vertellen. Dat was echt vervelend.

Henk: Bij mij wisten ze meteen wie ik was, dat vond ik fijn — écht waar.
{extra}
Moderator: En online?

Fatima: Online mis je gewoon dat iemand knikt of even terugzegt wat je bedoelt.
"""

CODINGS = """\
transcript,passage,code,coder,start,end,memo
vitens-q1,2,herhaling,anouk,,,"drie keer, ""echt"" vervelend"
vitens-q1,2,oprechte-empathie,bram,0,14,
vitens-q1,3,oprechte-empathie,anouk,,,
vitens-q1,5,oprechte-empathie,anouk,25,43,knikt ✓
vitens-q2,5,herhaling,bram,,,
"""


def write_study(folder: Path, extra: str = "") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "dienst.yaml").write_text(CODEBOOK, encoding="utf-8")
    for n in (1, 2):
        text = TRANSCRIPT.format(n=n, extra=extra if n == 1 else "")
        (folder / f"vitens-q{n}.txt").write_text(text, encoding="utf-8")
    (folder / "codings.csv").write_text(CODINGS, encoding="utf-8")
    return folder


@pytest.fixture
def run(project: Path, db_url: str):
    """``run("import", ...)`` runs codeer on the backend under test and asserts that it succeeded."""

    def go(*args: str, code: int = 0):
        result = run_cli(project, "--db", db_url, *args)
        assert result.code == code, result.err
        return result

    return go


@pytest.fixture
def study(tmp_path: Path, run) -> Path:
    folder = write_study(tmp_path / "study")
    run("codebook", "load", str(folder / "dienst.yaml"))
    run("import", str(folder / "vitens-q1.txt"), str(folder / "vitens-q2.txt"))
    run("codings", "import", str(folder / "codings.csv"))
    return folder


def test_codings_export_equals_what_was_imported_and_imports_again_unchanged(study: Path, run) -> None:
    out = study / "out.csv"
    run("codings", "export", str(out))
    expected = CODINGS.splitlines()
    assert out.read_text(encoding="utf-8").splitlines() == [expected[0], *sorted(expected[1:])]
    assert "0 added, 0 memo(s) updated, 5 already there" in run("codings", "import", str(out)).out


def test_status_counts_the_study(study: Path, run, db_url: str) -> None:
    out = run("status").out
    assert "transcripts  2" in out
    assert "codebooks    1 (3 codes)" in out
    assert "anouk" in out and "3 codings in 1 transcript(s)" in out
    info = run("db", "info").out
    assert f"schema     {head_revision()} (newest)" in info
    assert "  codings                5" in info and "  coding_events          5" in info
    assert "already at the newest version" in run("db", "upgrade").out


def test_a_first_import_stores_speakers_attributes_and_sentences(study: Path, db_url: str) -> None:
    """The batched first import (ids returned in order, passages through the driver) on either backend."""
    first, second = "Ik moest mijn hele verhaal drie keer vertellen.", "Dat was echt vervelend."
    db = open_database(db_url)
    with db.session() as session:
        rows = session.execute(
            select(Transcript.key, Passage.number, Speaker.name, Passage.text, Passage.sentences)
            .join(Passage.transcript)
            .join(Passage.speaker)
            .order_by(Transcript.key, Passage.number)
        ).all()
        attributes = session.execute(
            select(Transcript.key, TranscriptAttribute.name, TranscriptAttribute.value)
            .join(TranscriptAttribute.transcript)
            .where(TranscriptAttribute.name == "quadrant")
        ).all()
        fatima = session.scalars(
            select(SpeakerAttribute.value)
            .join(SpeakerAttribute.speaker)
            .join(Speaker.transcript)
            .where(Transcript.key == "vitens-q2", Speaker.name == "Fatima")
            .where(SpeakerAttribute.name == "leeftijd")
        ).all()
    db.close()
    assert [(key, number, name) for key, number, name, _, _ in rows] == [
        (key, number, name)
        for key in ("vitens-q1", "vitens-q2")
        for number, name in enumerate(["Moderator", "Fatima", "Henk", "Moderator", "Fatima"], start=1)
    ]
    assert rows[1].text == f"{first} {second}"
    assert rows[1].sentences == [[0, len(first)], [len(first) + 1, len(first) + 1 + len(second)]]
    assert sorted(attributes) == [("vitens-q1", "quadrant", "Q1"), ("vitens-q2", "quadrant", "Q2")]
    assert fatima == ["35-50"]


def test_reloading_and_reimporting_keep_every_coding(tmp_path: Path, study: Path, run) -> None:
    assert "0 added, 0 updated, 3 unchanged" in run("codebook", "load", str(study / "dienst.yaml")).out
    write_study(study, extra="\nFatima: Dat herken ik wel.\n")
    result = run("import", str(study / "vitens-q1.txt"), str(study / "vitens-q2.txt"))
    assert "0 new, 1 updated, 1 unchanged" in result.out
    out = tmp_path / "after.csv"
    run("codings", "export", str(out))
    rows = out.read_text(encoding="utf-8").splitlines()
    assert "vitens-q1,6,oprechte-empathie,anouk,25,43,knikt ✓" in rows  # moved past the new passage 4
    assert "vitens-q1,2,oprechte-empathie,bram,0,14," in rows
    assert len(rows) == 6


def test_code_and_uncode_from_the_shell_with_history(study: Path, run, db_url: str) -> None:
    args = ("vitens-q2", "3", "empathie", "--span", "0:6")
    assert run("--coder", "carla", "code", *args).out.startswith("applied:")
    assert run("--coder", "carla", "code", *args).out.startswith("already applied:")
    assert run("--coder", "carla", "code", *args, "--memo", "fijn").out.startswith("memo updated:")
    assert run("--coder", "carla", "uncode", *args).out.startswith("removed:")
    assert run("--coder", "carla", "uncode", *args).out.startswith("not coded:")
    assert "no passage 99" in run("--coder", "carla", "code", "vitens-q2", "99", "empathie", code=2).err
    assert "unknown code 'nope'" in run("--coder", "carla", "code", "vitens-q2", "1", "nope", code=2).err
    assert (
        "outside the passage"
        in run("--coder", "carla", "code", "vitens-q2", "4", "empathie", "--span", "0:999", code=2).err
    )
    db = open_database(db_url)
    with db.session() as session:
        events = session.execute(
            select(CodingEvent.action, CodingEvent.memo, CodingEvent.start, CodingEvent.end)
            .join(Coder)
            .where(Coder.name == "carla")
            .order_by(CodingEvent.id)
        ).all()
    db.close()
    assert events == [("apply", "", 0, 6), ("update", "fijn", 0, 6), ("remove", "fijn", 0, 6)]


def test_a_view_sees_another_coders_new_codings_without_reopening(study: Path, run, db_url: str) -> None:
    db = open_database(db_url)
    with db.session() as session:
        transcript_id = session.scalar(select(Transcript.id).where(Transcript.key == "vitens-q1"))
        feed = ChangeFeed(transcript_id, latest_event_id(session))
    with db.session() as session:
        assert feed.poll(session) == []
    run("--coder", "bram", "code", "vitens-q1", "4", "herhaling")
    run("--coder", "bram", "code", "vitens-q2", "4", "herhaling")  # another transcript: not shown
    run("--coder", "bram", "uncode", "vitens-q1", "4", "herhaling")
    with db.session() as session:
        changes = feed.poll(session)
    assert [(c.action, c.coder, c.passage_number, c.code_key) for c in changes] == [
        ("apply", "bram", 4, "herhaling"),
        ("remove", "bram", 4, "herhaling"),
    ]
    with db.session() as session:
        assert feed.poll(session) == []
        assert feed.cursor == latest_event_id(session)
    db.close()


def test_db_info_and_upgrade_on_a_new_database(run, backend: str) -> None:
    before = run("db", "info").out
    assert (
        "does not exist yet" if backend == "sqlite" else "schema     none: not a codeer project yet"
    ) in before
    assert f"schema none -> {head_revision()}" in run("db", "upgrade").out
    after = run("db", "info").out
    assert f"schema     {head_revision()} (newest)" in after
    assert "  transcripts            0" in after
