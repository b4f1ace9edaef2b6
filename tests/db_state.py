"""What a database holds, as plain tuples, for tests that compare two ways of doing the same thing (sets
against one at a time, undo against before): one definition of "the same state", so that every such test
compares every column the others do."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from codeer.model import Code, Coder, Coding, CodingEvent, Memo
from codeer.store.database import Database


def codings_and_events(session: Session, *, since: int = 0) -> tuple[list[tuple], list[tuple]]:
    """Every coding, and every history event after ``since``, with coder names and times left out (a batch
    writes one time for all its rows)."""
    names = dict(session.execute(select(Coder.id, Coder.name)).all())
    codings = [
        (c.id, c.passage_id, c.code_id, names[c.coder_id], c.start, c.end, c.memo)
        for c in session.scalars(select(Coding).order_by(Coding.id))
    ]
    events = [
        (e.id, e.action, e.coding_id, e.passage_id, e.code_id, names[e.coder_id], e.transcript_key,
         e.passage_number, e.code_key, e.start, e.end, e.memo, e.previous, e.note)
        for e in session.scalars(select(CodingEvent).where(CodingEvent.id > since).order_by(CodingEvent.id))
    ]  # fmt: skip
    return codings, events


def codebook_state(db: Database) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Codes, codings and code memos exactly (ids, every field, times): what an undo must give back."""
    code_columns = (
        Code.id, Code.codebook_id, Code.key, Code.name, Code.parent_id, Code.hotkey, Code.definition,
        Code.examples, Code.position, Code.color,
    )  # fmt: skip
    coding_columns = (
        Coding.id, Coding.passage_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end, Coding.memo,
        Coding.created_at,
    )  # fmt: skip
    with db.session() as s:
        return (
            [tuple(r) for r in s.execute(select(*code_columns).order_by(Code.id))],
            [tuple(r) for r in s.execute(select(*coding_columns).order_by(Coding.id))],
            [
                tuple(r)
                for r in s.execute(select(Memo.id, Memo.code_id, Memo.text, Memo.coder_id).order_by(Memo.id))
            ],
        )
