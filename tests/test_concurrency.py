"""Many coders at once, each in their own process: nothing lost, nothing overwritten, no "database is locked".

The retry helper is tested here too, on real conflicts that the real servers raise.

PostgreSQL takes 8 writing processes, SQLite 4 (one file shared by several codeer processes). Every
coding is its own transaction through the same use case as ``codeer code``; a live view polls the change
feed all the while and must see every coding exactly once.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from coding_worker import TRANSCRIPT, prepare, run_workers
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from codeer.errors import CodeerError
from codeer.model import Coder, Coding, CodingEvent, Transcript
from codeer.store import database
from codeer.store.changes import ChangeFeed, CodingChange
from codeer.store.database import head_revision, open_database
from codeer.store.retry import run_in_transaction

pytest_plugins = ["conftest_backends"]

WORKERS = {"sqlite": 4, "postgresql": 8}
COUNT, PASSAGES, CODES = 500, 50, 10


def test_many_coders_at_once_lose_nothing_and_a_live_view_sees_it_all(db_url: str, backend: str) -> None:
    codes = prepare(db_url, PASSAGES, CODES)
    coders = [f"coder-{n}" for n in range(WORKERS[backend])]
    db = open_database(db_url)
    with db.session() as session:
        feed = ChangeFeed(session.scalar(select(Transcript.id).where(Transcript.key == TRANSCRIPT)), 0)
    seen: list[CodingChange] = []

    def poll() -> None:
        with db.session() as session:
            seen.extend(feed.poll(session))
        time.sleep(0.25)  # a view polls every second or two; a little faster here

    reports = run_workers(db_url, coders, count=COUNT, passages=PASSAGES, codes=codes, during=poll)

    assert [r["outcomes"] for r in reports] == [{"applied": COUNT}] * len(coders)
    total = COUNT * len(coders)
    with db.session() as session:
        per_coder = session.execute(
            select(Coder.name, func.count(Coding.id)).join(Coding).group_by(Coder.name).order_by(Coder.name)
        ).all()
        assert per_coder == [(coder, COUNT) for coder in coders]
        assert (
            session.scalar(select(func.count(CodingEvent.id)).where(CodingEvent.action == "apply")) == total
        )
    deadline = time.monotonic() + 15
    while len(seen) < total and time.monotonic() < deadline:
        poll()
    db.close()
    ids = [change.event_id for change in seen]
    assert len(ids) == len(set(ids)) == total
    assert {(c.coder, c.passage_number, c.code_key) for c in seen} == {
        (coder, i % PASSAGES + 1, codes[i // PASSAGES]) for coder in coders for i in range(COUNT)
    }


def test_one_coder_in_several_windows_applies_each_coding_once(db_url: str, backend: str) -> None:
    codes = prepare(db_url, PASSAGES, CODES)
    count = 100
    reports = run_workers(db_url, ["anouk"] * 4, count=count, passages=PASSAGES, codes=codes)
    assert sum(r["outcomes"].get("applied", 0) for r in reports) == count
    assert sum(sum(r["outcomes"].values()) for r in reports) == 4 * count
    db = open_database(db_url)
    with db.session() as session:
        assert session.scalar(select(func.count(Coding.id))) == count
        assert session.scalar(select(func.count(CodingEvent.id))) == count
    db.close()


OPEN_AND_SAY = (
    "import sys; from codeer.store.database import create_db_engine, upgrade_schema; "
    "print(upgrade_schema(create_db_engine(sys.argv[1])))"
)


def test_several_processes_opening_a_new_project_at_once_migrate_it_once(db_url: str) -> None:
    command = [sys.executable, "-c", OPEN_AND_SAY, db_url]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)
    ]
    results = [(run.wait(), *run.communicate()) for run in runs]
    assert [code for code, _, _ in results] == [0] * 4, [err for _, _, err in results]
    assert sorted(out.strip() for _, out, _ in results) == ["False", "False", "False", "True"]
    db = open_database(db_url, upgrade=False)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one() == head_revision()
    db.close()


def raise_sqlstate(session: Session, sqlstate: str) -> None:
    """Make the real server fail this transaction with ``sqlstate``, as a concurrent writer would."""
    session.execute(text(f"DO $$BEGIN RAISE EXCEPTION 'as if' USING ERRCODE = '{sqlstate}'; END$$"))


@pytest.mark.parametrize(("sqlstate", "retried"), [("40001", True), ("40P01", True), ("42P01", False)])
def test_conflicts_are_retried_and_real_errors_are_not(pg_url: str, sqlstate: str, retried: bool) -> None:
    db = open_database(pg_url)
    calls: list[int] = []

    def work(session: Session) -> int:
        calls.append(1)
        if len(calls) <= 2:
            raise_sqlstate(session, sqlstate)
        return session.scalar(text("SELECT 42"))

    naps: list[float] = []
    if retried:
        assert run_in_transaction(db, work, sleep=naps.append) == 42
        assert len(calls) == 3 and len(naps) == 2 and naps[1] > naps[0] / 2
    else:
        with pytest.raises(DBAPIError):
            run_in_transaction(db, work, sleep=naps.append)
        assert len(calls) == 1
    db.close()


def test_a_lost_race_is_retried_once_and_a_repeated_one_is_an_error(pg_url: str) -> None:
    db = open_database(pg_url)
    calls: list[int] = []

    def work(session: Session) -> None:
        calls.append(1)
        raise_sqlstate(session, "23505")

    with pytest.raises(IntegrityError):
        run_in_transaction(db, work, sleep=lambda _: None)
    assert len(calls) == 2
    db.close()


def test_a_conflict_that_never_ends_becomes_one_clear_line(pg_url: str) -> None:
    db = open_database(pg_url)
    with pytest.raises(
        CodeerError, match=r"^the database stayed busy through 3 attempts \(as if\); try again$"
    ):
        run_in_transaction(
            db, lambda session: raise_sqlstate(session, "40001"), attempts=3, sleep=lambda _: None
        )
    db.close()


def test_a_sqlite_file_locked_past_the_busy_timeout_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "codeer.db"
    db = open_database(f"sqlite:///{path}")
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing, for longer than the busy timeout
    threading.Timer(0.7, holder.rollback).start()
    calls: list[int] = []

    def work(session: Session) -> int:
        calls.append(1)
        return session.scalar(select(func.count(Coder.id)))

    assert run_in_transaction(db, work) == 0
    assert len(calls) >= 2  # the first attempt met the lock
    holder.close()
    db.close()
