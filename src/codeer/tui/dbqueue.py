"""Database work in the order it was asked for, on one worker thread, without freezing the UI.

Every job runs in its own ``db.session()`` (one transaction: an action is committed, or nothing is) on one
worker thread, so two quick key presses are committed in the order they were pressed (a thread per job would
race). Jobs take a session and return plain data; live ORM objects never leave the worker thread.

A coding action is a small transaction (a few milliseconds on SQLite), so the UI waits for it briefly and
shows the result in the same frame: that is what makes a toggle feel instant. Only when the database is slow
(another process holds the SQLite write lock, a far PostgreSQL server) does the wait end early and the result
arrive later as a message; meanwhile the UI keeps working, and results are still shown in order.

Before every job the worker checks that the project's SQLite file is still the one opened (path and inode,
:func:`codeer.store.workbench.check_identity`): a database moved away or replaced under the workbench makes
every later job fail loudly instead of saving into a file that is no longer the project's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, TimeoutError
from typing import TypeVar

from sqlalchemy.orm import Session

from codeer.store.database import Database
from codeer.store.workbench import check_identity, file_identity

T = TypeVar("T")
QUICK_WAIT = 0.25  # seconds the UI waits for a commit before letting it finish in the background


class DbQueue:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.identity = file_identity(db)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="codeer-db")
        self._waiting: set[asyncio.Future] = set()

    def _run(self, job: Callable[[Session], T]) -> T:
        check_identity(self.identity)
        with self.db.session() as session:
            return job(session)

    def start(
        self,
        job: Callable[[Session], T],
        done: Callable[[T], object],
        failed: Callable[[BaseException], object],
        deliver: Callable[..., object],
        *,
        wait: float | None = None,
    ) -> None:
        """Queue ``job``; once it has committed call ``done(result)``, or ``failed(error)`` if it did not.

        If nothing is queued before it and it commits within ``wait`` seconds (default :data:`QUICK_WAIT`),
        the callback runs right here;
        otherwise it reaches the UI later through ``deliver(callback, value)`` (``App.call_next``).
        """
        concurrent: Future[T] = self._pool.submit(self._run, job)
        wait = QUICK_WAIT if wait is None else wait
        if wait and not self._waiting:
            try:
                result = concurrent.result(timeout=wait)
            except TimeoutError:
                pass
            except Exception as exc:  # noqa: BLE001 - the caller decides how to report a failed job
                failed(exc)
                return
            else:
                done(result)
                return
        future = asyncio.wrap_future(concurrent)
        self._waiting.add(future)

        def finished(future: asyncio.Future[T]) -> None:
            self._waiting.discard(future)
            error = future.exception()
            if error is not None:
                deliver(failed, error)
            else:
                deliver(done, future.result())

        future.add_done_callback(finished)

    async def idle(self) -> None:
        """Wait until every queued job has committed (tests and benchmarks wait on this)."""
        while self._waiting:
            await asyncio.wait(list(self._waiting))

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
