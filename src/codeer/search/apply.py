"""Search, then code: put a code on every hit's passage (or on the hit's sentence), as one undoable step.

The plan is made first (:func:`plan_codings`), so ``--dry-run`` shows exactly what would be done: one
coding per passage, or per distinct sentence span with ``--span sentence`` (the sentences, as stored at
import, that the hit overlaps: a hit across two sentences takes both); a coding the coder already has is
listed as such and left alone. :func:`apply_plan` then applies it in the caller's transaction as one
set-based write (:mod:`codeer.store.coding_batch`: a search may code thousands of passages), every coding
recorded in the history with one note (:func:`codeer.store.history.search_note`; in a team database the
server's trigger writes the events with that note), which makes the whole search one step for undo (``u``
in the workbench, ``codeer search --undo``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from codeer.analysis.codes import load_codes
from codeer.choices import SEARCH_SPANS
from codeer.errors import CodeerError
from codeer.model import Coding, Passage
from codeer.search.code_query import resolve_code
from codeer.search.hits import Hit
from codeer.store.coding import CodingKey
from codeer.store.coding_batch import apply_batch
from codeer.store.history import search_note


@dataclass(frozen=True)
class PlannedCoding:
    key: CodingKey
    transcript: str
    number: int
    exists: bool  # the coder has this coding already: nothing to do


@dataclass(frozen=True)
class Plan:
    code_id: int
    code_ref: str
    codings: list[PlannedCoding]

    @property
    def new(self) -> list[PlannedCoding]:
        return [c for c in self.codings if not c.exists]


def _sentence_span(sentences: Sequence[Sequence[int]], start: int, end: int, length: int) -> tuple[int, int]:
    covering = [(s, e) for s, e in sentences if s < end and e > start]
    if not covering:
        return 0, length
    return min(s for s, _ in covering), max(e for _, e in covering)


def plan_codings(
    session: Session, hits: Sequence[Hit], code: str, coder_id: int, *, span: str = "passage"
) -> Plan:
    """What coding the hits with ``code`` as ``coder_id`` would add, without changing anything."""
    if span not in SEARCH_SPANS:
        raise CodeerError(f"--span is one of {', '.join(SEARCH_SPANS)}, not {span!r}")
    codes = load_codes(session)
    code_id = resolve_code(codes, code)
    sentences: dict[int, list] = {}
    if span == "sentence":
        ids = sorted({h.passage_id for h in hits})
        for at in range(0, len(ids), 500):
            chunk = ids[at : at + 500]
            sentences.update(
                session.execute(select(Passage.id, Passage.sentences).where(Passage.id.in_(chunk))).all()
            )
    have = {
        CodingKey(*row)
        for row in session.execute(
            select(Coding.passage_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end).where(
                Coding.code_id == code_id, Coding.coder_id == coder_id
            )
        )
    }
    planned: dict[CodingKey, PlannedCoding] = {}
    for hit in hits:
        if span == "sentence":
            start, end = _sentence_span(
                sentences.get(hit.passage_id) or [], hit.start, hit.end, len(hit.text)
            )
            key = (
                CodingKey(hit.passage_id, code_id, coder_id)
                if (start, end) == (0, len(hit.text))
                else CodingKey(hit.passage_id, code_id, coder_id, start, end)
            )
        else:
            key = CodingKey(hit.passage_id, code_id, coder_id)
        if key not in planned:
            planned[key] = PlannedCoding(key, hit.transcript, hit.number, key in have)
    return Plan(code_id, codes[code_id].ref, list(planned.values()))


def apply_plan(session: Session, plan: Plan, query: str) -> int:
    """Apply the plan's new codings in the caller's transaction; return how many were applied."""
    items = [
        (c.key.passage_id, c.key.code_id, c.key.coder_id, c.key.start, c.key.end, "", c.transcript, c.number)
        for c in plan.new
    ]
    note = search_note(uuid.uuid4().hex[:8], query)
    return apply_batch(session, items, note=note, update_memos=False).added
