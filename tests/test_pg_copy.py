"""``codeer db copy``: a project moved to PostgreSQL and back is the same, verified; or nothing moves."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import run_cli
from pg import PostgresServer
from sqlalchemy import func, null, select, text, update

from codeer.model import Base, Coder, Coding, CodingEvent, Transcript
from codeer.store.database import open_database
from codeer.store.dump import content_checksum, dump_lines, snapshot

pytest_plugins = ["conftest_backends"]


def dump(url: str) -> list[str]:
    db = open_database(url, upgrade=False)
    with snapshot(db.engine) as conn:
        lines = list(dump_lines(conn))
    db.close()
    return lines


@pytest.fixture
def original(project: Path, build_study) -> str:
    """A SQLite project with every kind of row, a fixed timestamp, and a SQL NULL beside JSON nulls."""
    url = f"sqlite:///{project / 'codeer.db'}"
    db = open_database(url)
    build_study(db)
    with db.session() as session:
        session.execute(update(CodingEvent).where(CodingEvent.id == 2).values(previous=null()))
        session.execute(
            update(Coder).where(Coder.name == "anouk").values(created_at=datetime(2021, 3, 9, 10, tzinfo=UTC))
        )
    db.close()
    return url


def test_a_project_copied_to_postgresql_and_back_is_the_same(
    original: str, project: Path, pg_url: str, pg_server: PostgresServer
) -> None:
    there = run_cli(project, "db", "copy", "--to", pg_url)
    assert there.code == 0, there.err
    tables = len(Base.metadata.tables)
    assert f"verified: row counts of all {tables} tables and the content checksum match" in there.out
    assert "15 passages" in there.out and "17 codings" in there.out and "27 coding_events" in there.out

    back_url = f"sqlite:///{project / 'back.db'}"
    back = run_cli(project, "--db", pg_url, "db", "copy", "--to", back_url)
    assert back.code == 0, back.err
    assert dump(back_url) == dump(original)
    assert dump(pg_url) == dump(original)

    pg = open_database(pg_url)
    with pg.session() as session:
        # SQL NULL and JSON null stay apart; times stay in UTC although the server's zone is Amsterdam.
        assert session.scalar(select(func.count()).where(CodingEvent.previous.is_(None))) == 1
        when = session.scalar(text("SELECT created_at AT TIME ZONE 'UTC' FROM coders WHERE name = 'anouk'"))
        assert when.isoformat() == "2021-03-09T10:00:00"
    pg.close()
    assert pg_server.password not in there.out + there.err + back.out + back.err


def test_after_a_copy_new_rows_get_new_ids(original: str, project: Path, pg_url: str) -> None:
    assert run_cli(project, "db", "copy", "--to", pg_url).code == 0
    pg = open_database(pg_url)
    with pg.session() as session:
        before = session.scalar(select(func.max(Coding.id)))
    result = run_cli(project, "--db", pg_url, "--coder", "carla", "code", "vitens-q2", "3", "herhaling")
    assert result.code == 0, result.err
    with pg.session() as session:
        new = session.scalar(select(Coding).join(Coder).where(Coder.name == "carla"))
        assert new.id == before + 1
    pg.close()


def test_a_copy_never_writes_into_a_database_that_holds_a_project(
    original: str, project: Path, pg_url: str
) -> None:
    assert run_cli(project, "db", "copy", "--to", pg_url).code == 0
    pg = open_database(pg_url)
    before = content_checksum(pg)
    again = run_cli(project, "db", "copy", "--to", pg_url)
    assert again.code == 2
    assert "is not empty (1 codebooks, 2 coders" in again.err
    assert content_checksum(pg) == before
    pg.close()


def test_a_copy_that_fails_leaves_the_target_empty(original: str, project: Path, pg_url: str) -> None:
    sqlite = open_database(original)
    with sqlite.session() as session:  # SQLite does not enforce VARCHAR(200); PostgreSQL does
        session.execute(update(Transcript).where(Transcript.id == 3).values(key="x" * 300))
    sqlite.close()
    result = run_cli(project, "db", "copy", "--to", pg_url)
    assert result.code == 2
    assert result.err.startswith("copy failed, no rows were written: value too long")
    assert len(result.err.strip().splitlines()) == 1
    pg = open_database(pg_url)
    with pg.session() as session:
        assert session.scalar(select(func.count(Transcript.id))) == 0
    pg.close()


def test_a_failed_copy_to_a_new_sqlite_file_removes_it(project: Path, pg_url: str) -> None:
    target = project / "new.db"
    result = run_cli(project, "--db", pg_url, "db", "copy", "--to", f"sqlite:///{target}")
    assert result.code == 2
    assert "holds no codeer project" in result.err
    assert not target.exists()


def test_copying_a_database_onto_itself_is_refused(original: str, project: Path) -> None:
    result = run_cli(project, "db", "copy", "--to", original)
    assert result.code == 2 and "source and target are the same database" in result.err


def test_the_checksum_sees_any_change(original: str) -> None:
    db = open_database(original)
    before = content_checksum(db)
    with db.session() as session:
        session.execute(update(Coding).where(Coding.id == 2).values(memo="anders"))
    assert content_checksum(db) != before
    db.close()


def test_the_sample_study_survives_the_round_trip(sample_project: Path, pg_url: str) -> None:
    original = f"sqlite:///{sample_project / 'codeer.db'}"
    back = f"sqlite:///{sample_project / 'back.db'}"
    assert run_cli(sample_project, "db", "copy", "--to", pg_url).code == 0
    assert run_cli(sample_project, "--db", pg_url, "db", "copy", "--to", back).code == 0
    assert dump(back) == dump(original)
