"""Many rows into one table through the database driver's own ``executemany``.

SQLAlchemy's executemany runs every parameter of every row through Python (parameter dictionaries, type
processors): for the tens of thousands of passages of a large import that costs more than the database's
own work. Here the statement is written once for the connection's dialect and the rows go to the driver
as plain tuples, so the values must already be what the driver stores (JSON columns as JSON text, times
as the column's type). Only an import of new rows uses this; everything else goes through the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table


def _placeholder(paramstyle: str) -> str:
    """The driver's positional marker (PEP 249 paramstyle)."""
    if paramstyle == "qmark":
        return "?"
    if paramstyle in ("format", "pyformat"):  # pyformat drivers (psycopg) take %s as well
        return "%s"
    raise ValueError(f"unsupported DBAPI paramstyle {paramstyle!r} (codeer knows qmark, format, pyformat)")


def insert_rows(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """INSERT ``rows`` (tuples in the order of ``columns``) into ``table`` in one driver executemany."""
    if not rows:
        return
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
        f"({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join([_placeholder(dialect.paramstyle)] * len(columns))})"
    )
    connection.exec_driver_sql(sql, list(rows))
