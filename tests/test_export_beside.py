"""``export all`` with the segments written by a second process (:mod:`codeer.export.beside`): the same bytes
as in one process, every file from one snapshot even while a coder saves, and a failing child fails the
command with one line and leaves no half-written file."""

from __future__ import annotations

import csv
import os
import threading
import time
from pathlib import Path

import pytest
from conftest import run_cli
from sqlalchemy import delete, func, select

from codeer.errors import CodeerError
from codeer.export import beside
from codeer.export.beside import export_project
from codeer.model import Coding
from codeer.processes import forking_helps
from codeer.store.database import Database, open_database

pytest_plugins = ["analysis_project"]  # the `hand_project` fixture

pytestmark = pytest.mark.skipif(not forking_helps(), reason="the second process needs Linux and two cores")


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record each fork's child (so a test knows the second process did the work)."""
    children: list[int] = []
    fork = os.fork

    def recorded() -> int:
        pid = fork()
        if pid:
            children.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recorded)
    return children


@pytest.mark.parametrize("excel", [False, True])
def test_the_second_process_writes_the_bytes_one_process_writes(
    hand_project: Path, monkeypatch: pytest.MonkeyPatch, excel: bool
) -> None:
    db = open_database(f"sqlite:///{hand_project / 'codeer.db'}")
    children = _forks(monkeypatch)
    try:
        one = export_project(db, hand_project / "one", excel=excel, beside=False)
        assert not children
        seen: list[tuple[int, int, str]] = []
        two = export_project(db, hand_project / "two", excel=excel, progress=lambda *a: seen.append(a))
        assert len(children) == 1
        assert seen[0] == (0, 8, "frequencies") and seen[-2:] == [
            (7, 8, "segments (second process)"),
            (8, 8, "done"),
        ]
    finally:
        db.close()
    assert [(p.name, rows) for p, rows in one.written] == [(p.name, rows) for p, rows in two.written]
    assert _files(hand_project / "one") == _files(hand_project / "two")
    assert "segments.csv" in _files(hand_project / "two")


def _codings_in_codebook(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(int(row["codings"]) for row in csv.DictReader(handle))


def test_a_coder_saving_while_the_export_starts_does_not_split_its_snapshot(
    hand_project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The parent makes its first read after the child's, and a coder deletes a coding in between: the
    coder waits for the write lock, so the parent's tables and the child's segments count the same codings.
    (Without the lock the codebook's counts would miss the coding the segments still have.)"""
    url = f"sqlite:///{hand_project / 'codeer.db'}"
    db = open_database(url)
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(Coding))
        victim = session.scalar(select(func.min(Coding.id)))
    parent, marker = os.getpid(), tmp_path / "child-has-read"
    first_read = beside._first_read
    writers: list[threading.Thread] = []

    def delete_one() -> None:
        with open_database(url).session() as session:
            session.execute(delete(Coding).where(Coding.id == victim))

    def racing(session) -> None:  # noqa: ANN001 - the session, as _first_read takes it
        if os.getpid() != parent:
            first_read(session)
            marker.touch()
            return
        for _ in range(2000):  # the child's snapshot first (its start takes milliseconds)
            if marker.exists():
                break
            time.sleep(0.005)
        writer = threading.Thread(target=delete_one)
        writer.start()
        writers.append(writer)
        writer.join(timeout=1.0)  # long enough for a commit that is not held back
        first_read(session)

    monkeypatch.setattr(beside, "_first_read", racing)
    try:
        report = export_project(db, hand_project / "out")
    finally:
        for writer in writers:
            writer.join()
    rows = dict((path.name, count) for path, count in report.written)
    assert marker.exists() and rows["segments.csv"] == before
    assert _codings_in_codebook(hand_project / "out" / "codebook.csv") == before
    with db.session() as session:  # the coder's change was not lost, only made after the snapshot
        assert session.scalar(select(func.count()).select_from(Coding)) == before - 1
    db.close()


def test_a_failing_second_process_fails_the_command_with_one_line(
    hand_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise CodeerError("no room left on the disk")

    monkeypatch.setattr(beside, "segment_table", broken)
    out = hand_project / "out"
    result = run_cli(hand_project, "export", "all", "--dir", str(out))
    assert result.code != 0
    assert len(result.err.strip().splitlines()) == 1
    assert "segments.csv: no room left on the disk" in result.err
    assert not (out / "segments.csv").exists()
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no half-written file left
    db: Database = open_database(f"sqlite:///{hand_project / 'codeer.db'}")
    with pytest.raises(CodeerError, match="no room left on the disk"):
        export_project(db, hand_project / "again")
    db.close()
