"""The counts ``codeer status`` and the transcript list show: what is in the project and how far coding is."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Table, distinct, func, select

from codeer.model.tables import codebooks, coders, codes, codings, passages, transcripts


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


def project_status(conn: Connection) -> ProjectStatus:
    """The counts, read through the tables (``codeer status`` starts without SQLAlchemy's ORM)."""
    coder, coding, passage = coders.c, codings.c, passages.c
    per_coder = conn.execute(
        select(
            coder.name,
            func.count(distinct(coding.passage_id)),
            func.count(coding.id),
            func.count(distinct(passage.transcript_id)),
        )
        .select_from(coders)
        .outerjoin(codings, coding.coder_id == coder.id)
        .outerjoin(passages, coding.passage_id == passage.id)
        .group_by(coder.name)
        .order_by(coder.name)
    ).all()
    # Streamed: a project of millions of words never sits in memory just to be counted.
    words = count = 0
    for text in conn.execution_options(yield_per=5000).scalars(select(passage.text)):
        count += 1
        words += len(text.split())

    def rows(table: Table) -> int:
        return conn.scalar(select(func.count()).select_from(table)) or 0

    return ProjectStatus(
        transcripts=rows(transcripts),
        passages=count,
        words=words,
        codebooks=rows(codebooks),
        codes=rows(codes),
        coders=[CoderProgress(*row) for row in per_coder],
    )
