"""The most typical quotes of each code, for the report: chosen by the database, a few per code.

"Typical" is defined so anyone can check it. Among the passages coded with the code (by the selected
coders), a passage ranks higher when

1. it is the best of its transcript (the first quotes of a code come from different transcripts);
2. more coders applied the code to it (the coders agree it is an instance);
3. it carries fewer other codes (it is about this code, not about several at once);
4. it is spoken by a participant, not by a moderator (the project's rule, :mod:`codeer.store.moderators`);
5. it has a readable length (40–600 characters);

then transcript and passage order break the tie. Where every coding of the code in the passage is a span,
the quote is the stretch from the first span's start to the last one's end; else the whole passage.
Speakers and names in the text are pseudonymised (:mod:`codeer.analysis.pseudonyms`) unless asked not to.

The database counts (coders per passage and code, codes per passage, a passage's speaker role and length);
numpy ranks those few integers per code, since two SQL window functions over every (passage, code) took
seconds on a million codings; then only the chosen passages' texts are read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt
from sqlalchemy import case, distinct, func, or_, select, tuple_
from sqlalchemy.orm import Session

from codeer.analysis.arrays import fetch
from codeer.analysis.codes import CODINGS, Selection
from codeer.analysis.pseudonyms import build_pseudonyms
from codeer.analysis.segments import clock
from codeer.model import Passage, Speaker, Transcript
from codeer.store.coders import coder_ids
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule

PASSAGES = Passage.__table__
READABLE = (40, 600)  # characters

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class TypicalQuote:
    code_id: int
    transcript: str
    passage: int
    time: str
    speaker: str
    coders: int  # how many selected coders applied the code here
    text: str


def _array(rows: Sequence[Sequence[int]], width: int) -> Ints:
    """Result rows of integers as a matrix (through ``fromiter``: numpy is slow to take rows as a list)."""
    return np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width).reshape(-1, width)


def _sort_order(keys: tuple[Ints, ...]) -> Ints:
    """``numpy.lexsort(keys)``, as one stable sort of the keys packed into one integer where their ranges
    allow (they do for any real project): several times faster on the half million rows of 1M codings."""
    packed = np.zeros(len(keys[0]), dtype=np.int64)
    scale = 1
    for key in keys:
        low = int(key.min())
        span = int(key.max()) - low + 1
        if scale * span >= 1 << 62:
            return np.lexsort(keys)
        packed += (key - low) * scale
        scale *= span
    return np.argsort(packed, kind="stable")


def _rank_in_runs(*keys: Ints) -> Ints:
    """Each row's place (0, 1, ...) among the rows with equal ``keys[-1]``, ordered by the other keys,
    the last but one first (``numpy.lexsort``'s order: the last key is the primary one)."""
    order = _sort_order(keys)
    primary = keys[-1][order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = primary[1:] != primary[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - first
    return rank


def _chosen(
    session: Session, selection: Selection, per_code: int, moderators: ModeratorRule
) -> list[tuple[int, int, int]]:
    """``(code_id, passage_id, coders)`` of the typical quotes, each code's best first."""
    codings = select(CODINGS.c.code_id, CODINGS.c.passage_id, func.count(distinct(CODINGS.c.coder_id)))
    codes_per_passage = select(CODINGS.c.passage_id, func.count(distinct(CODINGS.c.code_id)).label("codes"))
    if selection.coders:
        chosen = coder_ids(session, selection.coders)
        codings = codings.where(CODINGS.c.coder_id.in_(chosen))
        codes_per_passage = codes_per_passage.where(CODINGS.c.coder_id.in_(chosen))
    coded = _array(fetch(session, codings.group_by(CODINGS.c.passage_id, CODINGS.c.code_id)), 3)
    if not len(coded) or per_code <= 0:
        return []
    counted = codes_per_passage.group_by(CODINGS.c.passage_id).subquery("counted")
    length = func.length(PASSAGES.c.text)
    passages = _array(
        fetch(
            session,
            select(
                counted.c.passage_id,
                PASSAGES.c.transcript_id,
                PASSAGES.c.number,
                counted.c.codes,
                case((PASSAGES.c.speaker_id.in_(moderators.speaker_ids()), 1), else_=0),
                case((or_(length < READABLE[0], length > READABLE[1]), 1), else_=0),
            )
            .join(PASSAGES, PASSAGES.c.id == counted.c.passage_id)
            .order_by(counted.c.passage_id),
        ),
        6,
    )
    code, passage, coders = coded.T
    where = np.searchsorted(passages[:, 0], passage)
    transcript, number, codes, moderator, unreadable = passages[where, 1:].T
    merit = (number, unreadable, moderator, codes, -coders)  # the least important first
    within = _rank_in_runs(*merit, transcript * (code.max() + 1) + code)  # place within the transcript
    rank = _rank_in_runs(number, transcript, unreadable, moderator, codes, -coders, within, code)
    keep = np.flatnonzero(rank < per_code)
    keep = keep[np.lexsort((rank[keep], code[keep]))]
    return [(int(code[i]), int(passage[i]), int(coders[i])) for i in keep]


def typical_quotes(
    session: Session,
    selection: Selection,
    per_code: int = 3,
    *,
    pseudonymise: bool = True,
    moderators: ModeratorRule = DEFAULT_RULE,
) -> dict[int, list[TypicalQuote]]:
    """Code id → its ``per_code`` most typical quotes, best first (see the module docstring);
    ``moderators``: who is one, for the ranking and the ``M`` pseudonym."""
    chosen = _chosen(session, selection, per_code, moderators)
    if not chosen:
        return {}
    spans = select(
        CODINGS.c.passage_id,
        CODINGS.c.code_id,
        func.max(case((CODINGS.c.start.is_(None), 1), else_=0)),
        func.min(CODINGS.c.start),
        func.max(CODINGS.c.end),
    ).where(tuple_(CODINGS.c.passage_id, CODINGS.c.code_id).in_([(p, c) for c, p, _ in chosen]))
    if selection.coders:
        spans = spans.where(CODINGS.c.coder_id.in_(coder_ids(session, selection.coders)))
    stretch = {
        (pid, cid): (whole, start, end)
        for pid, cid, whole, start, end in session.execute(
            spans.group_by(CODINGS.c.passage_id, CODINGS.c.code_id)
        )
    }
    details = {
        row[0]: row[1:]
        for row in session.execute(
            select(Passage.id, Transcript.id, Transcript.key, Passage.number, Passage.start_ms,
                   Passage.speaker_id, Speaker.name, Passage.text)
            .join(Transcript, Transcript.id == Passage.transcript_id)
            .outerjoin(Speaker, Speaker.id == Passage.speaker_id)
            .where(Passage.id.in_({p for _, p, _ in chosen}))
        )
    }  # fmt: skip
    pseudonyms = build_pseudonyms(session, moderators) if pseudonymise else None
    found: dict[int, list[TypicalQuote]] = defaultdict(list)
    for code_id, passage_id, coders in chosen:
        tid, key, number, ms, sid, name, text = details[passage_id]
        whole, start, end = stretch[(passage_id, code_id)]
        if not whole and start is not None and end is not None:
            text = text[start:end]
        speaker = name or ""
        if pseudonyms is not None:
            text, speaker = pseudonyms.text(tid, text), pseudonyms.speaker(sid)
        found[code_id].append(TypicalQuote(code_id, key, number, clock(ms), speaker, coders, text))
    return dict(found)
