"""Backups: automatic before imports and migrations, ``codeer backup``, ``codeer restore``, private files."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from conftest import run_cli
from small_study import checksum_of, write_study

from codeer.store.backup import NAME, list_backups, make_backup
from codeer.store.database import MIGRATIONS, create_db_engine, head_revision

pytest_plugins = ["study_fixtures"]


def backups(project: Path) -> list[str]:
    return [b.name for b in list_backups(project / "backups")]


def reasons(project: Path) -> list[str]:
    return [b.reason for b in list_backups(project / "backups")]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_import_kind_backs_up_first_and_files_are_private(study: Path, tmp_path: Path) -> None:
    files = tmp_path / "study-files"
    (files / "codings.csv").write_text(
        "transcript,passage,code,coder\nbus,4,kanaal,carla\n", encoding="utf-8"
    )
    (files / "transcripts" / "extra.txt").write_text("Moderator: Hallo.\nKarim: Dag.\n", encoding="utf-8")
    before = checksum_of(study)
    assert run_cli(study, "import", str(files / "transcripts")).code == 0
    assert reasons(study) == ["before-import"]
    (backup,) = list_backups(study / "backups")
    assert checksum_of_file(backup.path) == before  # the backup holds the project as it was
    assert run_cli(study, "codings", "import", str(files / "codings.csv")).code == 0
    assert run_cli(study, "codebook", "load", str(files / "dienst.yaml")).code == 0
    assert reasons(study) == ["before-import", "before-codings-import", "before-codebook-load"]
    assert mode(study / "backups") == 0o700
    assert {mode(b.path) for b in list_backups(study / "backups")} == {0o600}
    assert all(NAME.match(name) for name in backups(study))


def checksum_of_file(path: Path) -> str:
    folder = path.parent / f"view-{path.stem}"
    folder.mkdir()
    (folder / "codeer.db").write_bytes(path.read_bytes())
    return checksum_of(folder)


def test_a_new_project_is_not_backed_up_and_an_unchanged_one_only_once(project: Path, tmp_path: Path) -> None:
    codebook, transcripts = write_study(tmp_path / "files")
    assert run_cli(project, "import", str(transcripts)).code == 0
    assert backups(project) == []  # nothing to keep before the first import
    for _ in range(3):
        assert run_cli(project, "import", str(transcripts)).code == 0
    assert reasons(project) == ["before-import"]  # the same content is not backed up again
    result = run_cli(project, "backup")
    assert result.code == 0 and "unchanged" in result.out
    assert len(backups(project)) == 1


def test_only_the_newest_backups_are_kept(study: Path) -> None:
    (study / "codeer.yaml").write_text("backups: 2\n", encoding="utf-8")
    for passage in (4, 5, 6):
        assert run_cli(study, "--coder", "carla", "code", "water", str(passage), "kanaal").code == 0
        result = run_cli(study, "backup")
        assert result.code == 0 and "backed up" in result.out
    kept = list_backups(study / "backups")
    assert len(kept) == 2
    assert kept[0].at <= kept[1].at


def test_backups_zero_turns_automatic_backups_off(study: Path, tmp_path: Path) -> None:
    (study / "codeer.yaml").write_text("backups: 0\n", encoding="utf-8")
    assert run_cli(study, "import", str(tmp_path / "study-files" / "transcripts")).code == 0
    assert backups(study) == []
    assert run_cli(study, "backup").code == 0  # asked for: made, and kept
    assert reasons(study) == ["manual"]


def test_restore_puts_a_backup_back_and_keeps_the_state_it_replaces(study: Path) -> None:
    assert run_cli(study, "backup").code == 0
    saved = checksum_of(study)
    assert run_cli(study, "--coder", "carla", "code", "water", "5", "kanaal").code == 0
    later = checksum_of(study)
    (backup,) = backups(study)

    result = run_cli(study, "restore", backup.removesuffix(".db"))
    assert result.code == 0, result.err
    assert checksum_of(study) == saved
    assert reasons(study) == ["manual", "before-restore"]
    assert mode(study / "codeer.db") == 0o600

    undo = backups(study)[-1]
    assert undo in result.out
    assert run_cli(study, "restore", undo).code == 0
    assert checksum_of(study) == later  # the restore itself was undone

    listing = run_cli(study, "restore", "--list")
    assert listing.code == 0 and [line.split()[0] for line in listing.out.splitlines()] == backups(study)


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00" + b"\x07" * 4000, b"not a database at all"])
def test_restore_refuses_what_is_not_a_sound_codeer_backup(
    study: Path, tmp_path: Path, content: bytes
) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    before = checksum_of(study)
    result = run_cli(study, "restore", str(bad))
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and "bad.db" in result.err
    assert checksum_of(study) == before


def test_restore_refuses_a_sqlite_file_that_is_no_codeer_project(study: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    before = checksum_of(study)
    result = run_cli(study, "restore", str(other))
    assert result.code == 2 and "not a codeer project backup" in result.err
    assert run_cli(study, "restore", "codeer-nothing-like-this").code == 2
    assert checksum_of(study) == before


def test_a_migration_backs_up_the_project_first(project: Path) -> None:
    path = project / "codeer.db"
    engine = create_db_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    engine.dispose()

    assert run_cli(project, "status").code == 0  # opening it migrates it
    (backup,) = list_backups(project / "backups")
    assert backup.reason == "before-upgrade-from-0001"
    with sqlite3.connect(backup.path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (head_revision(),)


def test_postgresql_projects_are_pointed_to_pg_dump(project: Path) -> None:
    url = "postgresql+psycopg://coder@localhost:1/study"
    for args in (("backup",), ("restore", "x")):
        result = run_cli(project, "--db", url, *args)
        assert result.code == 2 and "pg_" in result.err


def test_a_backup_is_consistent_while_the_project_is_being_written(study: Path) -> None:
    """The online backup API copies a committed state, even with an open write transaction beside it."""
    conn = sqlite3.connect(study / "codeer.db", isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DELETE FROM codings")
    backup, new = make_backup(study / "codeer.db", study / "backups", "manual", 10)
    conn.execute("ROLLBACK")
    conn.close()
    assert new
    with sqlite3.connect(backup.path) as copy:
        assert copy.execute("SELECT count(*) FROM codings").fetchone() == (5,)
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
