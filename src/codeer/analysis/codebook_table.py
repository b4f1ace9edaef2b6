"""The codebook as a table for a report: each code's definition beside how much it was used.

Counts are over the selected coders (everyone's by default): ``codings`` (every coding, spans apart),
``coders`` who applied it, ``passages`` and ``transcripts`` coded with it directly, and
``passages_with_subcodes`` coded with it or any code below it (the ``--rollup`` count).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import FromClause, distinct, exists, func, select, true
from sqlalchemy.orm import Session

from codeer.analysis.cells import code_cells, coded_passages
from codeer.analysis.codes import CODES, CODINGS, CodeInfo, Selection, code_closure, load_codes
from codeer.model import Coder
from codeer.store.codebook_ops import code_memos
from codeer.store.coders import coder_ids

CODERS = Coder.__table__


@dataclass(frozen=True)
class CodebookEntry:
    code: CodeInfo
    parent: str  # the parent's ref, or empty
    definition: str
    include: str
    exclude: str
    examples: tuple[str, ...]
    keywords: tuple[str, ...]
    hotkey: str
    color: str
    memo: str  # the code's memo: the analyst's developing ideas about it
    codings: int
    coders: int
    passages: int
    transcripts: int
    passages_with_subcodes: int


def _usage(session: Session, coders: tuple[str, ...]) -> dict[int, tuple[int, int]]:
    """Code id → (codings, coders who applied it), for the codes that were applied.

    Two cheap queries rather than one ``count(DISTINCT coder_id)`` per code, which reads the row of every
    coding (over a second on a million codings): the codings per code are counted on the code's index
    alone, and whether a coder applied a code is an index probe per code and coder that stops at the first.
    """
    counted = select(CODINGS.c.code_id, func.count()).group_by(CODINGS.c.code_id)
    people: FromClause = CODERS
    if coders:
        chosen = coder_ids(session, coders)
        counted = counted.where(CODINGS.c.coder_id.in_(chosen))
        people = select(CODERS.c.id).where(CODERS.c.id.in_(chosen)).subquery("people")
    applied_by = (
        select(CODES.c.id, func.count())
        .select_from(CODES.join(people, true()))
        .where(exists().where(CODINGS.c.code_id == CODES.c.id, CODINGS.c.coder_id == people.c.id))
        .group_by(CODES.c.id)
    )
    by: dict[int, int] = dict(session.execute(applied_by).all())
    return {code_id: (codings, by.get(code_id, 0)) for code_id, codings in session.execute(counted)}


def codebook_entries(session: Session, coders: tuple[str, ...] = ()) -> list[CodebookEntry]:
    """Every code of every codebook, in codebook order, with its counts (zero where unused)."""
    codes = load_codes(session)
    applied = _usage(session, coders)
    selection = Selection(coders=coders)
    cells = code_cells(session, selection)
    reach = {
        code_id: (int(passages), transcripts)
        for code_id, passages, transcripts in session.execute(
            select(
                cells.c.code_id, func.sum(cells.c.passages), func.count(distinct(cells.c.transcript_id))
            ).group_by(cells.c.code_id)
        )
    }
    coded, closure = coded_passages(session, selection), code_closure()
    rolled: dict[int, int] = dict(
        session.execute(
            select(closure.c.ancestor, func.count(distinct(coded.c.passage_id)))
            .join(coded, coded.c.code_id == closure.c.descendant)
            .group_by(closure.c.ancestor)
        ).all()
    )
    texts = {
        row.id: row
        for row in session.execute(
            select(
                CODES.c.id,
                CODES.c.definition,
                CODES.c.include,
                CODES.c.exclude,
                CODES.c.examples,
                CODES.c.keywords,
                CODES.c.hotkey,
                CODES.c.color,
            )
        )
    }
    memos = code_memos(session)
    entries = []
    for code in codes.values():
        text = texts[code.id]
        codings, coder_count = applied.get(code.id, (0, 0))
        passages, transcripts = reach.get(code.id, (0, 0))
        entries.append(
            CodebookEntry(
                code,
                codes[code.parent_id].ref if code.parent_id in codes else "",
                text.definition or "",
                text.include or "",
                text.exclude or "",
                tuple(str(e) for e in text.examples or ()),
                tuple(str(k) for k in text.keywords or ()),
                text.hotkey or "",
                text.color or "",
                memos.get(code.id, ""),
                codings,
                coder_count,
                passages,
                transcripts,
                rolled.get(code.id, 0),
            )
        )
    return entries
