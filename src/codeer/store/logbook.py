"""What ``codeer log`` lists: the coding history, and the two kinds of work that live outside it.

The history (``coding_events``) records every change to a coding. Two things a coder does change no coding
and so leave no event there, yet belong in a log of the work:

- a **passage memo** (``memos``, written with ``m`` in the workbench): listed once, as action ``memo``, with
  its text and the time it was last written (the table keeps no earlier versions; a deleted memo is gone);
- a **settlement** (``settlements``): listed as action ``settle`` with no code, noting the choice and the
  coders compared, so that a passage settled as "neither" (no code, so no coding event) is in the log too.
  A settlement that kept codes also has the ``settle`` events of those codes.

Rows of the three sources are merged newest first (or oldest first), each source in its own order.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from codeer.model import Memo, Passage, Settlement, Transcript
from codeer.store.history import EventRow, coder_events

Q = TypeVar("Q", bound=Select)  # a select of any columns, narrowed by LogSelection.apply
MEMO = "memo"
SETTLE = "settle"


@dataclass(frozen=True)
class LogSelection:
    """Which rows ``codeer log`` asked for (None: no limit of that kind)."""

    coder_id: int | None = None
    transcript_key: str | None = None
    since: datetime | None = None
    oldest_first: bool = False
    limit: int | None = None

    def apply(self, query: Q, at: InstrumentedAttribute[datetime], coder: InstrumentedAttribute[Any]) -> Q:
        """``query`` (joined to its passage's transcript) narrowed and ordered by ``at``."""
        if self.coder_id is not None:
            query = query.where(coder == self.coder_id)
        if self.transcript_key is not None:
            query = query.where(Transcript.key == self.transcript_key)
        if self.since is not None:
            query = query.where(at >= self.since)
        query = query.order_by(at if self.oldest_first else at.desc())
        return query if self.limit is None else query.limit(self.limit)


def _memos(session: Session, where: LogSelection) -> list[EventRow]:
    query = (
        select(Memo, Passage.number, Transcript.key)
        .join(Passage, Passage.id == Memo.passage_id)
        .join(Transcript, Transcript.id == Passage.transcript_id)
        .where(Memo.code_id.is_(None), Memo.coder_id.is_not(None))
    )
    rows = session.execute(where.apply(query, Memo.updated_at, Memo.coder_id))
    return [
        EventRow(m.id, m.updated_at, MEMO, m.coder_id, m.passage_id, None, key, n, "", None, None, m.text, "")
        for m, n, key in rows
        if m.coder_id is not None  # (the query's where, for the types)
    ]


def _settlements(session: Session, where: LogSelection) -> list[EventRow]:
    query = (
        select(Settlement, Passage.number, Transcript.key)
        .join(Passage, Passage.id == Settlement.passage_id)
        .join(Transcript, Transcript.id == Passage.transcript_id)
    )
    rows = session.execute(where.apply(query, Settlement.at, Settlement.coder_id))
    return [
        EventRow(
            s.id, s.at, SETTLE, s.coder_id, s.passage_id, None, key, number, "", None, None, s.note,
            f"settled: {s.choice}, between {', '.join(map(str, s.compared))}",
        )  # fmt: skip
        for s, number, key in rows
    ]


def log_entries(session: Session, where: LogSelection) -> list[EventRow]:
    """Coding events, passage memos and settlements, newest first (or oldest), at most ``where.limit``."""
    events = coder_events(
        session,
        where.coder_id,
        limit=where.limit,
        transcript_key=where.transcript_key,
        since=where.since,
        oldest_first=where.oldest_first,
    )
    sources = [events, _memos(session, where), _settlements(session, where)]
    rows = list(heapq.merge(*sources, key=lambda row: _utc(row.at), reverse=not where.oldest_first))
    return rows if where.limit is None else rows[: where.limit]


def _utc(at: datetime) -> datetime:
    """Comparable times: SQLite hands back naive UTC, PostgreSQL aware."""
    return at if at.tzinfo is None else at.astimezone(UTC).replace(tzinfo=None)
