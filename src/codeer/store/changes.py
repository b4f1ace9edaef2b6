"""What changed in a transcript's codings since a view last looked: cheap polling for live team views.

Every coding action writes a :class:`~codeer.model.CodingEvent`, whose id only grows, so "what changed since
event N" is one indexed range query. A view that shows other coders' work polls it every second or two.

Ids are handed out when a row is inserted, not when its transaction commits. On PostgreSQL, a coder's
transaction may take id 41, a faster one takes 42 and commits first: a poll then sees 42 but not yet 41.
Remembering "the largest id seen" would skip 41 for ever. :class:`ChangeFeed` therefore advances its cursor
only over ids that are settled: seen, or known never to commit. A missing id is settled once every
transaction that could hold it has ended, which PostgreSQL's transaction snapshot tells exactly (see
``_PostgresHorizon``). On SQLite writers take turns (``BEGIN IMMEDIATE``), so ids commit in order and a
missing id never comes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from codeer.errors import CodeerError
from codeer.model import Coder, CodingEvent, Transcript

HOLDER_DELAY = 1.0  # seconds: by then a transaction that took an event id has long had its xid


@dataclass(frozen=True)
class CodingChange:
    """One coding action by anyone: enough to update a view without reloading the transcript."""

    event_id: int
    action: str  # apply, remove, update, settle
    coding_id: int | None
    coder_id: int
    coder: str
    passage_id: int | None  # None once the passage itself is gone (re-import)
    passage_number: int | None
    code_id: int | None
    code_key: str
    start: int | None
    end: int | None
    memo: str


def latest_event_id(session: Session) -> int:
    """Where a view that opens now starts polling from."""
    return session.scalar(select(func.max(CodingEvent.id))) or 0


def _transcript_key(session: Session, transcript_id: int) -> str:
    key = session.scalar(select(Transcript.key).where(Transcript.id == transcript_id))
    if key is None:
        raise CodeerError(f"no transcript with id {transcript_id}")
    return key


def codings_changed_since(session: Session, transcript_id: int, after_event_id: int) -> list[CodingChange]:
    """The transcript's coding events with an id above ``after_event_id``, oldest first.

    Events name their transcript by key, so the removal of a coding whose passage is gone still shows.
    """
    rows = session.execute(
        select(CodingEvent, Coder.name)
        .join(Coder, CodingEvent.coder_id == Coder.id)
        .where(CodingEvent.id > after_event_id)
        .where(CodingEvent.transcript_key == _transcript_key(session, transcript_id))
        .order_by(CodingEvent.id)
    ).all()
    return [
        CodingChange(
            event.id,
            event.action,
            event.coding_id,
            event.coder_id,
            name,
            event.passage_id,
            event.passage_number,
            event.code_id,
            event.code_key,
            event.start,
            event.end,
            event.memo,
        )
        for event, name in rows
    ]


@dataclass
class _PostgresHorizon:
    """Decides when a missing event id can no longer appear, from PostgreSQL transaction ids (xids).

    The transaction holding a missing id gets its xid at its first write, at the latest a moment after it
    took the id. So a snapshot taken a while (``HOLDER_DELAY``) after the id was first missed has an
    ``xmax`` (the next xid to be given out) above the holder's xid. Once the oldest transaction still
    running (``xmin``) is at or past that bound, the holder has ended; as the id is still missing, it
    rolled back. :meth:`observe` must read the snapshot before the poll reads event ids: an id committed in
    between is then seen by the read, never wrongly given up. Transaction ids are server-wide, so a long
    transaction elsewhere on the server delays giving up a rolled-back id (never a committed one).
    """

    clock: Callable[[], float] = time.monotonic
    first_missed: dict[int, float] = field(default_factory=dict)
    bounds: dict[int, int] = field(default_factory=dict)
    xmin: int = 0
    xmax: int = 0

    def observe(self, session: Session) -> None:
        self.xmin, self.xmax = session.execute(
            text(
                "SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint "
                "FROM pg_current_snapshot() AS s"
            )
        ).one()

    def settled(self, missing: list[int]) -> set[int]:
        now = self.clock()
        self.first_missed = {gap: self.first_missed.get(gap, now) for gap in missing}
        self.bounds = {gap: bound for gap, bound in self.bounds.items() if gap in self.first_missed}
        for gap, since in self.first_missed.items():
            if gap not in self.bounds and now - since >= HOLDER_DELAY:
                self.bounds[gap] = self.xmax
        return {gap for gap, bound in self.bounds.items() if self.xmin >= bound}


class ChangeFeed:
    """Polls one transcript's coding changes, each delivered once, none lost to late commits.

    Keep one per open transcript view; call :meth:`poll` with a new session (transaction) each time.
    """

    def __init__(self, transcript_id: int, after_event_id: int) -> None:
        self.transcript_id = transcript_id
        self.cursor = after_event_id  # every event id up to here is settled and was delivered
        self._delivered: set[int] = set()  # ids above the cursor already delivered
        self._horizon = _PostgresHorizon()

    def poll(self, session: Session) -> list[CodingChange]:
        on_postgres = session.get_bind().dialect.name == "postgresql"
        if on_postgres:
            self._horizon.observe(session)
        query = select(CodingEvent.id).where(CodingEvent.id > self.cursor).order_by(CodingEvent.id)
        seen = list(session.scalars(query))
        missing = sorted(set(range(self.cursor + 1, seen[-1])) - set(seen)) if seen else []
        settled = self._horizon.settled(missing) if on_postgres else set(missing)
        changes = [
            change
            for change in codings_changed_since(session, self.transcript_id, self.cursor)
            if change.event_id not in self._delivered
        ]
        self._delivered.update(change.event_id for change in changes)
        self._delivered.update(seen)
        self._delivered.update(settled)
        while self.cursor + 1 in self._delivered:
            self.cursor += 1
            self._delivered.discard(self.cursor)
        return changes
