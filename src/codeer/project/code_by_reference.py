"""Coding one passage named the way a researcher names it: transcript id, passage number, code, coder.

This is what ``codeer code`` and ``codeer uncode`` run, and what a script (or a load test) calls in a loop.
Each call is one short transaction of its own, retried when another coder's write got in the way
(:func:`codeer.store.retry.run_in_transaction`), so many coders can work on one project at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from codeer.errors import CodeerError
from codeer.model import Passage, Transcript
from codeer.store.codebooks import find_code
from codeer.store.coding import (
    CodingKey,
    apply_coding,
    find_coding,
    get_or_create_coder,
    remove_coding,
    update_coding,
)
from codeer.store.database import Database
from codeer.store.retry import run_in_transaction


@dataclass(frozen=True)
class PassageCoding:
    """One coding by reference. ``span`` is ``(start, end)`` in code points, None for the whole passage."""

    transcript: str
    passage: int
    code: str
    coder: str
    span: tuple[int, int] | None = None
    memo: str | None = None


def _key(session: Session, wanted: PassageCoding) -> CodingKey:
    row = session.execute(
        select(Passage.id)
        .join(Transcript, Passage.transcript_id == Transcript.id)
        .where(Transcript.key == wanted.transcript, Passage.number == wanted.passage)
    ).first()
    if row is None:
        known = session.scalar(select(Transcript.id).where(Transcript.key == wanted.transcript))
        what = f"transcript {wanted.transcript!r}"
        raise CodeerError(f"{what} has no passage {wanted.passage}" if known else f"unknown {what}")
    code = find_code(session, wanted.code)
    if code is None:
        raise CodeerError(f"unknown code {wanted.code!r}")
    coder = get_or_create_coder(session, wanted.coder)
    start, end = wanted.span or (None, None)
    return CodingKey(row.id, code.id, coder.id, start, end)


def code_passage(db: Database, wanted: PassageCoding, *, note: str = "") -> str:
    """Apply the code (or change the memo of the coding already there); say what happened. ``note`` goes
    into the history as where the change came from."""

    def work(session: Session) -> str:
        coding, new = apply_coding(session, _key(session, wanted), wanted.memo or "", note=note)
        if new:
            return "applied"
        if wanted.memo is not None and wanted.memo != coding.memo:
            update_coding(session, coding, memo=wanted.memo, note=note)
            return "memo updated"
        return "already applied"

    return run_in_transaction(db, work)


def uncode_passage(db: Database, wanted: PassageCoding, *, note: str = "") -> str:
    """Remove the coding if the coder has it; say what happened (``note``: as for :func:`code_passage`)."""

    def work(session: Session) -> str:
        existing = find_coding(session, _key(session, wanted))
        if existing is None:
            return "not coded"
        remove_coding(session, existing, note=note)
        return "removed"

    return run_in_transaction(db, work)
