"""Moving a whole project between databases (SQLite to PostgreSQL when a study becomes a team's, and back).

The copy is all or nothing and keeps every id, so history, memos and anything that refers to a row by id stay
valid. The source is read as one consistent snapshot; the target must be empty and gets the same schema
through the same migrations. Before the target commits, its row counts and content checksum
(:mod:`codeer.store.dump`) must equal the source's; after the commit they are checked once more from a new
connection, so "verified" means what is stored, not what was sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import BindParameter, Connection, Integer, Table, bindparam, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.dml import Insert
from sqlalchemy.types import JSON

from codeer.errors import CodeerError
from codeer.model import Base
from codeer.store.database import (
    Database,
    driver_message,
    head_revision,
    open_database,
    parse_url,
    redacted,
    schema_revision,
    scrubbed,
)
from codeer.store.dump import checksum, json_columns, read_rows, snapshot, table_counts
from codeer.store.team import history_paused

Progress = Callable[[int, int, str], None]
BATCH = 1000


@dataclass
class CopyReport:
    source: str  # redacted URLs: safe to print
    target: str
    counts: dict[str, int]
    checksum: str


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    while batch := list(islice(rows, BATCH)):
        yield batch


def _self_references(table: Table) -> list[str]:
    """Columns pointing into their own table (a code's parent), filled in after every row exists."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _insert_statement(table: Table) -> Insert:
    # SQL NULL and JSON null must both survive: None binds as SQL NULL, JSON.NULL as JSON null.
    exact = {name: bindparam(name, type_=JSON(none_as_null=True)) for name in json_columns(table)}
    return table.insert().values(exact) if exact else table.insert()


def _copy_table(
    src: Connection, dst: Connection, table: Table, done: int, total: int, progress: Progress
) -> int:
    later = _self_references(table)
    (key,) = table.primary_key.columns
    statement = _insert_statement(table)
    links: list[dict[str, Any]] = []
    for batch in _batches(read_rows(src, table)):
        for row in batch:
            if any(row[name] is not None for name in later):
                links.append({"row_key": row[key.name], **{f"new_{name}": row[name] for name in later}})
            row.update(dict.fromkeys(later))
        dst.execute(statement, batch)
        done += len(batch)
        progress(done, total, table.name)
    if links:
        values: dict[str, BindParameter[Any]] = {name: bindparam(f"new_{name}") for name in later}
        dst.execute(update(table).where(key == bindparam("row_key")).values(values), links)
    return done


def _reset_sequences(dst: Connection) -> None:
    """On PostgreSQL, ids were given explicitly: move each id sequence past the largest, so inserts work."""
    if dst.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer):
            continue
        name, column = table.name, key[0].name
        dst.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', '{column}'), "
                f'COALESCE(MAX("{column}"), 0) + 1, false) FROM "{name}"'
            )
        )


def _compare(src: Connection, dst: Connection) -> tuple[dict[str, int], str]:
    counts, wanted = table_counts(src), checksum(src)
    copied = table_counts(dst)
    if copied != counts:
        diffs = ", ".join(f"{t} {counts[t]}→{copied.get(t)}" for t in counts if counts[t] != copied.get(t))
        raise CodeerError(f"copy not verified: row counts differ ({diffs}); no rows were written")
    if checksum(dst) != wanted:
        raise CodeerError("copy not verified: the content checksum differs; no rows were written")
    return counts, wanted


def _check_source(source: Database) -> None:
    current, head = schema_revision(source.engine), head_revision()
    if current is None:
        raise CodeerError(f"{redacted(source.url)} holds no codeer project")
    if current != head:
        raise CodeerError(
            f"{redacted(source.url)} has schema {current}, this codeer writes {head}: "
            "run `codeer db upgrade` on it first"
        )


def _check_empty(target: Database) -> None:
    with target.engine.connect() as conn:
        filled = {t: n for t, n in table_counts(conn).items() if n}
    if filled:
        what = ", ".join(f"{n} {t}" for t, n in sorted(filled.items()))
        raise CodeerError(f"{redacted(target.url)} is not empty ({what}); copy into a new, empty database")


def missing_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL whose file does not exist yet (opening it would create it), else None."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path


def _remove_sqlite_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_project(source_url: str, target_url: str, progress: Progress | None = None) -> CopyReport:
    """Copy everything from ``source_url`` into the empty database ``target_url``, then verify it."""
    report = progress or (lambda done, total, label: None)
    if redacted(source_url) == redacted(target_url):
        raise CodeerError("source and target are the same database")
    new_file = missing_sqlite_file(target_url)  # removed again if the copy fails
    source = open_database(source_url, upgrade=False)
    target: Database | None = None
    try:
        _check_source(source)
        target = open_database(target_url)
        _check_empty(target)
        with snapshot(source.engine) as src, target.engine.begin() as dst, history_paused(dst):
            total, done = sum(table_counts(src).values()), 0
            for table in Base.metadata.sorted_tables:
                done = _copy_table(src, dst, table, done, total, report)
            _reset_sequences(dst)
            counts, digest = _compare(src, dst)
        with snapshot(target.engine) as check:
            if checksum(check) != digest:
                raise CodeerError("copy not verified: the stored copy's checksum differs from the source")
    except BaseException as exc:
        if target is not None:
            target.close()
        if new_file is not None:
            _remove_sqlite_file(new_file)
        if isinstance(exc, DBAPIError):
            message = scrubbed(scrubbed(driver_message(exc), source_url), target_url)
            raise CodeerError(f"copy failed, no rows were written: {message}") from exc
        raise
    finally:
        source.close()
        if target is not None:
            target.close()
    return CopyReport(redacted(source_url), redacted(target_url), counts, digest)
