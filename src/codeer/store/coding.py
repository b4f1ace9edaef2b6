"""Applying, changing and removing codings, each change recorded in the history (``coding_events``).

Every coding action in codeer goes through these functions, whoever calls them (the workbench, a codings
import, consensus settling, accepting a suggestion), so the history is complete by construction. They work in
the caller's session; the caller commits (one action = one transaction in the UI, one file = one
transaction in an import).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

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
)
from sqlalchemy.orm import Session

from codeer.errors import CodeerError
from codeer.model import Code, Coder, Coding, CodingEvent, Passage, Transcript, utcnow
from codeer.store.coders import coder_named
from codeer.store.team import note_for_history, server_writes_history


@dataclass(frozen=True)
class CodingKey:
    """What identifies a coding: a passage, a code, a coder and an optional span."""

    passage_id: int
    code_id: int
    coder_id: int
    start: int | None = None
    end: int | None = None


def get_or_create_coder(session: Session, name: str) -> Coder:
    name = name.strip()
    if not name:
        raise CodeerError("a coder name is needed (--coder NAME, CODEER_CODER or coder: in codeer.yaml)")
    coder = coder_named(session, name)
    if coder is None:
        coder = Coder(name=name)
        session.add(coder)
        session.flush()
    return coder


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
        Coding.passage_id == passage,
        Coding.code_id == code,
        Coding.coder_id == coder,
        func.coalesce(Coding.start, -1) == (-1 if start is None else start),
        func.coalesce(Coding.end, -1) == (-1 if end is None else end),
    ]


def find_coding(session: Session, key: CodingKey) -> Coding | None:
    return session.scalar(select(Coding).where(*same_key(key)))


@dataclass(frozen=True)
class Place:
    """What one query tells about a key before it is applied: the passage's length (None: no such
    passage), the coding already there (its id, or None) and the coder's name."""

    length: int | None
    coding_id: int | None
    coder_name: str


def locate(session: Session, key: CodingKey) -> Place:
    """The passage, the coding ``key`` names and its coder, read in one statement."""
    parameters = {"passage": key.passage_id, "code": key.code_id, "coder": key.coder_id}
    parameters |= {"start": -1 if key.start is None else key.start, "end": -1 if key.end is None else key.end}
    found = session.connection().execute(_locate_statement(), parameters).one()
    return Place(found[0], found[1], found[2] or "")


_LOCATE_PARAMETERS = ("passage", "code", "coder", "start", "end")


@cache
def _locate_statement() -> Select:
    """:func:`locate`'s statement, built once."""
    passage, code, coder, start, end = (bindparam(name, type_=Integer) for name in _LOCATE_PARAMETERS)
    same = coding_where(passage, code, coder, start, end)
    return select(
        select(func.length(Passage.text)).where(Passage.id == passage).scalar_subquery(),
        select(Coding.id).where(*same).scalar_subquery(),
        select(Coder.name).where(Coder.id == coder).scalar_subquery(),
    )


_EVENT_COPY = (
    "coding_id", "passage_id", "code_id", "coder_id", "transcript_key", "passage_number", "code_key", "start",
    "end", "memo",
)  # fmt: skip


def record(
    session: Session, action: str, coding_id: int, previous: dict | None = None, note: str = ""
) -> None:
    """Write the history event of ``action`` on a stored coding in one statement.

    The event copies the coding as it is now and what names it (transcript key, passage number, code key)
    straight from the database, so the caller needs nothing loaded; an action that removes a coding
    records it first. In a team database the server's trigger writes the event instead (one writer), told
    the note by :func:`~codeer.store.team.note_for_history`.
    """
    if server_writes_history(session):
        return
    parameters = {
        "coding_id": coding_id,
        "action": action,
        "previous": previous,
        "note": note,
        "at": utcnow(),
    }
    session.connection().execute(_record_statement(), parameters)


@cache
def _record_statement() -> Insert:
    """:func:`record`'s INSERT ... SELECT, built once (building it is most of the work of sending it)."""
    events = CodingEvent.__table__
    source = (
        select(
            Coding.id,
            Coding.passage_id,
            Coding.code_id,
            Coding.coder_id,
            Transcript.key,
            Passage.number,
            Code.key,
            Coding.start,
            Coding.end,
            Coding.memo,
            bindparam("action", type_=String),
            bindparam("previous", type_=events.c.previous.type),
            bindparam("note", type_=Text),
            bindparam("at", type_=events.c.at.type),
        )  # fmt: skip
        .join(Passage, Passage.id == Coding.passage_id)
        .join(Transcript, Transcript.id == Passage.transcript_id)
        .join(Code, Code.id == Coding.code_id)
        .where(Coding.id == bindparam("coding_id"))
    )
    return insert(events).from_select([*_EVENT_COPY, "action", "previous", "note", "at"], source)


def apply_coding(
    session: Session, key: CodingKey, memo: str = "", *, action: str = "apply", note: str = ""
) -> tuple[Coding, bool]:
    """Apply a code; return the coding and whether it is new (applying twice changes nothing).

    Three statements for a new coding: :func:`locate`, the insert, the history event.
    """
    place = locate(session, key)
    return apply_located(session, key, place, memo, action=action, note=note)


def apply_located(
    session: Session, key: CodingKey, place: Place, memo: str = "", *, action: str = "apply", note: str = ""
) -> tuple[Coding, bool]:
    """:func:`apply_coding` for a caller that has looked the key up with :func:`locate`."""
    if place.coding_id is not None:
        return session.get_one(Coding, place.coding_id), False
    if place.length is None:
        raise CodeerError(f"no passage with id {key.passage_id}")
    check_span(place.length, key.start, key.end)
    note_for_history(session, note, action)
    coding = Coding(
        passage_id=key.passage_id,
        code_id=key.code_id,
        coder_id=key.coder_id,
        start=key.start,
        end=key.end,
        memo=memo,
    )
    session.add(coding)
    session.flush()
    record(session, action, coding.id, note=note)
    return coding, True


def remove_coding(session: Session, coding: Coding, *, note: str = "") -> None:
    """Record, then delete: two statements."""
    note_for_history(session, note)
    record(session, "remove", coding.id, note=note)
    session.delete(coding)
    session.flush()


def remove_coding_id(session: Session, coding_id: int, *, note: str = "") -> None:
    """:func:`remove_coding` by id, for a caller that has not loaded the coding: two statements."""
    note_for_history(session, note)
    record(session, "remove", coding_id, note=note)
    session.execute(delete(Coding).where(Coding.id == coding_id))


def update_coding(
    session: Session,
    coding: Coding,
    *,
    memo: str | None = None,
    span: tuple[int | None, int | None] | None = None,
    note: str = "",
) -> None:
    """Change a coding's memo and/or span, keeping what it was in the history (two statements for a memo;
    a new span reads the passage's length first)."""
    note_for_history(session, note)
    previous = {"memo": coding.memo, "start": coding.start, "end": coding.end}
    if span is not None:
        length = session.scalar(select(func.length(Passage.text)).where(Passage.id == coding.passage_id))
        check_span(length or 0, *span)
        coding.start, coding.end = span
    if memo is not None:
        coding.memo = memo
    if previous == {"memo": coding.memo, "start": coding.start, "end": coding.end}:
        return
    coding.updated_at = utcnow()
    session.flush()
    record(session, "update", coding.id, previous=previous, note=note)


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
