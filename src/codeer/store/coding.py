"""Applying, changing and removing codings, each change recorded in the history (``coding_events``).

Every coding action in codeer goes through these functions, whoever calls them (the workbench, a codings
import, consensus settling, accepting a suggestion), so the history is complete by construction. They work in
the caller's session; the caller commits (one action = one transaction in the UI, one file = one
transaction in an import).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from codeer.errors import CodeerError
from codeer.model import Code, Coder, Coding, CodingEvent, Passage, Transcript, utcnow


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
    coder = session.scalar(select(Coder).where(Coder.name == name))
    if coder is None:
        coder = Coder(name=name)
        session.add(coder)
        session.flush()
    return coder


def check_span(text: str, start: int | None, end: int | None) -> None:
    """A span is both offsets or neither, inside the passage, and not empty."""
    if (start is None) != (end is None):
        raise CodeerError("a span needs both start and end (or neither, for the whole passage)")
    if start is not None and end is not None and not 0 <= start < end <= len(text):
        raise CodeerError(f"span {start}:{end} is outside the passage (0:{len(text)})")


def find_coding(session: Session, key: CodingKey) -> Coding | None:
    query = select(Coding).where(
        Coding.passage_id == key.passage_id,
        Coding.code_id == key.code_id,
        Coding.coder_id == key.coder_id,
    )
    query = (
        query.where(Coding.start.is_(None))
        if key.start is None
        else query.where(Coding.start == key.start, Coding.end == key.end)
    )
    return session.scalar(query)


def _record(
    session: Session, action: str, coding: Coding, previous: dict | None = None, note: str = ""
) -> None:
    passage = coding.passage or session.get(Passage, coding.passage_id)
    code = coding.code or session.get(Code, coding.code_id)
    transcript_key = session.scalar(select(Transcript.key).where(Transcript.id == passage.transcript_id))
    session.add(
        CodingEvent(
            action=action,
            coding_id=coding.id,
            passage_id=coding.passage_id,
            code_id=coding.code_id,
            coder_id=coding.coder_id,
            transcript_key=transcript_key or "",
            passage_number=passage.number,
            code_key=code.key,
            start=coding.start,
            end=coding.end,
            memo=coding.memo or "",
            previous=previous,
            note=note,
        )
    )


def apply_coding(
    session: Session, key: CodingKey, memo: str = "", *, action: str = "apply", note: str = ""
) -> tuple[Coding, bool]:
    """Apply a code; return the coding and whether it is new (applying twice changes nothing)."""
    existing = find_coding(session, key)
    if existing is not None:
        return existing, False
    passage = session.get(Passage, key.passage_id)
    if passage is None:
        raise CodeerError(f"no passage with id {key.passage_id}")
    check_span(passage.text, key.start, key.end)
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
    _record(session, action, coding, note=note)
    return coding, True


def remove_coding(session: Session, coding: Coding, *, note: str = "") -> None:
    _record(session, "remove", coding, note=note)
    session.delete(coding)
    session.flush()


def update_coding(
    session: Session,
    coding: Coding,
    *,
    memo: str | None = None,
    span: tuple[int | None, int | None] | None = None,
    note: str = "",
) -> None:
    """Change a coding's memo and/or span, keeping what it was in the history."""
    previous = {"memo": coding.memo, "start": coding.start, "end": coding.end}
    if span is not None:
        check_span(coding.passage.text, *span)
        coding.start, coding.end = span
    if memo is not None:
        coding.memo = memo
    if previous == {"memo": coding.memo, "start": coding.start, "end": coding.end}:
        return
    coding.updated_at = utcnow()
    session.flush()
    _record(session, "update", coding, previous=previous, note=note)


def recode(session: Session, coding: Coding, code_id: int, *, note: str = "") -> None:
    """Move a coding to another code (a merge or split), recorded as its removal from the old code and its
    application of the new one, so each moved coding is in the history under both codes."""
    _record(session, "remove", coding, note=note)
    coding.code_id = code_id
    coding.updated_at = utcnow()
    session.flush()
    session.expire(coding, ["code"])
    _record(session, "apply", coding, note=note)


def restore_coding(session: Session, coding: Coding, *, note: str = "") -> None:
    """Put back a coding exactly as it was (its id, memo and times), recorded as applied: undoing a codebook
    change that removed it."""
    session.add(coding)
    session.flush()
    _record(session, "apply", coding, note=note)


def toggle_coding(session: Session, key: CodingKey) -> bool:
    """Apply the code if this coder has not, else remove it; return True if it is now applied."""
    existing = find_coding(session, key)
    if existing is None:
        apply_coding(session, key)
        return True
    remove_coding(session, existing)
    return False
