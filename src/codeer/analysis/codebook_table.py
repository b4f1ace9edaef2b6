"""The codebook as a table for a report: each code's definition beside how much it was used.

Counts are over the selected coders (everyone's by default): ``codings`` (every coding, spans apart),
``coders`` who applied it, ``passages`` and ``transcripts`` coded with it directly, and
``passages_with_subcodes`` coded with it or any code below it (the ``--rollup`` count).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from codeer.analysis.codes import CODES, CODINGS, CodeInfo, Selection, coder_ids, load_codes
from codeer.analysis.frequencies import frequencies
from codeer.analysis.groups import PASSAGES


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
    codings: int
    coders: int
    passages: int
    transcripts: int
    passages_with_subcodes: int


def codebook_entries(session: Session, coders: tuple[str, ...] = ()) -> list[CodebookEntry]:
    """Every code of every codebook, in codebook order, with its counts (zero where unused)."""
    codes = load_codes(session)
    usage = (
        select(
            CODINGS.c.code_id,
            func.count(),
            func.count(distinct(CODINGS.c.coder_id)),
            func.count(distinct(CODINGS.c.passage_id)),
            func.count(distinct(PASSAGES.c.transcript_id)),
        )
        .select_from(CODINGS.join(PASSAGES, PASSAGES.c.id == CODINGS.c.passage_id))
        .group_by(CODINGS.c.code_id)
    )
    if coders:
        usage = usage.where(CODINGS.c.coder_id.in_(coder_ids(session, coders)))
    counts = {row[0]: tuple(row[1:]) for row in session.execute(usage)}
    rolled = frequencies(session, Selection(coders=coders, rollup=True))
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
    entries = []
    for code in codes.values():
        text = texts[code.id]
        codings, coder_count, passages, transcripts = counts.get(code.id, (0, 0, 0, 0))
        with_subcodes = rolled.cell((), code.id)
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
                codings,
                coder_count,
                passages,
                transcripts,
                with_subcodes.passages if with_subcodes else 0,
            )
        )
    return entries
