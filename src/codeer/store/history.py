"""The coding history (``coding_events``) read back: undo and redo, and a coder's log.

Undo and redo are built on the history itself, not on memory, so they work across restarts and from any
client: an undo is an ordinary coding action (through :mod:`codeer.store.coding`) whose event's ``note`` says
which event it reverts (``undo #41``); a redo likewise (``redo #41``). Replaying a coder's workbench events in
order rebuilds the undo and redo stacks exactly as an editor keeps them:

- a workbench action (note :data:`ACTION_NOTE`, or an accepted suggestion) goes on the undo stack and
  empties the redo stack;
- ``undo #N`` moves N from the undo stack to the redo stack; ``redo #N`` moves it back.

Only workbench actions are undoable: a codings import is not undone one coding at a time by a key press.
An entry whose reversal would change nothing (someone already did it) is skipped, so the stack never sticks.

Coding the hits of a search (``codeer search ... --code``) is one step: its events share one note
(:func:`search_note`), and consecutive events with that note are undone and redone together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from codeer.model import CodingEvent
from codeer.store.coding import CodingKey, apply_coding, find_coding, remove_coding, update_coding
from codeer.store.suggestions import ACCEPTED_NOTE

ACTION_NOTE = "workbench"
# Accepting a suggestion is a coder's own action at the keyboard too, so ``u`` takes it back.
UNDOABLE = (ACTION_NOTE, ACCEPTED_NOTE)
UNDO_PREFIX = "undo #"
REDO_PREFIX = "redo #"
SEARCH_PREFIX = "search #"
Step = tuple[int, ...]  # the ids of the events one undoable step made
LogQuery = TypeVar("LogQuery", bound=Select)


def search_note(batch: str, query: str) -> str:
    """The note of every coding one search applied: ``search #BATCH: QUERY`` (BATCH unique per run)."""
    return f"{SEARCH_PREFIX}{batch}: {query}"


@dataclass(frozen=True)
class EventRow:
    """One history event as plain data (for the UI, and for ``codeer log``)."""

    id: int
    at: datetime
    action: str
    coder_id: int
    passage_id: int | None
    code_id: int | None
    transcript_key: str
    passage_number: int | None
    code_key: str
    start: int | None
    end: int | None
    memo: str
    note: str

    def where(self) -> str:
        """``code-key on transcript #12`` (with ``[start:end]`` for a span)."""
        span = f" [{self.start}:{self.end}]" if self.start is not None else ""
        return f"{self.code_key} on {self.transcript_key} #{self.passage_number}{span}"


@dataclass(frozen=True)
class HistoryChange:
    """What an undo or redo did: ``verb`` is "undo" or "redo", ``action`` the coding action it took now."""

    verb: str
    action: str
    target: EventRow
    count: int = 1  # codings changed: more than one when the step was a search's codings

    def describe(self) -> str:
        done = {"apply": "applied", "remove": "removed", "update": "updated"}[self.action]
        if self.count > 1:
            return f"{self.verb}: {self.target.code_key} {done} on {self.count} passages ({self.target.note})"
        return (
            f"{self.verb}: {self.target.code_key} {done} on {self.target.transcript_key} "
            f"#{self.target.passage_number}"
        )


def _event_row(event: CodingEvent) -> EventRow:
    return EventRow(
        event.id,
        event.at,
        event.action,
        event.coder_id,
        event.passage_id,
        event.code_id,
        event.transcript_key,
        event.passage_number,
        event.code_key,
        event.start,
        event.end,
        event.memo or "",
        event.note or "",
    )


def log_window(
    query: LogQuery,
    events: Any,
    *,
    coder_id: int | None,
    since: datetime | None,
    limit: int | None,
    oldest_first: bool,
    **equal: str | None,
) -> LogQuery:
    """Narrow a history table (coding or codebook events) the one way every log does: one coder or all,
    since a time, ``column=value`` where a value is given, newest first unless asked otherwise, at most
    ``limit`` rows."""
    query = query.order_by(events.id if oldest_first else events.id.desc())
    if coder_id is not None:
        query = query.where(events.coder_id == coder_id)
    for column, value in equal.items():
        if value is not None:
            query = query.where(getattr(events, column) == value)
    if since is not None:
        query = query.where(events.at >= since)
    return query if limit is None else query.limit(limit)


def coder_events(
    session: Session,
    coder_id: int | None = None,
    *,
    limit: int | None = None,
    transcript_key: str | None = None,
    since: datetime | None = None,
    oldest_first: bool = False,
) -> list[EventRow]:
    """The newest events first (or the oldest), of one coder or of everyone (for ``codeer log``)."""
    query = log_window(
        select(CodingEvent), CodingEvent, coder_id=coder_id, since=since, limit=limit,
        oldest_first=oldest_first, transcript_key=transcript_key,
    )  # fmt: skip
    return [_event_row(e) for e in session.scalars(query)]


def _target(note: str, prefix: str) -> int | None:
    rest = note[len(prefix) :] if note.startswith(prefix) else ""
    return int(rest) if rest.isdigit() else None


def undo_redo_stacks(session: Session, coder_id: int) -> tuple[list[Step], list[Step]]:
    """The steps undo and redo would revert and replay, top of each stack last; a step is the ids of the
    events it made (one, or every coding of one search)."""
    notes = session.execute(
        select(CodingEvent.id, CodingEvent.note)
        .where(
            CodingEvent.coder_id == coder_id,
            or_(
                CodingEvent.note.in_(UNDOABLE),
                CodingEvent.note.startswith(SEARCH_PREFIX),
                CodingEvent.note.startswith(UNDO_PREFIX),
                CodingEvent.note.startswith(REDO_PREFIX),
            ),
        )
        .order_by(CodingEvent.id)
    )
    undo: list[Step] = []
    redo: list[Step] = []
    step_of: dict[int, Step] = {}
    previous = ""
    for event_id, note in notes:
        if note in UNDOABLE or note.startswith(SEARCH_PREFIX):
            if note.startswith(SEARCH_PREFIX) and note == previous and undo:
                step = (*undo.pop(), event_id)  # the same search's next coding: one step with the last
            else:
                step = (event_id,)
            undo.append(step)
            step_of.update(dict.fromkeys(step, step))
            redo.clear()
        elif (target := _target(note, UNDO_PREFIX)) is not None and step_of.get(target) in undo:
            undo.remove(step_of[target])
            redo.append(step_of[target])
        elif (target := _target(note, REDO_PREFIX)) is not None and step_of.get(target) in redo:
            redo.remove(step_of[target])
            undo.append(step_of[target])
        previous = note
    return undo, redo


def _key(event: CodingEvent, span: tuple[int | None, int | None]) -> CodingKey | None:
    if event.passage_id is None or event.code_id is None:
        return None  # the passage or the code is gone: nothing to restore it on
    return CodingKey(event.passage_id, event.code_id, event.coder_id, *span)


def _previous_span(event: CodingEvent) -> tuple[int | None, int | None]:
    previous = event.previous or {}
    return previous.get("start"), previous.get("end")


def _revert(session: Session, event: CodingEvent, note: str) -> str | None:
    """Take back what ``event`` did; return the action taken, or None if there was nothing to change."""
    key = _key(event, (event.start, event.end))
    if key is None:
        return None
    coding = find_coding(session, key)
    if event.action == "apply":
        if coding is None:
            return None
        remove_coding(session, coding, note=note)
        return "remove"
    if event.action == "remove":
        _, new = apply_coding(session, key, event.memo or "", note=note)
        return "apply" if new else None
    if event.action == "update" and coding is not None:
        previous = event.previous or {}
        update_coding(
            session, coding, memo=previous.get("memo", coding.memo), span=_previous_span(event), note=note
        )
        return "update"
    return None


def _replay(session: Session, event: CodingEvent, note: str) -> str | None:
    """Do again what ``event`` did; return the action taken, or None if there was nothing to change."""
    span = _previous_span(event) if event.action == "update" else (event.start, event.end)
    key = _key(event, span)
    if key is None:
        return None
    if event.action == "apply":
        _, new = apply_coding(session, key, event.memo or "", note=note)
        return "apply" if new else None
    coding = find_coding(session, key)
    if coding is None:
        return None
    if event.action == "remove":
        remove_coding(session, coding, note=note)
        return "remove"
    if event.action == "update":
        update_coding(session, coding, memo=event.memo or "", span=(event.start, event.end), note=note)
        return "update"
    return None


def _step(session: Session, coder_id: int, verb: str) -> HistoryChange | None:
    undo, redo = undo_redo_stacks(session, coder_id)
    stack, prefix, act = (undo, UNDO_PREFIX, _revert) if verb == "undo" else (redo, REDO_PREFIX, _replay)
    for step in reversed(stack):
        changed: list[tuple[str, CodingEvent]] = []
        for event_id in reversed(step) if verb == "undo" else step:
            event = session.get(CodingEvent, event_id)
            if event is None:
                continue
            action = act(session, event, f"{prefix}{event_id}")
            if action is not None:
                changed.append((action, event))
        if changed:
            action, event = changed[0]
            return HistoryChange(verb, action, _event_row(event), len(changed))
    return None


def undo_last(session: Session, coder_id: int) -> HistoryChange | None:
    """Revert this coder's most recent workbench action still in effect; None if there is none."""
    return _step(session, coder_id, "undo")


def redo(session: Session, coder_id: int) -> HistoryChange | None:
    """Replay the most recently undone action (until a new action empties the redo stack)."""
    return _step(session, coder_id, "redo")
