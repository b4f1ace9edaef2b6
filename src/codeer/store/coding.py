"""Applying, changing and removing codings, each change recorded in the history (``coding_events``).

Every coding action in codeer goes through these functions, whoever calls them (the workbench, ``codeer
code``, a codings import, consensus settling, accepting a suggestion), so the history is complete by
construction. They work in the caller's transaction; the caller commits (one action = one transaction in the
UI, one file = one transaction in an import).

The rules live in the functions that work on SQLAlchemy Core (:func:`locate`, :func:`apply_located`,
:func:`remove_coding_id`, :func:`update_coding_id`, :func:`record`): they take a plain connection or a
session (whose connection they use), cost at most three statements a coding action, and never load the ORM,
so a scripted ``codeer code`` starts without it. The functions that take or return ORM objects
(:func:`apply_coding`, :func:`update_coding`, :func:`get_or_create_coder`, ...) are those same functions with
the object loaded or kept in step; the ORM is imported only when one of them runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Insert,
    Integer,
    Select,
    String,
    Text,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from codeer.errors import CodeerError
from codeer.model.tables import coders, codes, coding_events, codings, passages, transcripts, utcnow
from codeer.store.coders import named_coder_id
from codeer.store.database import connection_of
from codeer.store.team import note_for_history, server_writes_history

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from codeer.model import Coder, Coding

    Target = Session | Connection  # where a coding action runs: a session's transaction or a connection's


@dataclass(frozen=True)
class CodingKey:
    """What identifies a coding: a passage, a code, a coder and an optional span."""

    passage_id: int
    code_id: int
    coder_id: int
    start: int | None = None
    end: int | None = None


def ensure_coder(target: Target, name: str) -> int:
    """The id of the coder called ``name``, made on first use (one statement when the coder exists)."""
    name = name.strip()
    if not name:
        raise CodeerError("a coder name is needed (--coder NAME, CODEER_CODER or coder: in codeer.yaml)")
    found = named_coder_id(target, name)
    return _new_row(target, insert(coders).values(name=name)) if found is None else found


def _new_row(target: Target, statement: Insert) -> int:
    """Insert one row; its id (the driver's lastrowid on SQLite, RETURNING on PostgreSQL: no extra query)."""
    key = connection_of(target).execute(statement).inserted_primary_key
    assert key is not None  # an INSERT of one row always has its key
    return int(key[0])


def get_or_create_coder(session: Session, name: str) -> Coder:
    """:func:`ensure_coder` as the ORM object."""
    from codeer.model import Coder

    session.flush()
    return session.get_one(Coder, ensure_coder(session, name))


def check_span(length: int, start: int | None, end: int | None) -> None:
    """A span is both offsets or neither, inside the passage (of ``length`` code points), and not empty."""
    if (start is None) != (end is None):
        raise CodeerError("a span needs both start and end (or neither, for the whole passage)")
    if start is not None and end is not None and not 0 <= start < end <= length:
        raise CodeerError(f"span {start}:{end} is outside the passage (0:{length})")


def same_key(key: CodingKey) -> list[ColumnElement[bool]]:
    """The conditions that pick ``key``'s coding (the unique index maps a missing span to -1)."""
    return coding_where(key.passage_id, key.code_id, key.coder_id, key.start, key.end)


def coding_where(
    passage: int | ColumnElement[int],
    code: int | ColumnElement[int],
    coder: int | ColumnElement[int],
    start: int | None | ColumnElement[int],
    end: int | None | ColumnElement[int],
) -> list[ColumnElement[bool]]:
    """:func:`same_key` for values that may also be SQL: a subquery that finds the passage by its number, or
    a parameter (for ``start``/``end`` one that holds -1 for no span)."""
    return [
        codings.c.passage_id == passage,
        codings.c.code_id == code,
        codings.c.coder_id == coder,
        func.coalesce(codings.c.start, -1) == (-1 if start is None else start),
        func.coalesce(codings.c.end, -1) == (-1 if end is None else end),
    ]


def find_coding(session: Session, key: CodingKey) -> Coding | None:
    from codeer.model import Coding

    return session.scalar(select(Coding).where(*same_key(key)))


@dataclass(frozen=True)
class Place:
    """What one query tells about a key before it is applied: the passage's length (None: no such
    passage), the coding already there (its id, or None) and that coding's memo."""

    length: int | None
    coding_id: int | None
    memo: str = ""


def locate(target: Target, key: CodingKey) -> Place:
    """The passage and the coding ``key`` names, read in one statement."""
    parameters = {"passage": key.passage_id, "code": key.code_id, "coder": key.coder_id}
    parameters |= {"start": -1 if key.start is None else key.start, "end": -1 if key.end is None else key.end}
    found = connection_of(target).execute(_locate_statement(), parameters).one()
    return Place(found[0], found[1], found[2] or "")


_LOCATE_PARAMETERS = ("passage", "code", "coder", "start", "end")


def coding_columns(where: list[ColumnElement[bool]]) -> tuple[Any, Any]:
    """The id and the memo of the coding ``where`` picks, as two scalar subqueries (NULL when none)."""
    return (
        select(codings.c.id).where(*where).scalar_subquery(),
        select(codings.c.memo).where(*where).scalar_subquery(),
    )


@cache
def _locate_statement() -> Select:
    """:func:`locate`'s statement, built once."""
    passage, code, coder, start, end = (bindparam(name, type_=Integer) for name in _LOCATE_PARAMETERS)
    return select(
        select(func.length(passages.c.text)).where(passages.c.id == passage).scalar_subquery(),
        *coding_columns(coding_where(passage, code, coder, start, end)),
    )


_EVENT_COPY = (
    "coding_id", "passage_id", "code_id", "coder_id", "transcript_key", "passage_number", "code_key", "start",
    "end", "memo",
)  # fmt: skip


def record(
    target: Target, action: str, coding_id: int, previous: dict | None = None, note: str = ""
) -> None:
    """Write the history event of ``action`` on a stored coding in one statement.

    The event copies the coding as it is now and what names it (transcript key, passage number, code key)
    straight from the database, so the caller needs nothing loaded; an action that removes a coding
    records it first. In a team database the server's trigger writes the event instead (one writer), told
    the note by :func:`~codeer.store.team.note_for_history`.
    """
    if server_writes_history(target):
        return
    parameters = {
        "coding_id": coding_id,
        "action": action,
        "previous": previous,
        "note": note,
        "at": utcnow(),
    }
    connection_of(target).execute(_record_statement(), parameters)


@cache
def _record_statement() -> Insert:
    """:func:`record`'s INSERT ... SELECT, built once (building it is most of the work of sending it)."""
    source = (
        select(
            codings.c.id,
            codings.c.passage_id,
            codings.c.code_id,
            codings.c.coder_id,
            transcripts.c.key,
            passages.c.number,
            codes.c.key,
            codings.c.start,
            codings.c.end,
            codings.c.memo,
            bindparam("action", type_=String),
            bindparam("previous", type_=coding_events.c.previous.type),
            bindparam("note", type_=Text),
            bindparam("at", type_=coding_events.c.at.type),
        )  # fmt: skip
        .join(passages, passages.c.id == codings.c.passage_id)
        .join(transcripts, transcripts.c.id == passages.c.transcript_id)
        .join(codes, codes.c.id == codings.c.code_id)
        .where(codings.c.id == bindparam("coding_id"))
    )
    return insert(coding_events).from_select([*_EVENT_COPY, "action", "previous", "note", "at"], source)


def apply_coding(
    session: Session, key: CodingKey, memo: str = "", *, action: str = "apply", note: str = ""
) -> tuple[Coding, bool]:
    """Apply a code; return the coding and whether it is new (applying twice changes nothing).

    :func:`locate` and :func:`apply_located`: three statements for a new coding, whose object is made from
    the row written (not read back).
    """
    from sqlalchemy.orm import make_transient_to_detached

    from codeer.model import Coding

    session.flush()  # the session's own changes first: the statements below go past it
    place = locate(session, key)
    row = _insert(session, key, place, memo, action, note)
    if row is None:
        return session.get_one(Coding, place.coding_id), False  # place.coding_id: what _insert found
    coding = Coding(**row)
    make_transient_to_detached(coding)
    session.add(coding)
    return coding, True


def apply_located(
    target: Target, key: CodingKey, place: Place, memo: str = "", *, action: str = "apply", note: str = ""
) -> tuple[int, bool]:
    """Apply ``key`` as :func:`locate` found it: the coding's id and whether it is new. Two statements for a
    new coding (the insert, the history event), none for one already there."""
    row = _insert(target, key, place, memo, action, note)
    if row is not None:
        return row["id"], True
    assert place.coding_id is not None  # what _insert found there
    return place.coding_id, False


def _insert(
    target: Target, key: CodingKey, place: Place, memo: str, action: str, note: str
) -> dict[str, Any] | None:
    """:func:`apply_located`'s work: the new coding's row as written (with its id), None if it was there."""
    if place.coding_id is not None:
        return None
    if place.length is None:
        raise CodeerError(f"no passage with id {key.passage_id}")
    check_span(place.length, key.start, key.end)
    note_for_history(target, note, action)
    now = utcnow()
    row: dict[str, Any] = {
        "passage_id": key.passage_id,
        "code_id": key.code_id,
        "coder_id": key.coder_id,
        "start": key.start,
        "end": key.end,
        "memo": memo,
        "created_at": now,
        "updated_at": now,
    }
    row["id"] = _new_row(target, insert(codings).values(row))
    record(target, action, row["id"], note=note)
    return row


def remove_coding(session: Session, coding: Coding, *, note: str = "") -> None:
    """Record, then delete: two statements."""
    note_for_history(session, note)
    record(session, "remove", coding.id, note=note)
    session.delete(coding)
    session.flush()


def remove_coding_id(target: Target, coding_id: int, *, note: str = "") -> None:
    """:func:`remove_coding` by id, for a caller that has not loaded the coding: two statements."""
    note_for_history(target, note)
    record(target, "remove", coding_id, note=note)
    connection_of(target).execute(delete(codings).where(codings.c.id == coding_id))


Span = tuple[int | None, int | None]


def update_coding_id(
    target: Target,
    coding_id: int,
    was: dict[str, Any],
    *,
    memo: str | None = None,
    span: Span | None = None,
    length: int | None = None,
    note: str = "",
) -> dict[str, Any] | None:
    """Change a stored coding's memo and/or span, keeping what it ``was`` (its memo, start and end) in the
    history: two statements. A new span is checked against the passage's ``length``. Returns the values
    written (with ``updated_at``), or None when nothing changes."""
    now = {"memo": was["memo"], "start": was["start"], "end": was["end"]}
    if span is not None:
        check_span(length or 0, *span)
        now["start"], now["end"] = span
    if memo is not None:
        now["memo"] = memo
    if now == was:
        return None
    note_for_history(target, note)
    now["updated_at"] = utcnow()
    connection_of(target).execute(update(codings).where(codings.c.id == coding_id).values(now))
    record(target, "update", coding_id, previous=dict(was), note=note)
    return now


def update_coding(
    session: Session,
    coding: Coding,
    *,
    memo: str | None = None,
    span: Span | None = None,
    note: str = "",
) -> None:
    """:func:`update_coding_id` on a loaded coding, which is kept in step (a new span reads the passage's
    length first)."""
    from sqlalchemy.orm.attributes import set_committed_value

    session.flush()
    length = None
    if span is not None:
        passage = passages.c.id == coding.passage_id
        length = session.scalar(select(func.length(passages.c.text)).where(passage))
    was = {"memo": coding.memo, "start": coding.start, "end": coding.end}
    written = update_coding_id(session, coding.id, was, memo=memo, span=span, length=length, note=note)
    for name, value in (written or {}).items():
        set_committed_value(coding, name, value)


def recode(session: Session, coding: Coding, code_id: int, *, note: str = "") -> None:
    """Move a coding to another code (a merge or split), recorded as its removal from the old code and its
    application of the new one, so each moved coding is in the history under both codes (in a team
    database the server's trigger records the move the same way)."""
    note_for_history(session, note)
    record(session, "remove", coding.id, note=note)
    coding.code_id = code_id
    coding.updated_at = utcnow()
    session.flush()
    session.expire(coding, ["code"])
    record(session, "apply", coding.id, note=note)


def restore_coding(session: Session, coding: Coding, *, note: str = "") -> None:
    """Put back a coding exactly as it was (its id, memo and times), recorded as applied: undoing a codebook
    change that removed it."""
    note_for_history(session, note, "apply")
    session.add(coding)
    session.flush()
    record(session, "apply", coding.id, note=note)
