"""The counts ``codeer status`` and the transcript list show: what is in the project and how far coding is."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
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
    per_coder = session.execute(
        select(
            Coder.name,
            func.count(distinct(Coding.passage_id)),
            func.count(Coding.id),
            func.count(distinct(Passage.transcript_id)),
        )
        .select_from(Coder)
        .outerjoin(Coding, Coding.coder_id == Coder.id)
        .outerjoin(Passage, Coding.passage_id == Passage.id)
        .group_by(Coder.name)
        .order_by(Coder.name)
    ).all()
    # Streamed: a project of millions of words never sits in memory just to be counted.
    passages = words = 0
    for text in session.scalars(select(Passage.text).execution_options(yield_per=5000)):
        passages += 1
        words += len(text.split())
    return ProjectStatus(
        transcripts=session.scalar(select(func.count(Transcript.id))) or 0,
        passages=passages,
        words=words,
        codebooks=session.scalar(select(func.count(Codebook.id))) or 0,
        codes=session.scalar(select(func.count(Code.id))) or 0,
        coders=[CoderProgress(*row) for row in per_coder],
    )
