"""Database work off the UI thread, in the order it was asked for.

Every job runs in its own ``db.session()`` (one transaction: an action is committed, or nothing is) on one
worker thread, so the UI never waits for the disk or for another process holding the SQLite write lock, and
two quick key presses are committed in the order they were pressed (a thread per job would race).
Jobs take a session and return plain data; live ORM objects never leave the worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy.orm import Session

from codeer.store.database import Database

T = TypeVar("T")


class DbQueue:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="codeer-db")

    def _run(self, job: Callable[[Session], T]) -> T:
        with self.db.session() as session:
            return job(session)

    def submit(self, job: Callable[[Session], T]) -> asyncio.Future[T]:
        """Queue ``job`` now (call from the event loop); await the result when it has committed."""
        return asyncio.get_running_loop().run_in_executor(self._pool, self._run, job)

    def call(self, job: Callable[[Session], T]) -> T:
        """Run ``job`` in turn and wait for it: for reads a screen cannot be shown without.

        Blocking briefly here means keys typed while a screen opens act on its content, not on nothing.
        """
        return self._pool.submit(self._run, job).result()

    def close(self) -> None:
        """Wait for queued jobs to commit, then stop the worker thread."""
        self._pool.shutdown(wait=True)


def describe_error(exc: BaseException) -> str:
    """One line for the user: the database's own message rather than SQLAlchemy's wrapper."""
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).splitlines()[0] or type(exc).__name__
