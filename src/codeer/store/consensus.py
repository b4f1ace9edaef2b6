"""Settling disagreements between coders into a consensus coder, one passage at a time.

A passage is a *disagreement* when the compared coders who rated it (those who coded its transcript at all,
as in the agreement report) did not all apply the same codes to it; a span counts for its passage. The queue
is every such passage of the transcripts at least two compared coders coded, minus the passages the
consensus coder has already settled.

Settling writes the outcome as the consensus coder's codings (through
:func:`codeer.store.coding.apply_coding` with ``action="settle"``, so the history records it) and a
:class:`~codeer.model.Settlement` row, which is what marks the passage as settled, also when the outcome is no
code at all. The consensus coder is a coder like any
other: every export and analysis can select it. Settling a passage again replaces the earlier outcome.

The choices: a compared coder's name (keep that coder's codings, spans and memos), ``"both"`` (the union
of every compared coder's codes), ``"neither"`` (no code), or a set of code ids (an edited outcome). Where
several coders applied a kept code, a whole-passage coding wins over spans; otherwise every distinct span is
kept. A code no compared coder applied (only possible in an edited outcome) covers the whole passage.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from codeer.errors import CodeerError
from codeer.model import (
    Code,
    Codebook,
    Coder,
    Coding,
    Memo,
    Passage,
    Settlement,
    Speaker,
    Transcript,
    utcnow,
)
from codeer.store.coders import coder_ids
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder, remove_coding

CONSENSUS = "consensus"
CHUNK = 500  # passage ids per query when reading the queue's details
BOTH = "both"
NEITHER = "neither"
Choice = str | Collection[int]


class CodingView(NamedTuple):
    """A coding as the queue shows it (a tuple: a large queue makes hundreds of thousands of them)."""

    code_id: int
    code_key: str
    code_name: str
    start: int | None
    end: int | None
    memo: str


@dataclass(frozen=True)
class CoderView:
    """One compared coder on one passage: ``rated`` False when the coder has not coded the transcript."""

    name: str
    rated: bool
    codings: tuple[CodingView, ...]
    memos: tuple[str, ...]  # the coder's memos on the passage

    @property
    def code_ids(self) -> frozenset[int]:
        return frozenset(c.code_id for c in self.codings)


@dataclass(frozen=True)
class Disagreement:
    passage_id: int
    transcript_key: str
    number: int
    speaker: str
    text: str
    coders: tuple[CoderView, ...]
    differing: tuple[int, ...]  # the code ids the raters did not all apply


def _coder_ids(session: Session, coders: Sequence[str]) -> list[int]:
    if len(coders) < 2 or len(set(coders)) != len(coders):
        raise CodeerError(
            f"settling compares two or more different coders, not {', '.join(coders) or 'none'}"
        )
    return coder_ids(session, coders)


def _code_filter(session: Session, codebook: str | None, code: int | None) -> list:
    """WHERE clauses on ``Coding.code_id`` for a codebook key and/or a code id."""
    clauses: list[ColumnElement[bool]] = []
    if codebook is not None:
        book = session.scalar(select(Codebook.id).where(Codebook.key == codebook))
        if book is None:
            raise CodeerError(f"unknown codebook {codebook!r}")
        clauses.append(Coding.code_id.in_(select(Code.id).where(Code.codebook_id == book)))
    if code is not None:
        clauses.append(Coding.code_id == code)
    return clauses


def _coverage(ids: Sequence[int], clauses: list) -> Select:
    """(transcript, coder) for every transcript a compared coder has coded."""
    return (
        select(Passage.transcript_id, Coding.coder_id)
        .join(Passage, Passage.id == Coding.passage_id)
        .where(Coding.coder_id.in_(ids), *clauses)
        .distinct()
    )


def _disagreeing(ids: Sequence[int], clauses: list, code_clauses: list) -> Select:
    """(passage, code) where some raters of the passage applied the code and others did not.

    ``clauses`` narrow what counts as having coded a transcript (a codebook); ``code_clauses`` also the codes
    that are compared (a codebook and a single code). The database counts the raters of each transcript and,
    per passage and code, the coders who applied it: fewer than the raters is a disagreement.
    """
    coverage = _coverage(ids, clauses).subquery("coverage")
    raters = (
        select(coverage.c.transcript_id, func.count().label("raters"))
        .group_by(coverage.c.transcript_id)
        .having(func.count() >= 2)
        .subquery("raters")
    )
    applied = (
        select(Coding.passage_id, Coding.code_id, func.count(Coding.coder_id.distinct()).label("applied"))
        .where(Coding.coder_id.in_(ids), *code_clauses)
        .group_by(Coding.passage_id, Coding.code_id)
        .subquery("applied")
    )
    return (
        select(applied.c.passage_id, applied.c.code_id)
        .join(Passage, Passage.id == applied.c.passage_id)
        .join(raters, raters.c.transcript_id == Passage.transcript_id)
        .where(applied.c.applied < raters.c.raters)
        .order_by(applied.c.code_id)
    )


def _settled(consensus: str) -> Select:
    return (
        select(Settlement.passage_id)
        .join(Coder, Coder.id == Settlement.coder_id)
        .where(Coder.name == consensus)
    )


def disagreements(
    session: Session,
    coders: Sequence[str],
    codebook: str | None = None,
    code: int | None = None,
    consensus: str = CONSENSUS,
) -> list[Disagreement]:
    """The passages where ``coders`` differ and that ``consensus`` has not settled, in transcript order.

    ``codebook`` (a key) compares only that codebook's codes; ``code`` (an id) only that code. Each
    disagreement shows every compared coder's codings and memos on the passage, of every code.
    """
    ids = _coder_ids(session, coders)
    clauses = _code_filter(session, codebook, None)
    settled = set(session.scalars(_settled(consensus)))
    codes_of: dict[int, list[int]] = {}
    for passage_id, code_id in session.execute(
        _disagreeing(ids, clauses, _code_filter(session, codebook, code))
    ):
        if passage_id not in settled:
            codes_of.setdefault(passage_id, []).append(code_id)
    if not codes_of:
        return []
    rated = {(t, c) for t, c in session.execute(_coverage(ids, clauses))}
    passages: list[tuple] = []
    codings: dict[tuple[int, int], list[CodingView]] = {}
    memos: dict[tuple[int, int], list[str]] = {}
    queue = sorted(codes_of)
    for first in range(0, len(queue), CHUNK):
        _read_details(session, queue[first : first + CHUNK], ids, passages, codings, memos)
    passages.sort(key=lambda row: (row[2], row[3]))  # transcript key, passage number
    return [
        Disagreement(
            passage_id=pid,
            transcript_key=key,
            number=number,
            speaker=speaker or "",
            text=text,
            coders=tuple(
                CoderView(
                    name,
                    (tid, cid) in rated,
                    tuple(codings.get((pid, cid), ())),
                    tuple(memos.get((pid, cid), ())),
                )
                for name, cid in zip(coders, ids, strict=True)
            ),
            differing=tuple(codes_of[pid]),
        )
        for pid, tid, key, number, speaker, text in passages
    ]


def _read_details(
    session: Session,
    chunk: list[int],
    ids: Sequence[int],
    passages: list,
    codings: dict[tuple[int, int], list[CodingView]],
    memos: dict[tuple[int, int], list[str]],
) -> None:
    """Add the passages of ``chunk`` (ids), their codings by the compared coders and their memos.

    The queue is read in chunks of ids: the work grows with the queue, not the project, and no query has
    more parameters than a database accepts.
    """
    passages += session.execute(
        select(Passage.id, Passage.transcript_id, Transcript.key, Passage.number, Speaker.name, Passage.text)
        .join(Transcript, Transcript.id == Passage.transcript_id)
        .outerjoin(Speaker, Speaker.id == Passage.speaker_id)
        .where(Passage.id.in_(chunk))
    ).all()
    coding_query = (
        select(Coding.passage_id, Coding.coder_id, Code.id, Code.key, Code.name)
        .add_columns(Coding.start, Coding.end, Coding.memo)
        .join(Code, Code.id == Coding.code_id)
        .where(Coding.passage_id.in_(chunk), Coding.coder_id.in_(ids))
        .order_by(Code.codebook_id, Code.position, Coding.start)
    )
    for passage_id, coder_id, *view in session.execute(coding_query):
        codings.setdefault((passage_id, coder_id), []).append(CodingView(*view))
    memo_query = (
        select(Memo.passage_id, Memo.coder_id, Memo.text)
        .where(Memo.passage_id.in_(chunk), Memo.coder_id.in_(ids))
        .order_by(Memo.id)
    )
    for passage_id, coder_id, text in session.execute(memo_query):
        if passage_id is not None and coder_id is not None:  # always: the query asks for both
            memos.setdefault((passage_id, coder_id), []).append(text)


# --------------------------------------------------------------------------- settling

Target = dict[tuple[int, int | None, int | None], str]  # (code, start, end) -> memo


def _merge(codings: Sequence[Coding]) -> Target:
    """The consensus codings of one code from several coders' codings of it (see the module docstring)."""
    memo = "\n".join(dict.fromkeys(c.memo for c in codings if c.memo))
    whole = [c for c in codings if c.start is None]
    if whole:
        return {(whole[0].code_id, None, None): memo}
    return {(c.code_id, c.start, c.end): memo for c in codings}


def _target(by_coder: dict[str, list[Coding]], choice: Choice, coders: Sequence[str]) -> tuple[Target, str]:
    """What the consensus coder's codings on the passage should be, and how to label the choice."""
    if isinstance(choice, str):
        if choice in coders:
            kept = by_coder[choice]
            return {(c.code_id, c.start, c.end): c.memo for c in kept}, f"keep {choice}"
        if choice == NEITHER:
            return {}, NEITHER
        if choice != BOTH:
            raise CodeerError(
                f"cannot settle by {choice!r}: choose a coder ({', '.join(coders)}), {BOTH!r}, {NEITHER!r} "
                "or a set of codes"
            )
        wanted, label = None, BOTH
    else:
        wanted, label = set(choice), "edit"
    by_code: dict[int, list[Coding]] = {}
    for name in coders:
        for coding in by_coder[name]:
            by_code.setdefault(coding.code_id, []).append(coding)
    target: Target = {}
    for code_id in sorted(by_code if wanted is None else wanted):
        target.update(_merge(by_code.get(code_id, [])) or {(code_id, None, None): ""})
    return target, label


def settle(
    session: Session,
    passage_id: int,
    choice: Choice,
    coders: Sequence[str],
    consensus: str = CONSENSUS,
    note: str = "",
) -> Settlement:
    """Settle one passage into ``consensus``'s codings by ``choice`` (see the module docstring).

    Works in the caller's session (one passage = one transaction in the terminal UI). The consensus coder
    is created on first use and may not be one of the compared coders.
    """
    if consensus in coders:
        raise CodeerError(f"the consensus coder {consensus!r} cannot also be a compared coder")
    if BOTH in coders or NEITHER in coders:
        raise CodeerError(
            f"a coder named {BOTH!r} or {NEITHER!r} cannot be settled by name; choose codes instead"
        )
    ids = _coder_ids(session, coders)
    if session.get(Passage, passage_id) is None:
        raise CodeerError(f"no passage with id {passage_id}")
    by_coder: dict[str, list[Coding]] = {name: [] for name in coders}
    names = dict(zip(ids, coders, strict=True))
    for coding in session.scalars(
        select(Coding).where(Coding.passage_id == passage_id, Coding.coder_id.in_(ids)).order_by(Coding.id)
    ):
        by_coder[names[coding.coder_id]].append(coding)
    target, label = _target(by_coder, choice, coders)
    known = set(session.scalars(select(Code.id).where(Code.id.in_([code for code, _, _ in target]))))
    if missing := sorted({code for code, _, _ in target} - known):
        raise CodeerError(f"no code with id {', '.join(map(str, missing))}")

    judge = get_or_create_coder(session, consensus)
    for coding in session.scalars(
        select(Coding).where(Coding.passage_id == passage_id, Coding.coder_id == judge.id)
    ).all():
        if target.pop((coding.code_id, coding.start, coding.end), None) is None:
            remove_coding(session, coding, note=f"settled again: {label}")
    for (code_id, start, end), memo in target.items():
        apply_coding(
            session, CodingKey(passage_id, code_id, judge.id, start, end), memo, action="settle", note=note
        )
    settlement = session.scalar(
        select(Settlement).where(and_(Settlement.passage_id == passage_id, Settlement.coder_id == judge.id))
    )
    if settlement is None:
        settlement = Settlement(passage_id=passage_id, coder_id=judge.id)
        session.add(settlement)
    settlement.choice, settlement.compared, settlement.note, settlement.at = (
        label,
        list(coders),
        note,
        utcnow(),
    )
    session.flush()
    return settlement
