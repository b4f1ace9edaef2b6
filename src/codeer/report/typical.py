"""The most typical quotes of each code, for the report: chosen by the database, a few per code.

"Typical" is defined so anyone can check it. Among the passages coded with the code (by the selected
coders), a passage ranks higher when

1. it is the best of its transcript (the first quotes of a code come from different transcripts);
2. more coders applied the code to it (the coders agree it is an instance);
3. it carries fewer other codes (it is about this code, not about several at once);
4. it is spoken by a participant, not by a moderator (``rol: moderator``, as in the pseudonyms);
5. it has a readable length (40–600 characters);

then transcript and passage order break the tie. Where every coding of the code in the passage is a span,
the quote is the stretch from the first span's start to the last one's end; else the whole passage.
Speakers and names in the text are pseudonymised (:mod:`codeer.analysis.pseudonyms`) unless asked not to.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Integer, and_, case, cast, distinct, func, or_, select
from sqlalchemy.orm import Session

from codeer.analysis.codes import CODINGS, Selection, coder_ids
from codeer.analysis.pseudonyms import MODERATOR, ROLE_ATTRIBUTE, build_pseudonyms
from codeer.analysis.segments import clock
from codeer.model import Passage, Speaker, SpeakerAttribute, Transcript

PASSAGES = Passage.__table__
READABLE = (40, 600)  # characters


@dataclass(frozen=True)
class TypicalQuote:
    code_id: int
    transcript: str
    passage: int
    time: str
    speaker: str
    coders: int  # how many selected coders applied the code here
    text: str


def typical_quotes(
    session: Session, selection: Selection, per_code: int = 3, *, pseudonymise: bool = True
) -> dict[int, list[TypicalQuote]]:
    """Code id → its ``per_code`` most typical quotes, best first (see the module docstring)."""
    codings = select(
        CODINGS.c.passage_id,
        CODINGS.c.code_id,
        func.count(distinct(CODINGS.c.coder_id)).label("coders"),
        func.max(case((CODINGS.c.start.is_(None), 1), else_=0)).label("whole"),
        func.min(CODINGS.c.start).label("start"),
        func.max(CODINGS.c.end).label("end"),
    ).group_by(CODINGS.c.passage_id, CODINGS.c.code_id)
    others = select(CODINGS.c.passage_id, func.count(distinct(CODINGS.c.code_id)).label("codes")).group_by(
        CODINGS.c.passage_id
    )
    if selection.coders:
        chosen = coder_ids(session, selection.coders)
        codings = codings.where(CODINGS.c.coder_id.in_(chosen))
        others = others.where(CODINGS.c.coder_id.in_(chosen))
    coded, counted = codings.subquery("coded"), others.subquery("counted")
    role = SpeakerAttribute.__table__.alias("role")
    moderator = case((func.lower(func.trim(role.c.value)) == MODERATOR, 1), else_=0)
    length = func.length(PASSAGES.c.text)
    unreadable = case((or_(length < READABLE[0], length > READABLE[1]), 1), else_=0)
    merit = (coded.c.coders.desc(), counted.c.codes, moderator, unreadable, PASSAGES.c.transcript_id)
    within = func.row_number().over(
        partition_by=(coded.c.code_id, PASSAGES.c.transcript_id), order_by=(*merit, PASSAGES.c.number)
    )
    ranked = (
        select(
            coded.c.code_id,
            coded.c.passage_id,
            coded.c.coders,
            coded.c.whole,
            coded.c.start,
            coded.c.end,
            PASSAGES.c.transcript_id,
            PASSAGES.c.number,
            *(column.label(f"m{i}") for i, column in enumerate((counted.c.codes, moderator, unreadable))),
            within.label("within"),
        )
        .join(PASSAGES, PASSAGES.c.id == coded.c.passage_id)
        .join(counted, counted.c.passage_id == coded.c.passage_id)
        .outerjoin(role, and_(role.c.speaker_id == PASSAGES.c.speaker_id, role.c.name == ROLE_ATTRIBUTE))
        .subquery("ranked")
    )
    overall = func.row_number().over(
        partition_by=ranked.c.code_id,
        order_by=(
            ranked.c.within, ranked.c.coders.desc(), ranked.c.m0, ranked.c.m1, ranked.c.m2,
            ranked.c.transcript_id, ranked.c.number,
        ),
    )  # fmt: skip
    best = select(
        ranked.c.code_id, ranked.c.passage_id, ranked.c.coders, ranked.c.whole, ranked.c.start, ranked.c.end,
        overall.label("rank"),
    ).subquery("best")  # fmt: skip
    rows = session.execute(
        select(
            best.c.code_id,
            best.c.coders,
            cast(best.c.whole, Integer),
            best.c.start,
            best.c.end,
            Transcript.id,
            Transcript.key,
            Passage.number,
            Passage.start_ms,
            Passage.speaker_id,
            Speaker.name,
            Passage.text,
        )
        .join(Passage, Passage.id == best.c.passage_id)
        .join(Transcript, Transcript.id == Passage.transcript_id)
        .outerjoin(Speaker, Speaker.id == Passage.speaker_id)
        .where(best.c.rank <= per_code)
        .order_by(best.c.code_id, best.c.rank)
    ).all()
    pseudonyms = build_pseudonyms(session) if pseudonymise and rows else None
    found: dict[int, list[TypicalQuote]] = defaultdict(list)
    for code_id, coders, whole, start, end, tid, key, number, ms, sid, name, text in rows:
        if not whole and start is not None and end is not None:
            text = text[start:end]
        speaker = name or ""
        if pseudonyms is not None:
            text, speaker = pseudonyms.text(tid, text), pseudonyms.speaker(sid)
        found[code_id].append(TypicalQuote(code_id, key, number, clock(ms), speaker, coders, text))
    return dict(found)
