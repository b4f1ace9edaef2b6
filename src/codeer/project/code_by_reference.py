"""Coding one passage named the way a researcher names it: transcript id, passage number, code, coder.

This is what ``codeer code`` and ``codeer uncode`` run, and what a script (or a load test) calls in a loop.
Each call is one short transaction of its own, retried when another coder's write got in the way
(:func:`codeer.store.retry.run_in_transaction`), so many coders can work on one project at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.orm import Session

from codeer.errors import CodeerError
from codeer.model import Code, Codebook, Coder, Coding, Passage, Transcript
from codeer.store.codebooks import find_code
from codeer.store.coding import (
    CodingKey,
    Place,
    apply_located,
    coding_where,
    get_or_create_coder,
    locate,
    remove_coding_id,
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


def _key(session: Session, wanted: PassageCoding) -> tuple[CodingKey, Place]:
    """The coding ``wanted`` names and what :func:`~codeer.store.coding.locate` tells about it.

    One statement in the usual case (the passage, the code, the coder and the coding already there, found
    by subqueries of one SELECT), so that a scripted ``codeer code`` in a loop costs three statements a
    coding, as the workbench does; anything not found takes the longer way, which says what is wrong (or
    makes the coder, on a first coding).
    """
    start, end = wanted.span or (None, None)
    book, sep, code_key = wanted.code.strip().partition(":")
    parameters = {
        "transcript": wanted.transcript,
        "number": wanted.passage,
        "codebook": book,
        "code": code_key if sep else book,
        "coder": wanted.coder.strip(),
        "start": -1 if start is None else start,
        "end": -1 if end is None else end,
    }
    found = session.connection().execute(_statement(bool(sep)), parameters).one()
    passage_id, code_id, matches, coder_id, length, coding_id = found
    if passage_id is None or code_id is None or matches != 1 or coder_id is None:
        return _key_the_long_way(session, wanted)
    located = CodingKey(passage_id, code_id, coder_id, start, end)
    return located, Place(length, coding_id, wanted.coder.strip())


@cache
def _statement(qualified: bool) -> Select:
    """:func:`_key`'s statement (for ``codebook:code`` or a plain code key), built once."""
    passage = (
        select(Passage.id)
        .join(Transcript, Passage.transcript_id == Transcript.id)
        .where(Transcript.key == bindparam("transcript"), Passage.number == bindparam("number"))
        .scalar_subquery()
    )
    codes = select(Code.id).where(Code.key == bindparam("code"))
    if qualified:
        codes = codes.join(Codebook, Codebook.id == Code.codebook_id).where(
            Codebook.key == bindparam("codebook")
        )
    code = codes.order_by(Code.id).limit(1).scalar_subquery()
    coder = select(Coder.id).where(Coder.name == bindparam("coder")).scalar_subquery()
    start, end = bindparam("start", type_=Integer), bindparam("end", type_=Integer)
    return select(
        passage,
        code,
        select(func.count()).select_from(codes.subquery()).scalar_subquery(),
        coder,
        select(func.length(Passage.text)).where(Passage.id == passage).scalar_subquery(),
        select(Coding.id).where(*coding_where(passage, code, coder, start, end)).scalar_subquery(),
    )


def _key_the_long_way(session: Session, wanted: PassageCoding) -> tuple[CodingKey, Place]:
    """:func:`_key` step by step: the error names what is missing; a new coder is made."""
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
    key = CodingKey(row.id, code.id, coder.id, start, end)
    return key, locate(session, key)


def code_passage(db: Database, wanted: PassageCoding, *, note: str = "") -> str:
    """Apply the code (or change the memo of the coding already there); say what happened. ``note`` goes
    into the history as where the change came from."""

    def work(session: Session) -> str:
        coding, new = apply_located(session, *_key(session, wanted), wanted.memo or "", note=note)
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
        _, place = _key(session, wanted)
        if place.coding_id is None:
            return "not coded"
        remove_coding_id(session, place.coding_id, note=note)
        return "removed"

    return run_in_transaction(db, work)
