"""Privacy: exports without participants' names (``--pseudonymise``), project files private to their owner."""

from __future__ import annotations

import sqlite3
import stat
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli
from sqlalchemy import select

from codeer.cli.main import build_parser
from codeer.model import Memo, Passage, Transcript
from codeer.store.database import open_database

pytest_plugins = ["study_fixtures"]

# Every participant's name in the small study, as a whole word (the moderator is no participant's name).
NAMES = ("Ingrid de Boer", "Ingrid", "Joost", "Karim", "Lotte")


def names_in(text: str) -> list[str]:
    return [name for name in NAMES if name in text]


def add_memos(project: Path) -> None:
    """A passage memo and a coding memo that mention participants by name."""
    assert (
        run_cli(
            project, "--coder", "anouk", "code", "water", "3", "kanaal", "--memo", "Joost wacht lang"
        ).code
        == 0
    )
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as session:
        passage = session.scalar(
            select(Passage).join(Transcript).where(Transcript.key == "water", Passage.number == 2)
        )
        session.add(
            Memo(passage_id=passage.id, transcript_id=passage.transcript_id, text="Ingrid belt vaker")
        )
    db.close()


def test_every_export_offers_pseudonymisation() -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001 - the parser as built
    exports = commands["export"]._subparsers._group_actions[0].choices
    parsers = {f"export {kind}": sub for kind, sub in exports.items()}
    parsers["codings export"] = commands["codings"]._subparsers._group_actions[0].choices["export"]
    for name, sub in parsers.items():
        assert "--pseudonymise" in sub.format_help(), name


def test_segments_name_no_participant_and_codes_are_stable(study: Path, tmp_path: Path) -> None:
    add_memos(study)
    plain = run_cli(study, "export", "segments", "-o", str(tmp_path / "plain.csv"))
    assert plain.code == 0
    assert names_in((tmp_path / "plain.csv").read_text(encoding="utf-8"))  # the names are there to hide
    for run in ("a", "b"):
        result = run_cli(study, "export", "segments", "--pseudonymise", "-o", str(tmp_path / f"{run}.csv"))
        assert result.code == 0, result.err
    text = (tmp_path / "a.csv").read_text(encoding="utf-8")
    assert names_in(text) == []
    assert "P01" in text and "P02 had meer geluk" not in text  # Ingrid de Boer spoke first: P01
    assert "Bij mij duurde het heel lang voordat iemand terugbelde, P01 had meer geluk." in text
    assert (tmp_path / "b.csv").read_bytes() == (tmp_path / "a.csv").read_bytes()


def test_export_all_names_no_participant(study: Path, tmp_path: Path) -> None:
    add_memos(study)
    result = run_cli(study, "export", "all", "--pseudonymise", "--dir", str(tmp_path / "out"))
    assert result.code == 0, result.err
    written = list((tmp_path / "out").iterdir())
    assert written
    for path in written:
        assert names_in(path.read_text(encoding="utf-8-sig")) == [], path.name


def test_qdpx_names_no_participant_in_labels_cases_texts_or_memos(study: Path, tmp_path: Path) -> None:
    add_memos(study)
    plain, hidden = tmp_path / "plain.qdpx", tmp_path / "hidden.qdpx"
    assert run_cli(study, "export", "qdpx", str(plain)).code == 0
    result = run_cli(study, "export", "qdpx", "--pseudonymise", str(hidden))
    assert result.code == 0, result.err
    with zipfile.ZipFile(plain) as archive:
        assert any(names_in(archive.read(m).decode("utf-8")) for m in archive.namelist())
    with zipfile.ZipFile(hidden) as archive:
        members = {m: archive.read(m).decode("utf-8") for m in archive.namelist()}
    for member, text in members.items():
        assert names_in(text) == [], member
    sources = "\n".join(text for member, text in members.items() if member.startswith("sources/"))
    assert "P01: Ik belde over een lekkage" in sources
    assert "M: Welkom allemaal. P01, wil jij beginnen?" in sources
    assert "P02 wacht lang" in members["project.qde"] and "P01 belt vaker" in members["project.qde"]

    # The pseudonymised project is still a project: it imports, with the codes as speakers.
    other = tmp_path / "other"
    other.mkdir()
    result = run_cli(other, "import", str(hidden))
    assert result.code == 0, result.err
    dump = run_cli(other, "export", "segments").out
    assert names_in(dump) == [] and "P01" in dump


def test_codings_export_pseudonymises_memos(study: Path, tmp_path: Path) -> None:
    add_memos(study)
    assert run_cli(study, "codings", "export", str(tmp_path / "plain.csv")).code == 0
    assert "Joost wacht lang" in (tmp_path / "plain.csv").read_text(encoding="utf-8")
    assert run_cli(study, "codings", "export", "--pseudonymise", str(tmp_path / "hidden.csv")).code == 0
    text = (tmp_path / "hidden.csv").read_text(encoding="utf-8")
    assert names_in(text) == [] and "P02 wacht lang" in text


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_project_database_and_its_journal_are_private(project: Path, tmp_path: Path) -> None:
    from small_study import write_study

    _, transcripts = write_study(tmp_path / "files")
    assert run_cli(project, "import", str(transcripts)).code == 0
    assert mode(project / "codeer.db") == 0o600
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as session:  # while a connection is open, SQLite keeps its -wal and -shm files
        session.add(Memo(text="x"))
    with db.engine.connect():
        for suffix in ("-wal", "-shm"):
            journal = project / f"codeer.db{suffix}"
            assert journal.exists() and mode(journal) == 0o600, suffix
    db.close()
    assert run_cli(project, "backup").code == 0
    (backup,) = (project / "backups").iterdir()
    assert mode(project / "backups") == 0o700 and mode(backup) == 0o600
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT count(*) FROM memos").fetchone() == (1,)


@pytest.mark.parametrize("command", [("status",), ("log",), ("export", "segments")])
def test_nothing_reaches_the_network(
    study: Path, command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """codeer makes no network connection of its own: a socket opened while it works fails the test."""
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"codeer opened a network connection: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert run_cli(study, *command).code == 0
