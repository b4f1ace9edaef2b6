"""Coding one passage named the way a researcher names it: transcript id, passage number, code, coder.

This is what ``codeer code`` and ``codeer uncode`` run, and what a script (or a load test) calls in a loop.
Each call is one short transaction of its own, retried when another coder's write got in the way
(:func:`codeer.store.retry.run_in_transaction`), so many coders can work on one project at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Connection, Integer, Select, bindparam, func, select

from codeer.errors import CodeerError
from codeer.model.tables import codebooks, coders, codes, passages, transcripts
from codeer.store.coding import (
    CodingKey,
    Place,
    apply_located,
    coding_columns,
    coding_where,
    ensure_coder,
    locate,
    remove_coding_id,
    update_coding_id,
)
from codeer.store.database import Database
from codeer.store.retry import run_in_connection


@dataclass(frozen=True)
class PassageCoding:
    """One coding by reference. ``span`` is ``(start, end)`` in code points, None for the whole passage."""

    transcript: str
    passage: int
    code: str
    coder: str
    span: tuple[int, int] | None = None
    memo: str | None = None


def _key(conn: Connection, wanted: PassageCoding) -> tuple[CodingKey, Place]:
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
    found = conn.execute(_statement(bool(sep)), parameters).one()
    passage_id, code_id, matches, coder_id, length, coding_id, memo = found
    if passage_id is None or code_id is None or matches != 1 or coder_id is None:
        return _key_the_long_way(conn, wanted)
    located = CodingKey(passage_id, code_id, coder_id, start, end)
    return located, Place(length, coding_id, memo or "")


def _passage() -> Select:
    return (
        select(passages.c.id)
        .join(transcripts, passages.c.transcript_id == transcripts.c.id)
        .where(transcripts.c.key == bindparam("transcript"), passages.c.number == bindparam("number"))
    )


def _codes(qualified: bool) -> Select:
    """The codes a reference names: ``codebook:code``, or a plain key in whichever codebook has it."""
    found = select(codes.c.id).where(codes.c.key == bindparam("code"))
    if qualified:
        found = found.join(codebooks, codebooks.c.id == codes.c.codebook_id).where(
            codebooks.c.key == bindparam("codebook")
        )
    return found


@cache
def _statement(qualified: bool) -> Select:
    """:func:`_key`'s statement (for ``codebook:code`` or a plain code key), built once."""
    passage = _passage().scalar_subquery()
    named = _codes(qualified)
    code = named.order_by(codes.c.id).limit(1).scalar_subquery()
    coder = select(coders.c.id).where(coders.c.name == bindparam("coder")).scalar_subquery()
    start, end = bindparam("start", type_=Integer), bindparam("end", type_=Integer)
    return select(
        passage,
        code,
        select(func.count()).select_from(named.subquery()).scalar_subquery(),
        coder,
        select(func.length(passages.c.text)).where(passages.c.id == passage).scalar_subquery(),
        *coding_columns(coding_where(passage, code, coder, start, end)),
    )


def _key_the_long_way(conn: Connection, wanted: PassageCoding) -> tuple[CodingKey, Place]:
    """:func:`_key` step by step: the error names what is missing; a new coder is made.

    A plain code key in several codebooks is said by :func:`codeer.store.codebooks.find_code` (the one rule
    for code references, with the ORM: this is the way of a mistake, not of a coding).
    """
    parameters = {"transcript": wanted.transcript, "number": wanted.passage}
    passage_id = conn.execute(_passage(), parameters).scalar()
    if passage_id is None:
        known = conn.execute(select(transcripts.c.id).where(transcripts.c.key == wanted.transcript)).first()
        what = f"transcript {wanted.transcript!r}"
        raise CodeerError(f"{what} has no passage {wanted.passage}" if known else f"unknown {what}")
    book, sep, code_key = wanted.code.strip().partition(":")
    named = conn.execute(_codes(bool(sep)), {"codebook": book, "code": code_key if sep else book}).all()
    if len(named) > 1:
        from sqlalchemy.orm import Session

        from codeer.store.codebooks import find_code

        find_code(Session(bind=conn), wanted.code)  # a key in several codebooks: says which
    if len(named) != 1:
        raise CodeerError(f"unknown code {wanted.code!r}")
    code_id = named[0][0]
    coder_id = ensure_coder(conn, wanted.coder)
    start, end = wanted.span or (None, None)
    key = CodingKey(passage_id, code_id, coder_id, start, end)
    return key, locate(conn, key)


def code_passage(db: Database, wanted: PassageCoding, *, note: str = "") -> str:
    """Apply the code (or change the memo of the coding already there); say what happened. ``note`` goes
    into the history as where the change came from."""

    def work(conn: Connection) -> str:
        key, place = _key(conn, wanted)
        coding_id, new = apply_located(conn, key, place, wanted.memo or "", note=note)
        if new:
            return "applied"
        if wanted.memo is not None and wanted.memo != place.memo:
            was = {"memo": place.memo, "start": key.start, "end": key.end}
            update_coding_id(conn, coding_id, was, memo=wanted.memo, note=note)
            return "memo updated"
        return "already applied"

    return run_in_connection(db, work)


def uncode_passage(db: Database, wanted: PassageCoding, *, note: str = "") -> str:
    """Remove the coding if the coder has it; say what happened (``note``: as for :func:`code_passage`)."""

    def work(conn: Connection) -> str:
        _, place = _key(conn, wanted)
        if place.coding_id is None:
            return "not coded"
        remove_coding_id(conn, place.coding_id, note=note)
        return "removed"

    return run_in_connection(db, work)
