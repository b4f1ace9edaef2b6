"""A canonical, backend-independent form of a whole project, and its checksum.

Two databases hold the same project exactly when their dumps are equal, whatever the backend: SQLite and
PostgreSQL hand back the same rows in different Python shapes (naive or aware datetimes), so values are
normalised first. Ids are part of the content: a copy keeps them, so that history rows and links made by id
stay valid. In JSON columns a SQL NULL and a JSON ``null`` are different things (``IS NULL`` finds only the
first), so they are told apart here too. Used to verify ``codeer db copy`` and to prove that a failed command
left a database unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Connection, Engine, Integer, Table, func, select

from codeer.model import Base
from codeer.store.database import Database

SQL_NULL = "__sql_null__"  # label suffix of the "is this JSON column SQL NULL?" flag


def project_tables() -> list[Table]:
    """Every table of the schema, by name (a stable order on every backend)."""
    return sorted(Base.metadata.tables.values(), key=lambda t: t.name)


def utc(value: datetime) -> datetime:
    """An aware UTC datetime; SQLite gives back naive values, which codeer always stores in UTC."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC)


def json_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if isinstance(c.type, JSON)]


def read_rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """Every row as stored, in primary-key order; datetimes in UTC.

    A JSON column's value is ``JSON.NULL`` for a stored JSON ``null`` and None only for SQL NULL.
    """
    columns = list(table.columns)
    flags = [table.c[name].is_(None).label(name + SQL_NULL) for name in json_columns(table)]
    key = list(table.primary_key.columns)
    query = select(*columns, *flags)
    # Integer keys sort alike everywhere; text keys would follow the server's collation, so sort those here.
    by_integer_key = all(isinstance(c.type, Integer) for c in key)
    result = conn.execute(query.order_by(*key) if by_integer_key else query).mappings()
    rows = (_exact(table, dict(row)) for row in result.yield_per(1000))
    yield from rows if by_integer_key else sorted(rows, key=lambda r: [r[c.name] for c in key])


def _exact(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    for name in json_columns(table):
        is_sql_null = row.pop(name + SQL_NULL)
        if row[name] is None and not is_sql_null:
            row[name] = JSON.NULL
    for name, value in row.items():
        if isinstance(value, datetime):
            row[name] = utc(value)
    return row


def _canonical(table: Table, row: dict[str, Any]) -> list[Any]:
    json_names = set(json_columns(table))
    values: list[Any] = []
    for column in table.columns:
        value = row[column.name]
        if column.name in json_names and value is not None:
            value = json.dumps(None if value is JSON.NULL else value, sort_keys=True, ensure_ascii=False)
        elif isinstance(value, datetime):
            value = value.isoformat()
        values.append(value)
    return values


def dump_lines(conn: Connection) -> Iterator[str]:
    """One JSON line per row, table by table (each table headed by its name and columns)."""
    for table in project_tables():
        yield json.dumps({"table": table.name, "columns": [c.name for c in table.columns]})
        for row in read_rows(conn, table):
            yield json.dumps(_canonical(table, row), ensure_ascii=False, separators=(",", ":"))


def table_counts(conn: Connection) -> dict[str, int]:
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in project_tables()}


def checksum(conn: Connection) -> str:
    """SHA-256 over the canonical dump, seen through ``conn`` (call it inside one transaction)."""
    digest = hashlib.sha256()
    for line in dump_lines(conn):
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection in one read transaction that sees a single, consistent state of the database.

    PostgreSQL needs REPEATABLE READ for that (each statement would see newer commits otherwise); a SQLite
    transaction is a snapshot already.
    """
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    try:
        with conn.begin():
            yield conn
    finally:
        conn.close()


def content_checksum(db: Database) -> str:
    """The checksum of everything the project holds, read as one consistent snapshot."""
    with snapshot(db.engine) as conn:
        return checksum(conn)
