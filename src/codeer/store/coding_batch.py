"""Many coding actions at once, written as sets: a codings import of a million rows in seconds.

:mod:`codeer.store.coding` applies one coding at a time (a few statements each); for an import that is a
round trip per row, most of an hour for a million. Here the same actions are decided in memory against the
codings already stored (read in one query) and written with one statement per table: the new codings, the
changed memos, and the history events (:mod:`codeer.store.bulk`: one ``executemany`` on SQLite, ``COPY``
on PostgreSQL).

The outcome is what the one-at-a-time functions give for the same items in the same order, history
included: an item whose coding is not there yet applies it (an ``apply`` event carrying its memo); one
whose coding is there and brings a different, non-empty memo changes the memo (an ``update`` event with
the previous memo and span); anything else changes nothing. Events follow the items' order and carry the
same fields; only their time stamps are one time for the whole batch. Checking the items (do the passages,
codes and spans exist) is the caller's work, done before on whole sets.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, select, text, update
from sqlalchemy.orm import Session

from codeer.model import Code, Coding, CodingEvent, utcnow
from codeer.store.bulk import driver_value, insert_rows
from codeer.store.team import note_for_history, server_writes_history

# passage id, code id, coder id, start, end, memo, transcript key, passage number
Item = tuple[int, int, int, int | None, int | None, str, str, int]

CODING_COLUMNS = (
    "id", "passage_id", "code_id", "coder_id", "start", "end", "memo", "created_at", "updated_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "at", "action", "coding_id", "passage_id", "code_id", "coder_id", "transcript_key", "passage_number",
    "code_key", "start", "end", "memo", "previous", "note",
)  # fmt: skip
ID_CHUNK = 50_000


@dataclass
class BatchReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def new_ids(connection: Connection, wanted: int) -> Iterator[int]:
    """Ids for new codings. SQLite: after the largest (the caller's transaction holds the write lock);
    PostgreSQL: drawn from the table's sequence, a chunk at a time, so other writers never collide."""
    if connection.dialect.name != "postgresql":
        start = connection.execute(text("SELECT coalesce(max(id), 0) FROM codings")).scalar_one() + 1
        yield from range(start, start + wanted)
        return
    draw = text("SELECT nextval(pg_get_serial_sequence('codings', 'id')) FROM generate_series(1, :n)")
    while wanted > 0:
        chunk = min(wanted, ID_CHUNK)
        yield from connection.execute(draw, {"n": chunk}).scalars()
        wanted -= chunk


def ids_between_removals(connection: Connection, steps: Sequence[int | None]) -> list[int]:
    """The ids that codings inserted one at a time would get, for ``steps`` in order: an id is a coding
    deleted at that point, None a coding inserted (:func:`new_ids` when nothing is deleted).

    SQLite gives a new row the largest id in the table plus one, so deleting the largest coding before an
    insert lowers the next id; PostgreSQL draws from the sequence whatever was deleted.
    """
    inserts = sum(step is None for step in steps)
    if connection.dialect.name == "postgresql":
        return list(new_ids(connection, inserts))
    removals = len(steps) - inserts
    top = connection.execute(
        text("SELECT id FROM codings ORDER BY id DESC LIMIT :n"), {"n": removals + 1}
    ).scalars().all()
    largest = top[0] if top else 0
    gone: set[int] = set()
    found: list[int] = []
    for step in steps:
        if step is None:
            largest += 1
            found.append(largest)
        else:  # a stored coding (never one inserted here), so the largest left is among the top ones
            gone.add(step)
            if step == largest:
                largest = next((i for i in top if i not in gone), 0)
    return found


def _fresh(connection: Connection, items: Sequence[Item], existing: Collection[tuple]) -> int:
    """How many ids to draw: SQLite's are counted up as taken, so any number will do; PostgreSQL's come
    from the sequence, where one drawn and not used would leave a gap that one action at a time leaves not."""
    if connection.dialect.name != "postgresql":
        return len(items)
    new = {item[:5] for item in items} - set(existing)
    return len(new)


def apply_batch(
    session: Session,
    items: Sequence[Item],
    *,
    note: str,
    action: str = "apply",
    update_memos: bool = True,
    created: Sequence[datetime | None] | None = None,
) -> BatchReport:
    """Apply ``items`` in order as :func:`codeer.store.coding.apply_coding` would, one statement per table.

    ``update_memos``: an item whose coding exists and brings another non-empty memo replaces the memo (as a
    codings import does); without it such an item changes nothing. ``created``: for each item, when another
    program says its coding was made (None: now), kept as a new coding's ``created_at``.
    """
    report = BatchReport()
    if not items:
        return report
    connection = session.connection()
    code_keys = dict(session.execute(select(Code.id, Code.key)).all())
    coders = {item[2] for item in items}
    stored = select(Coding.passage_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end, Coding.id)
    existing: dict[tuple[int, int, int, int | None, int | None], int] = {
        (p, c, k, s, e): i for p, c, k, s, e, i in session.execute(stored.where(Coding.coder_id.in_(coders)))
    }
    with_memo = select(Coding.id, Coding.memo).where(Coding.coder_id.in_(coders), Coding.memo != "")
    memos: dict[int, str] = {coding_id: memo for coding_id, memo in session.execute(with_memo)}
    now = utcnow()
    at = driver_value(connection, CodingEvent.__table__.c.at, now)
    created_column = Coding.__table__.c.created_at
    stamp = driver_value(connection, created_column, now)
    previous_column = CodingEvent.__table__.c.previous
    no_previous = driver_value(connection, previous_column, None)
    ids = new_ids(connection, _fresh(connection, items, existing))
    codings: list[tuple] = []
    events: list[tuple] = []
    changed: dict[int, str] = {}
    made = created or ()
    for index, (passage_id, code_id, coder_id, start, end, memo, transcript_key, number) in enumerate(items):
        key = (passage_id, code_id, coder_id, start, end)
        coding_id = existing.get(key)
        if coding_id is None:
            coding_id = existing[key] = next(ids)
            if memo:
                memos[coding_id] = memo
            when = made[index] if index < len(made) else None
            first = stamp if when is None else driver_value(connection, created_column, when)
            codings.append((coding_id, passage_id, code_id, coder_id, start, end, memo, first, stamp))
            events.append(
                (at, action, coding_id, passage_id, code_id, coder_id, transcript_key, number,
                 code_keys[code_id], start, end, memo, no_previous, note)
            )  # fmt: skip
            report.added += 1
        elif update_memos and memo and memos.get(coding_id, "") != memo:
            previous = {"memo": memos.get(coding_id, ""), "start": start, "end": end}
            memos[coding_id] = changed[coding_id] = memo
            was = driver_value(connection, previous_column, previous)
            events.append(
                (at, "update", coding_id, passage_id, code_id, coder_id, transcript_key, number,
                 code_keys[code_id], start, end, memo, was, note)
            )  # fmt: skip
            report.updated += 1
        else:
            report.unchanged += 1
    server = server_writes_history(session)  # a team database: its trigger writes the events (one writer)
    note_for_history(session, note, action)
    insert_rows(connection, Coding.__table__, CODING_COLUMNS, codings)
    if changed:
        connection.execute(
            update(Coding.__table__)
            .where(Coding.__table__.c.id == bindparam("coding_id"))
            .values(memo=bindparam("new_memo"), updated_at=bindparam("stamp")),
            [{"coding_id": i, "new_memo": m, "stamp": now} for i, m in changed.items()],
        )
    if not server:
        insert_rows(connection, CodingEvent.__table__, EVENT_COLUMNS, events)
    return report
