"""Auto-coding suggestions in the database: storing a run's results, and a coder accepting or rejecting them.

Suggestions live in their own table and are never codings: nothing counts them as a coder's work until a
coder accepts one, which applies the code as that coder's own coding through :mod:`codeer.store.coding`
(so it has a history event and is theirs in every export). There is at most one suggestion per passage and
code; its ``start``/``end`` is the one sentence holding every trigger, or NULL.

:func:`accept_many` accepts a whole set (``codeer accept``) the way :func:`accept` does one at a time,
with one statement per table.

A decision is final and project-wide: a new auto-coding run updates the open suggestions of the passages
and codes it covers (new score, triggers, sentence), deletes those it no longer makes, and never touches an
accepted or rejected one, so a rejected suggestion does not come back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.orm import Session

from codeer.errors import CodeerError, raise_all
from codeer.model import Code, Coding, Passage, Suggestion, Transcript
from codeer.store.coding import CodingKey, apply_coding, check_span
from codeer.store.coding_batch import BatchReport, Item, apply_batch

ACCEPTED_NOTE = "accepted suggestion"
OPEN, ACCEPTED, REJECTED = "open", "accepted", "rejected"
CHUNK = 500


@dataclass(frozen=True)
class NewSuggestion:
    """One suggestion as an auto-coding run found it (``triggers`` as stored: a list of JSON objects)."""

    passage_id: int
    code_id: int
    score: float
    start: int | None
    end: int | None
    triggers: list[dict[str, Any]]


@dataclass(frozen=True)
class SyncCounts:
    """What a run changed: open suggestions added, changed, left as they were, dropped; decided ones kept."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    kept_decided: int = 0


@dataclass(frozen=True)
class SuggestionRow:
    """A suggestion as the workbench shows it; ``triggers`` as stored (``text``, ``start``, ``via``...)."""

    id: int
    passage_id: int
    code_id: int
    code_key: str
    code_name: str
    hotkey: str | None
    score: float
    start: int | None
    end: int | None
    triggers: tuple[dict[str, Any], ...]
    status: str

    def words(self) -> str:
        """The distinct words that triggered it, in text order: ``luisterde, afgepoeierd``."""
        seen: dict[str, None] = {}
        for trigger in self.triggers:
            seen.setdefault(str(trigger.get("text", "")).strip(), None)
        return ", ".join(w for w in seen if w)


def sync_suggestions(
    session: Session,
    found: Iterable[NewSuggestion],
    *,
    code_ids: Sequence[int],
    transcript_ids: Sequence[int] | None = None,
) -> SyncCounts:
    """Make the stored suggestions for these codes (and transcripts; None = all) those of a new run.

    ``found`` may name passages that were deleted since the run read them (a re-import in between); those
    are skipped rather than failing the whole run on a foreign key.
    """
    query = select(
        Suggestion.id,
        Suggestion.passage_id,
        Suggestion.code_id,
        Suggestion.status,
        Suggestion.score,
        Suggestion.start,
        Suggestion.end,
        Suggestion.triggers,
    )
    existing: dict[tuple[int, int], list[Any]] = {}
    for row in session.execute(_in_scope(query, code_ids, transcript_ids)):
        existing.setdefault((row.passage_id, row.code_id), []).append(row)
    passages = set(session.scalars(_in_scope(select(Passage.id), None, transcript_ids, join=False)))
    inserts, updates, seen, refreshed = [], [], set(), set()
    unchanged = kept = 0
    for new in found:
        key = (new.passage_id, new.code_id)
        if key in seen or new.passage_id not in passages:
            continue
        seen.add(key)
        rows = [r for r in existing.get(key, []) if r.status == OPEN]
        if len(rows) < len(existing.get(key, [])):
            kept += 1
            continue
        refreshed.add(key)
        values = {"score": new.score, "start": new.start, "end": new.end, "triggers": new.triggers}
        if not rows:
            inserts.append({"passage_id": new.passage_id, "code_id": new.code_id, "status": OPEN, **values})
        elif (rows[0].score, rows[0].start, rows[0].end, rows[0].triggers) == tuple(values.values()):
            unchanged += 1
        else:
            updates.append({"id": rows[0].id, **values})
    # Open suggestions the run no longer makes (or that sit beside a decided one) go, before any update,
    # so that the unique index on (passage, code, span) holds row by row.
    stale = [
        r.id
        for key, rows in existing.items()
        for i, r in enumerate(rows)
        if r.status == OPEN and (key not in refreshed or i > 0)
    ]
    for start in range(0, len(stale), CHUNK):
        session.execute(delete(Suggestion).where(Suggestion.id.in_(stale[start : start + CHUNK])))
    if updates:
        session.execute(update(Suggestion), updates)
    if inserts:
        session.execute(insert(Suggestion), inserts)
    return SyncCounts(len(inserts), len(updates), unchanged, len(stale), kept)


def _in_scope(
    query: Select, code_ids: Sequence[int] | None, transcript_ids: Sequence[int] | None, *, join: bool = True
) -> Select:
    if code_ids is not None:
        query = query.where(Suggestion.code_id.in_(code_ids))
    if transcript_ids is not None:
        if join:
            query = query.join(Passage, Passage.id == Suggestion.passage_id)
        query = query.where(Passage.transcript_id.in_(transcript_ids))
    return query


def _rows(session: Session, query: Select, coder_id: int | None) -> list[SuggestionRow]:
    query = (
        query.add_columns(Code.key, Code.name, Code.hotkey)
        .join(Code, Code.id == Suggestion.code_id)
        .where(Suggestion.status == OPEN)
        .order_by(Suggestion.passage_id, Suggestion.score.desc(), Code.position)
    )
    if coder_id is not None:
        own = select(Coding.id).where(
            Coding.passage_id == Suggestion.passage_id,
            Coding.code_id == Suggestion.code_id,
            Coding.coder_id == coder_id,
        )
        query = query.where(~own.exists())
    return [
        SuggestionRow(
            s.id,
            s.passage_id,
            s.code_id,
            key,
            name,
            hotkey,
            s.score,
            s.start,
            s.end,
            tuple(s.triggers or ()),
            s.status,
        )
        for s, key, name, hotkey in session.execute(query)
    ]


def suggestions_for_passage(
    session: Session, passage_id: int, coder_id: int | None = None
) -> list[SuggestionRow]:
    """The open suggestions on a passage, best first; with ``coder_id``, not those that coder applied."""
    return _rows(session, select(Suggestion).where(Suggestion.passage_id == passage_id), coder_id)


def suggestions_for_transcript(
    session: Session, transcript_id: int, coder_id: int | None = None
) -> dict[int, list[SuggestionRow]]:
    """The open suggestions of a whole transcript in one query, by passage id (for a screen that shows it)."""
    query = (
        select(Suggestion)
        .join(Passage, Passage.id == Suggestion.passage_id)
        .where(Passage.transcript_id == transcript_id)
    )
    found: dict[int, list[SuggestionRow]] = {}
    for row in _rows(session, query, coder_id):
        found.setdefault(row.passage_id, []).append(row)
    return found


def _open(session: Session, suggestion_id: int) -> Suggestion:
    suggestion = session.get(Suggestion, suggestion_id)
    if suggestion is None:
        raise CodeerError(f"no suggestion with id {suggestion_id}")
    if suggestion.status != OPEN:
        raise CodeerError(f"suggestion {suggestion_id} was already {suggestion.status}")
    return suggestion


def accept(session: Session, suggestion_id: int, coder_id: int, *, sentence: bool = False) -> Coding:
    """Apply the suggested code as ``coder_id``'s own coding, on the whole passage or (``sentence``) on the
    sentence the suggestion points at; the suggestion is then accepted by that coder.

    If the coder had already applied the code there, that coding stays and is returned.
    """
    suggestion = _open(session, suggestion_id)
    span = (suggestion.start, suggestion.end) if sentence else (None, None)
    key = CodingKey(suggestion.passage_id, suggestion.code_id, coder_id, *span)
    coding, _ = apply_coding(session, key, note=ACCEPTED_NOTE)
    suggestion.status, suggestion.decided_by = ACCEPTED, coder_id
    session.flush()
    return coding


def reject(session: Session, suggestion_id: int, coder_id: int) -> None:
    """Mark the suggestion rejected by ``coder_id``; no later auto-coding run brings it back."""
    suggestion = _open(session, suggestion_id)
    suggestion.status, suggestion.decided_by = REJECTED, coder_id
    session.flush()


def open_suggestions(
    session: Session,
    *,
    codebook_ids: Sequence[int] | None = None,
    transcript_ids: Sequence[int] | None = None,
    min_score: float = 0.0,
) -> list[int]:
    """The ids of the open suggestions in scope, in reading order (transcript, passage, best first)."""
    query = (
        select(Suggestion.id)
        .join(Passage, Passage.id == Suggestion.passage_id)
        .join(Transcript, Transcript.id == Passage.transcript_id)
        .where(Suggestion.status == OPEN, Suggestion.score >= min_score)
    )
    if codebook_ids is not None:
        query = query.where(Suggestion.code_id.in_(select(Code.id).where(Code.codebook_id.in_(codebook_ids))))
    query = _in_scope(query, None, transcript_ids, join=False)
    order = (Transcript.key, Passage.number, Suggestion.score.desc(), Suggestion.id)
    return list(session.scalars(query.order_by(*order)))


def accept_many(
    session: Session, suggestion_ids: Sequence[int], coder_id: int, *, sentence: bool = False
) -> BatchReport:
    """:func:`accept` for each of ``suggestion_ids`` in turn, written as sets (:mod:`.coding_batch`).

    The codings and their history events are what :func:`accept` gives one suggestion after another (a code
    the coder had already applied there stays as it is); the suggestions are marked accepted by ``coder_id``
    in one statement. A suggestion that does not exist or was already decided changes nothing: the error
    names every such one.
    """
    wanted = list(dict.fromkeys(suggestion_ids))
    found: dict[int, tuple] = {}
    query = (
        select(Suggestion.id, Suggestion.passage_id, Suggestion.code_id, Suggestion.start, Suggestion.end)
        .add_columns(Suggestion.status, Transcript.key, Passage.number, func.length(Passage.text))
        .join(Passage, Passage.id == Suggestion.passage_id)
        .join(Transcript, Transcript.id == Passage.transcript_id)
    )
    for first in range(0, len(wanted), CHUNK):
        for row in session.execute(query.where(Suggestion.id.in_(wanted[first : first + CHUNK]))):
            found[row[0]] = row[1:]
    problems = [
        CodeerError(f"no suggestion with id {sid}")
        if sid not in found
        else CodeerError(f"suggestion {sid} was already {found[sid][4]}")
        for sid in wanted
        if sid not in found or found[sid][4] != OPEN
    ]
    raise_all(problems)
    items: list[Item] = []
    for sid in wanted:
        passage_id, code_id, start, end, _, key, number, length = found[sid]
        span = (start, end) if sentence else (None, None)
        check_span(length, *span)
        items.append((passage_id, code_id, coder_id, *span, "", key, number))
    report = apply_batch(session, items, note=ACCEPTED_NOTE, update_memos=False)
    for first in range(0, len(wanted), CHUNK):
        session.execute(
            update(Suggestion)
            .where(Suggestion.id.in_(wanted[first : first + CHUNK]))
            .values(status=ACCEPTED, decided_by=coder_id)
        )
    return report
