"""Opening a project database from a URL, and keeping its schema current.

SQLite is the default (a file ``codeer.db`` in the project folder), PostgreSQL serves teams; nothing here
assumes one of them beyond the connection set-up below. Opening a database always brings its schema to the
newest Alembic revision, so a project made by an older codeer simply upgrades. Checking costs one query
(the stored revision against the newest, read from the migration files' headers); Alembic itself is loaded
only when there is something to migrate, so a command on a current project starts without it, and a new
SQLite project gets the newest schema from the model directly.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from codeer.errors import CodeerError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent.parent / "model" / "migrations"
BUSY_TIMEOUT_MS = 30_000
BAD_URL = "not a usable database URL (e.g. sqlite:///codeer.db or postgresql+psycopg://user@host/study)"
MIGRATION_LOCK = 0x636F64656572  # PostgreSQL advisory lock key for migrations ("codeer")


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


@cache
def head_revision() -> str:
    """The newest revision: the one no migration revises, read from the migration files' own headers
    (``revision = "0002"``, ``down_revision = "0001"``); Alembic decides only if that is not one revision."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for name, value in REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            (revisions if name == "revision" else revised).update(re.findall(r"[\"']([^\"']+)[\"']", value))
    heads = revisions - revised
    if len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head() or ""


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers and one writer work at once (several codeer processes on one file); foreign keys
    # are off by default in SQLite; the busy timeout makes a writer wait instead of failing "locked".
    # The driver's implicit transactions are turned off so that BEGIN IMMEDIATE below takes the write
    # lock up front: a deferred transaction that upgrades to a writer can fail with "locked" at once.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


READ_ONLY = "codeer_read_only"


WAIT_NOTICE_AFTER = 1.0  # seconds of waiting for the write lock before the user is told
_wait_notices: list[Callable[[str], None]] = []


def notify_waits(callback: Callable[[str], None]) -> None:
    """Have ``callback`` (in place of any earlier one) told once when a write waits for another's lock.

    The CLI prints it, so a user whose command pauses knows why, rather than meeting "locked" after the
    whole wait; layers below the CLI never print.
    """
    _wait_notices[:] = [callback]


def _on_sqlite_begin(connection: Any) -> None:
    """Take the write lock, waiting for other writers in short, jittered steps.

    SQLite's own busy handler backs off to sleeps of 100 ms; with several coders' processes taking turns
    every few milliseconds, those sleeps cost most of the time (4 writers: 40 codings/s instead of
    hundreds). So the lock is asked for without waiting, and asked again after a millisecond or two,
    until the busy timeout has passed; then "database is locked" goes up (as SQLAlchemy's error, like any
    other) to the caller's retry. A wait longer than a second is announced to :func:`notify_waits`.
    """
    raw = connection.connection.driver_connection
    if connection.get_execution_options().get(READ_ONLY):
        raw.execute("BEGIN")  # a reader: under WAL it sees one snapshot and never blocks a writer
        return
    started = time.monotonic()
    deadline = started + BUSY_TIMEOUT_MS / 1000
    told = False
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() > deadline:
                    raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc
            if not told and time.monotonic() - started > WAIT_NOTICE_AFTER:
                told = True
                seconds = BUSY_TIMEOUT_MS // 1000
                for notice in _wait_notices:
                    notice(f"another codeer process is writing; waiting for it (up to {seconds} s)")
            time.sleep(random.uniform(0.0005, 0.002))
    finally:
        raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _create_private_file(path: Path) -> None:
    """Transcripts are personal data: a new project file is readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # another codeer process created it a moment ago
        return
    os.close(fd)


def create_db_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database)
            if not path.exists():
                _create_private_file(path)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def schema_revision(engine: Engine) -> str | None:
    """The stored schema revision, in one query; None for a database codeer has not set up."""
    with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
            return None  # no table yet: a new database


def upgrade_schema(engine: Engine, before_upgrade: Callable[[str | None], None] | None = None) -> bool:
    """Bring the schema to the newest revision; return True if anything was migrated.

    ``before_upgrade`` (given the current revision) runs only when a migration is due, e.g. a backup.
    Several codeer processes may open a new project at once: the migration runs under a lock (SQLite's
    write lock, a PostgreSQL advisory lock) and looks at the revision again once it holds it, so only the
    first one migrates.
    """
    head = head_revision()
    stored = schema_revision(engine)
    if stored == head:
        return False
    if stored is None and engine.dialect.name == "sqlite" and _create_new_schema(engine, head):
        return True
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    cfg = _alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return False
        if before_upgrade is not None:
            before_upgrade(current)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True


VERSION_TABLE = (  # Alembic's own table, as Alembic creates it
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
)


def _create_new_schema(engine: Engine, head: str) -> bool:
    """A new SQLite project (not a single table yet) gets the newest schema straight from the model and is
    stamped with the newest revision: what the migrations build, without loading Alembic to replay them
    (``tests/test_schema.py`` checks the two schemas are the same). False if the file holds tables after
    all (another process made them a moment ago, or it is not codeer's): the migrations then decide."""
    from codeer.model import Base

    with engine.begin() as conn:  # BEGIN IMMEDIATE: a second process waits, then finds the tables
        if conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'table'").scalar():
            return False
        Base.metadata.create_all(conn)
        conn.exec_driver_sql(VERSION_TABLE)
        conn.exec_driver_sql("INSERT INTO alembic_version (version_num) VALUES (?)", (head,))
    return True


@dataclass
class Database:
    """An open project database: the engine and a session factory.

    ``session()`` is the unit of work: everything inside commits together or not at all. SQLAlchemy's ORM
    is loaded on the first session: a command that reads through the tables alone
    (:meth:`read_connection`) starts without it.
    """

    url: str
    engine: Engine

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def sqlite_path(self) -> Path | None:
        parsed = make_url(self.url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            return Path(parsed.database)
        return None

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """:meth:`session` without the ORM: a connection in a transaction that commits at the end."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A transaction for reading: on SQLite it never takes the write lock, so an export of a big
        project (a minute of reading) does not keep coders who save a coding waiting."""
        from sqlalchemy.orm import Session

        engine = self.engine.execution_options(**{READ_ONLY: True})
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """:meth:`read_session` without the ORM: a connection in a reading transaction."""
        with self.engine.connect().execution_options(**{READ_ONLY: True}) as conn, conn.begin():
            yield conn

    def close(self) -> None:
        self.engine.dispose()


def connection_of(target: Session | Connection) -> Connection:
    """The connection to run Core statements on: ``target`` itself, or the connection of a session's
    transaction (a session's pending changes are not flushed for them)."""
    return target if isinstance(target, Connection) else target.connection()


def parse_url(url: str) -> URL:
    """The parsed URL; one that does not parse is an error that never quotes it (password and all)."""
    try:
        return make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise CodeerError(BAD_URL) from exc


# Query parameters that hold a secret or point at one (libpq's password, passfile, sslpassword, sslkey, and
# any driver's token or secret): refused in codeer.yaml, shown as *** everywhere.
SECRET_WORDS = ("pass", "pwd", "secret", "token", "key", "credential")
MASK = "***"


def is_secret_parameter(name: str) -> bool:
    return any(word in name.lower() for word in SECRET_WORDS)


def url_secrets(url: str) -> list[str]:
    """Every secret a URL carries: the password and the values of secret query parameters."""
    parsed = parse_url(url)
    found = [parsed.password] if parsed.password else []
    for name, value in parsed.query.items():
        if is_secret_parameter(name):
            found += [value] if isinstance(value, str) else list(value)
    return [str(secret) for secret in found if secret]


def redacted(url: str) -> str:
    """The URL as it may be shown or logged: never with a password or another secret."""
    parsed = parse_url(url)
    query = {
        name: (MASK if is_secret_parameter(name) else value) for name, value in parsed.query.items()
    }
    return parsed.set(query=query).render_as_string(hide_password=True).replace("%2A%2A%2A", MASK)


def scrubbed(message: str, url: str) -> str:
    """``message`` with every secret of ``url`` masked (a driver may quote its connection string)."""
    try:
        secrets = url_secrets(url)
    except CodeerError:
        return message
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, MASK)
    return message


def driver_message(exc: BaseException) -> str:
    """The driver's own words, first line only: later lines may quote SQL and data (``LINE 2: ...``)."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


LOCKED = ("database is locked", "database is busy")
# Tables a coder of a team database reads but only the owner writes (store/team.py's grants).
OWNER_TABLES = {"codebooks", "codes", "codebook_events", "transcripts", "passages", "settings"}
OWNER_WRITES = re.compile(r"permission denied for table (\w+)")
DAMAGED = ("malformed", "file is not a database", "disk i/o error", "database corrupt")


def _hint(exc: BaseException, message: str, url: str) -> str:
    """What the user can do about a database error, for the errors that have a known remedy."""
    lowered = message.lower()
    sqlite = parse_url(url).get_backend_name() == "sqlite"
    if getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501":
        table = OWNER_WRITES.search(message)
        if table and table.group(1) in OWNER_TABLES:
            return (
                "in a team database only the owner changes codebooks, transcripts and settings (a code made, "
                "merged or split too); nothing was changed"
            )
        return "the database owner runs `codeer db upgrade` and `codeer db team-setup` (see README)"
    if sqlite and any(word in lowered for word in DAMAGED):
        return "the file is damaged; `codeer restore --list` shows the backups to go back to"
    if sqlite and "unable to open database file" in lowered:
        return (
            "check that the folder and codeer.db are yours and writable; a SQLite project belongs to one "
            "Unix user (a team shares a PostgreSQL database, see README \"Working as a team\")"
        )
    if sqlite and "readonly" in lowered:
        return "codeer.db (or its folder) is read-only for you; nothing was changed"
    if getattr(exc, "connection_invalidated", False) or "server closed the connection" in lowered:
        return "the connection to the server was lost; nothing unsaved was kept, try again"
    return ""


def database_error(exc: BaseException, url: str, *, opening: bool = False) -> CodeerError:
    """One line for any database error: what happened, on which database (never a secret), what to do.

    A lock that outlasted the wait is said as such: another codeer process kept the database busy.
    """
    message = scrubbed(driver_message(exc), url)
    where = redacted(url)
    if any(word in message.lower() for word in LOCKED):
        seconds = BUSY_TIMEOUT_MS // 1000
        return CodeerError(
            f"{where}: waited {seconds} s for another codeer process to finish writing; it is still "
            "busy, nothing was changed. Try again in a moment"
        )
    what = "cannot open database" if opening else "database error on"
    hint = _hint(exc, message, url)
    return CodeerError(f"{what} {where}: {message}" + (f" ({hint})" if hint else ""))


def open_database(
    url: str, *, upgrade: bool = True, before_upgrade: Callable[[str | None], None] | None = None
) -> Database:
    parse_url(url)
    try:
        engine = create_db_engine(url)
    except (ArgumentError, ImportError) as exc:  # an unknown backend or a driver that is not installed
        raise CodeerError(BAD_URL) from exc
    try:
        if upgrade:
            upgrade_schema(engine, before_upgrade)
        else:
            with engine.connect():
                pass
    except DBAPIError as exc:
        engine.dispose()
        raise database_error(exc, url, opening=True) from exc
    return Database(url=url, engine=engine)
