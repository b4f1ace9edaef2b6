"""Who coded what, and when: the per-coder figures a methods section cites ("coded between ... by ...").

The dates come from the history (``coding_events``: first and last change a coder made), the counts from
the codings that stand now, so a coding applied and removed again counts as work done in the period but not
as a coding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from codeer.model import Coder, Coding, CodingEvent, Passage, Transcript
from codeer.store.coders import coder_id


@dataclass(frozen=True)
class CoderSummary:
    coder: str
    first: datetime
    last: datetime
    changes: int
    codings: int
    passages: int
    transcripts: int


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def coder_summaries(
    session: Session, *, coder: str | None = None, transcript_key: str | None = None
) -> list[CoderSummary]:
    """Per coder with any recorded change (optionally one coder, one transcript), by first change."""
    events = select(
        CodingEvent.coder_id,
        func.min(CodingEvent.at).label("first"),
        func.max(CodingEvent.at).label("last"),
        func.count(CodingEvent.id).label("changes"),
    ).group_by(CodingEvent.coder_id)
    held = (
        select(
            Coding.coder_id,
            func.count(Coding.id).label("codings"),
            func.count(distinct(Coding.passage_id)).label("passages"),
            func.count(distinct(Passage.transcript_id)).label("transcripts"),
        )
        .join(Passage, Coding.passage_id == Passage.id)
        .group_by(Coding.coder_id)
    )
    if transcript_key is not None:
        events = events.where(CodingEvent.transcript_key == transcript_key)
        held = held.join(Transcript, Passage.transcript_id == Transcript.id).where(
            Transcript.key == transcript_key
        )
    events_q, held_q = events.subquery(), held.subquery()
    query = (
        select(
            Coder.name,
            events_q.c.first,
            events_q.c.last,
            events_q.c.changes,
            func.coalesce(held_q.c.codings, 0),
            func.coalesce(held_q.c.passages, 0),
            func.coalesce(held_q.c.transcripts, 0),
        )
        .join(events_q, events_q.c.coder_id == Coder.id)
        .outerjoin(held_q, held_q.c.coder_id == Coder.id)
        .order_by(events_q.c.first, Coder.name)
    )
    if coder is not None:
        query = query.where(Coder.id == coder_id(session, coder))
    return [
        CoderSummary(name, _aware(first), _aware(last), changes, codings, passages, transcripts)
        for name, first, last, changes, codings, passages, transcripts in session.execute(query)
    ]


def _day(value: datetime) -> str:
    return f"{value.day} {value:%B} {value.year}"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def describe(summary: CoderSummary) -> str:
    """``anouk: 412 codings on 300 passages in 4 transcripts, 2 March 2026 - 17 May 2026 (450 changes)``"""
    return (
        f"{summary.coder}: {_plural(summary.codings, 'coding')} on {_plural(summary.passages, 'passage')} "
        f"in {_plural(summary.transcripts, 'transcript')}, first change {summary.first:%Y-%m-%d %H:%M}Z, "
        f"last {summary.last:%Y-%m-%d %H:%M}Z ({_plural(summary.changes, 'recorded change')})"
    )


def methods_sentence(summaries: list[CoderSummary]) -> str:
    """One sentence for a methods section: the coding period and each coder's share."""
    if not summaries:
        return "No coding has been recorded."
    first = min(s.first for s in summaries)
    last = max(s.last for s in summaries)
    parts = [
        f"{s.coder} ({_plural(s.codings, 'coding')} in {_plural(s.transcripts, 'transcript')})"
        for s in summaries
    ]
    coders = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    period = f"on {_day(first)}" if first.date() == last.date() else f"between {_day(first)} and {_day(last)}"
    return f"Passages were coded {period} by {coders}."
