"""Many rows into one table through the database driver: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

SQLAlchemy's executemany runs every parameter of every row through Python (parameter dictionaries, type
processors): for the tens of thousands of passages of a large import, or a million codings, that costs more
than the database's own work. Here the statement is written once for the connection's dialect and the rows
go to the driver as plain tuples, so the values must already be what the driver stores (JSON columns as
JSON text; times as :func:`driver_value` makes them). On PostgreSQL the rows go by ``COPY ... FROM STDIN``
(psycopg), the server's fastest way in, inside the caller's transaction like any other statement; except
into a table whose row-level security holds for this login (a coder writing codings in a team database,
:mod:`codeer.store.team`), which PostgreSQL refuses to ``COPY`` into: there one executemany of INSERTs, each
row checked by the policies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import JSON, Column, Connection, Table


def _placeholder(paramstyle: str) -> str:
    """The driver's positional marker (PEP 249 paramstyle)."""
    if paramstyle == "qmark":
        return "?"
    if paramstyle in ("format", "pyformat"):  # pyformat drivers (psycopg) take %s as well
        return "%s"
    raise ValueError(f"unsupported DBAPI paramstyle {paramstyle!r} (codeer knows qmark, format, pyformat)")


def driver_value(connection: Connection, column: Column[Any], value: Any) -> Any:
    """``value`` as the driver stores it in ``column`` (a time as SQLite's text), for :func:`insert_rows`.

    Meant for values shared by many rows (one time stamp for a whole import): run once, used a million
    times. psycopg adapts Python values itself, so on PostgreSQL the value passes as it is, except JSON,
    which goes as its text.
    """
    dialect = connection.dialect
    if dialect.name == "postgresql" and not isinstance(column.type, JSON):
        return value
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor else value


def _row_security(connection: Connection, target: str) -> bool:
    """Whether row-level security applies to this login's writes into ``target`` (PostgreSQL)."""
    return bool(connection.exec_driver_sql("SELECT row_security_active(%s)", (target,)).scalar())


def insert_rows(
    connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """INSERT ``rows`` (tuples in the order of ``columns``) into ``table``: one executemany, or one COPY."""
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    target = dialect.identifier_preparer.format_table(table)
    if dialect.name == "postgresql" and not _row_security(connection, target):
        raw = connection.connection.driver_connection
        assert raw is not None  # an open connection has its driver's
        with raw.cursor() as cursor, cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return
    placeholders = ", ".join([_placeholder(dialect.paramstyle)] * len(columns))
    connection.exec_driver_sql(f"INSERT INTO {target} ({names}) VALUES ({placeholders})", rows)
