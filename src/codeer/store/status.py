"""The counts ``codeer status`` and the transcript list show: what is in the project and how far coding is."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, distinct, func, select
from sqlalchemy.orm import Session

from codeer.model import Code, Codebook, Coder, Coding, Passage, Transcript


@dataclass
class CoderProgress:
    name: str
    passages: int
    codings: int
    transcripts: int


@dataclass
class ProjectStatus:
    transcripts: int
    passages: int
    words: int
    codebooks: int
    codes: int
    coders: list[CoderProgress]


def project_status(session: Session) -> ProjectStatus:
    """The counts, read through the tables (no ORM entity, so ``codeer status`` sets up no mappers)."""
    coders, codings, passages = Coder.__table__.c, Coding.__table__.c, Passage.__table__.c
    per_coder = session.execute(
        select(
            coders.name,
            func.count(distinct(codings.passage_id)),
            func.count(codings.id),
            func.count(distinct(passages.transcript_id)),
        )
        .select_from(Coder.__table__)
        .outerjoin(Coding.__table__, codings.coder_id == coders.id)
        .outerjoin(Passage.__table__, codings.passage_id == passages.id)
        .group_by(coders.name)
        .order_by(coders.name)
    ).all()
    # Streamed: a project of millions of words never sits in memory just to be counted.
    words = count = 0
    for text in session.scalars(select(passages.text).execution_options(yield_per=5000)):
        count += 1
        words += len(text.split())

    def rows(table: Table) -> int:
        return session.scalar(select(func.count()).select_from(table)) or 0

    return ProjectStatus(
        transcripts=rows(Transcript.__table__),
        passages=count,
        words=words,
        codebooks=rows(Codebook.__table__),
        codes=rows(Code.__table__),
        coders=[CoderProgress(*row) for row in per_coder],
    )
