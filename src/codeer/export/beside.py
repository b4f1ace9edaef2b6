"""``export all`` on both cores: the segments file written by a second process while this one writes the
other tables, both reading the same state of the project.

Why: on a million codings the segments file (the quotes) and the other tables each take seconds of one
core's work. A child made with ``fork`` writes the segments (:func:`codeer.export.tables.write_tables` of the
same table, so the same bytes as in one process) into a hidden file of the export folder, renamed into place
when it is complete; the parent writes the others meanwhile.

One snapshot: every table of an export agrees with the others, even while coders keep working. On SQLite
(WAL) a reading transaction sees the project as it was at its first read. So a third connection takes the
write lock (``BEGIN IMMEDIATE``, waiting like any writer) before the child is forked; the child's and the
parent's transactions each make their first read while it is held, when no writer can commit; then it is
released. Both have read the same last commit. The write lock is held for the child's start, some
milliseconds.

Where this would not help or is not safe (not Linux, one core, other threads running, not SQLite, no
segments, a workbook, pseudonyms: the segments are then not the database's text) the export runs in one
process. A child that fails makes the command fail with its one line; its half-written file is removed, and
the tables written before stay, as when one process fails.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from codeer.choices import STANDARD_TABLES
from codeer.errors import CodeerError
from codeer.export.layouts import segment_table
from codeer.export.standard import Progress, StandardExport, check_request, export_all
from codeer.export.tables import write_tables
from codeer.model import Coder
from codeer.processes import forking_helps
from codeer.store.database import Database, create_db_engine
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule

SEGMENTS = "segments"


def export_project(
    db: Database,
    folder: Path,
    *,
    coders: tuple[str, ...] = (),
    rollup: bool = False,
    pseudonymise: bool = False,
    moderators: ModeratorRule = DEFAULT_RULE,
    suffix: str = ".csv",
    excel: bool = False,
    skip: tuple[str, ...] = (),
    progress: Progress | None = None,
    beside: bool = True,
) -> StandardExport:
    """:func:`~codeer.export.standard.export_all` of ``db`` in a reading transaction of its own; with
    ``beside`` (and where it helps) the segments are written by a second process on the same snapshot."""
    run = partial(export_all, folder=folder, coders=coders, rollup=rollup, pseudonymise=pseudonymise,
                  moderators=moderators, suffix=suffix, excel=excel)  # fmt: skip
    database_text = suffix == ".csv" and not pseudonymise and db.dialect == "sqlite"
    split = beside and SEGMENTS not in skip and database_text and forking_helps()
    if not split:
        with db.read_session() as session:
            return run(session, skip=skip, progress=progress)
    check_request(suffix, excel, skip)
    path = folder / f"{SEGMENTS}{suffix}"
    steps = len(STANDARD_TABLES) - len(set(skip))

    def tables(done: int, _total: int, label: str) -> None:  # the segments come last, then "done"
        if progress and label != "done":
            progress(done, steps, label)

    with _writer_paused(db) as resume, _SegmentsChild(db, path, coders, excel) as child:
        with db.read_session() as session:
            _first_read(session)
            child.wait_ready()
            resume()
            report = run(session, skip=(*skip, SEGMENTS), progress=tables)
        tables(steps - 1, steps, f"{SEGMENTS} (second process)")
        rows = child.finish()
    if progress:
        progress(steps, steps, "done")
    written = dict(report.written)
    written[path] = rows
    report.written = sorted(written.items(), key=lambda item: _place(item[0], suffix))
    return report


def _place(path: Path, suffix: str) -> int:
    return STANDARD_TABLES.index(path.name.removesuffix(suffix))


def _first_read(session: Session) -> None:
    """A read of the database, which fixes the snapshot of a reading transaction (SQLite, WAL)."""
    session.execute(select(Coder.id).limit(1)).all()


@contextmanager
def _writer_paused(db: Database) -> Iterator[Callable[[], None]]:
    """Hold the write lock until the callable given to the block is called (or the block ends)."""
    with contextlib.ExitStack() as stack:
        connection = stack.enter_context(db.engine.connect())
        stack.callback(connection.begin().rollback)  # BEGIN IMMEDIATE (store.database): waits for writers
        yield stack.close


class _SegmentsChild:
    """A forked child that writes the segments file: ``wait_ready`` returns once its snapshot is taken,
    ``finish`` once its file is complete and in place (the number of rows), or raises its error."""

    def __init__(self, db: Database, path: Path, coders: tuple[str, ...], excel: bool) -> None:
        self.path = path
        self.partial = path.with_name(f".{path.stem}-{uuid.uuid4().hex[:12]}{path.suffix}")
        path.parent.mkdir(parents=True, exist_ok=True)
        read, write = os.pipe()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.close(read)
                with os.fdopen(write, "w", encoding="utf-8") as out:
                    code = _child(db.url, self.partial, coders, excel, out)
            finally:
                os._exit(code)
        os.close(write)
        self.pid = pid
        self.replies: IO[str] = os.fdopen(read, encoding="utf-8")

    def _reply(self, expected: str) -> str:
        line = self.replies.readline().rstrip("\n")
        word, _, rest = line.partition(" ")
        if word == expected:
            return rest
        self._end(kill=True)
        raise CodeerError(rest if word == "error" else "the process writing the segments stopped", self.path)

    def wait_ready(self) -> None:
        self._reply("ready")

    def finish(self) -> int:
        rows = int(self._reply("done"))
        self._end()
        os.replace(self.partial, self.path)
        return rows

    def _end(self, kill: bool = False) -> None:
        if self.pid:
            if kill:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
            self.replies.close()

    def __enter__(self) -> _SegmentsChild:
        return self

    def __exit__(self, *exc: object) -> None:
        self._end(kill=True)
        self.partial.unlink(missing_ok=True)


def _child(url: str, partial: Path, coders: tuple[str, ...], excel: bool, out: IO[str]) -> int:
    """The child's work on a connection of its own (the parent's are left untouched): report ``ready``
    after the first read, then ``done ROWS`` or ``error MESSAGE`` (one line)."""
    try:
        db = Database(url=url, engine=create_db_engine(url))
        with db.read_session() as session:
            _first_read(session)
            out.write("ready\n")
            out.flush()
            rows = write_tables([segment_table(session, coders, pseudonymise=False)], partial, excel=excel)
        out.write(f"done {rows}\n")
        return 0
    except BaseException as exc:  # the parent reports it; nothing here may reach the parent's handlers
        message = str(exc) if isinstance(exc, CodeerError) else f"{type(exc).__name__}: {exc}"
        out.write("error " + " ".join(message.split()) + "\n")
        return 1
