"""One unit of work, retried when another writer got in the way.

Several coders write at once: on SQLite a writer may find the file locked past the busy timeout; on
PostgreSQL a transaction may lose a serialization check (SQLSTATE 40001), be chosen as a deadlock victim
(40P01), lose a race to insert the same unique row (23505: two windows applying the same coding), or
change a row that another window just removed (StaleDataError). Each of these leaves nothing behind (the
transaction was rolled back), so running the whole unit again is safe, and the second run sees what the
other writer did. A PostgreSQL server that restarts or drops the connection mid-command is waited for
(up to :data:`RECONNECT_SECONDS`) and the unit run again on a new connection: coding actions are keyed
(applying twice changes nothing), so a unit whose commit did reach the server is not done twice. Anything
else is a real error and is raised at once.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import DBAPIError

from codeer.errors import CodeerError
from codeer.store.database import Database, driver_message

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

T = TypeVar("T")

ATTEMPTS = 8
FIRST_DELAY = 0.02  # seconds; doubled each attempt, with jitter so that the losers do not collide again
CONFLICT_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock victim
UNIQUE_VIOLATION = "23505"
SQLITE_BUSY = ("database is locked", "database is busy")
# The server went away: shut down or restarted (57P01-57P03), or the connection broke (class 08).
DISCONNECT_SQLSTATES = {"57P01", "57P02", "57P03", "08000", "08001", "08003", "08006"}
DISCONNECT_WORDS = ("server closed the connection", "connection refused", "terminating connection")
RECONNECT_SECONDS = 30.0
RECONNECT_DELAY = 0.5


def conflict_kind(exc: BaseException) -> str | None:
    """``"conflict"`` or ``"race"`` for errors a concurrent writer caused, ``"disconnect"`` for a server
    that went away, else None (a real error).

    A lost race to insert the same unique row (``"race"``) is settled by one more attempt, which sees the
    winner's row; a unique violation that happens again is a real error.
    """
    if _stale(exc):  # the row changed or went away under us (two windows, one coding)
        return "conflict"
    if not isinstance(exc, DBAPIError):
        return None
    sqlstate = getattr(exc.orig, "sqlstate", None)
    message = str(exc.orig).lower()
    if exc.connection_invalidated or sqlstate in DISCONNECT_SQLSTATES:
        return "disconnect"
    if sqlstate is None and any(words in message for words in DISCONNECT_WORDS):
        return "disconnect"
    if sqlstate in CONFLICT_SQLSTATES:
        return "conflict"
    if sqlstate == UNIQUE_VIOLATION:
        return "race"
    if sqlstate is None and any(text in message for text in SQLITE_BUSY):
        return "conflict"
    return None


def _stale(exc: BaseException) -> bool:
    """The ORM's "row changed or went away" error; never raised where the ORM is not loaded."""
    orm_errors = sys.modules.get("sqlalchemy.orm.exc")
    return orm_errors is not None and isinstance(exc, orm_errors.StaleDataError)


def run_in_transaction(
    db: Database,
    fn: Callable[[Session], T],
    *,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``fn(session)`` in its own transaction and commit; on a transient conflict, run it again.

    ``fn`` must do all its work through the session it is given (it may run more than once). After the
    last attempt the conflict becomes a :class:`CodeerError`: one line for the user, not a traceback.
    """
    return _retried(db, db.session, fn, attempts, sleep)


def run_in_connection(
    db: Database,
    fn: Callable[[Connection], T],
    *,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """:func:`run_in_transaction` on a plain connection, for work done without the ORM (``codeer code``)."""
    return _retried(db, db.transaction, fn, attempts, sleep)


def _retried(
    db: Database,
    begin: Callable[[], AbstractContextManager[Any]],
    fn: Callable[[Any], T],
    attempts: int,
    sleep: Callable[[float], None],
) -> T:
    attempt, races = 1, 0
    reconnect_until = None
    while True:
        try:
            with begin() as transaction:
                return fn(transaction)
        except Exception as exc:
            kind = conflict_kind(exc)
            if kind is None or (kind == "race" and races):
                raise
            if kind == "disconnect":
                reconnect_until = reconnect_until or time.monotonic() + RECONNECT_SECONDS
                if time.monotonic() > reconnect_until:
                    raise
                db.engine.dispose()  # every pooled connection went with the server
                sleep(RECONNECT_DELAY)
                continue
            if attempt >= attempts:
                cause = driver_message(exc)
                raise CodeerError(
                    f"the database stayed busy through {attempts} attempts ({cause}); try again"
                ) from exc
            races += kind == "race"
            sleep(FIRST_DELAY * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
            attempt += 1
