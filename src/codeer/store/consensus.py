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

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from sqlalchemy import ColumnElement, Select, and_, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from codeer.errors import CodeerError
from codeer.model import (
    Code,
    Codebook,
    Coder,
    Coding,
    CodingEvent,
    Memo,
    Passage,
    Settlement,
    Speaker,
    Transcript,
    utcnow,
)
from codeer.store.bulk import driver_value, insert_rows
from codeer.store.coders import coder_ids
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder, remove_coding
from codeer.store.coding_batch import CODING_COLUMNS, EVENT_COLUMNS, ids_between_removals
from codeer.store.team import note_for_history, server_writes_history

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


def _queue(
    session: Session,
    ids: Sequence[int],
    clauses: list,
    codebook: str | None,
    code: int | None,
    consensus: str,
) -> dict[int, list[int]]:
    """The passages of the queue (not yet settled by ``consensus``) and the codes the raters differ on."""
    settled = set(session.scalars(_settled(consensus)))
    codes_of: dict[int, list[int]] = {}
    for passage_id, code_id in session.execute(
        _disagreeing(ids, clauses, _code_filter(session, codebook, code))
    ):
        if passage_id not in settled:
            codes_of.setdefault(passage_id, []).append(code_id)
    return codes_of


def queue_passages(
    session: Session, coders: Sequence[str], codebook: str | None = None, consensus: str = CONSENSUS
) -> list[int]:
    """The passage ids of :func:`disagreements` (in the same order), without reading what each one shows."""
    ids = _coder_ids(session, coders)
    queue = sorted(_queue(session, ids, _code_filter(session, codebook, None), codebook, None, consensus))
    order: list[tuple[str, int, int]] = []
    for chunk in _chunks(queue):
        query = select(Transcript.key, Passage.number, Passage.id).join(Transcript)
        found = session.execute(query.where(Passage.id.in_(chunk)))
        order += [(key, number, pid) for key, number, pid in found]
    return [pid for _, _, pid in sorted(order)]


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
    codes_of = _queue(session, ids, clauses, codebook, code, consensus)
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


class _Stored(Protocol):
    """What settling reads of a stored coding (an ORM :class:`Coding` or a row of :func:`settle_many`)."""

    @property
    def code_id(self) -> int: ...
    @property
    def start(self) -> int | None: ...
    @property
    def end(self) -> int | None: ...
    @property
    def memo(self) -> str: ...


def _merge(codings: Sequence[_Stored]) -> Target:
    """The consensus codings of one code from several coders' codings of it (see the module docstring)."""
    memo = "\n".join(dict.fromkeys(c.memo for c in codings if c.memo))
    whole = [c for c in codings if c.start is None]
    if whole:
        return {(whole[0].code_id, None, None): memo}
    return {(c.code_id, c.start, c.end): memo for c in codings}


def _target(
    by_coder: Mapping[str, Sequence[_Stored]], choice: Choice, coders: Sequence[str]
) -> tuple[Target, str]:
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
    by_code: dict[int, list[_Stored]] = {}
    for name in coders:
        for coding in by_coder[name]:
            by_code.setdefault(coding.code_id, []).append(coding)
    target: Target = {}
    for code_id in sorted(by_code if wanted is None else wanted):
        target.update(_merge(by_code.get(code_id, [])) or {(code_id, None, None): ""})
    return target, label


def _check_compared(coders: Sequence[str], consensus: str) -> None:
    if consensus in coders:
        raise CodeerError(f"the consensus coder {consensus!r} cannot also be a compared coder")
    if BOTH in coders or NEITHER in coders:
        raise CodeerError(
            f"a coder named {BOTH!r} or {NEITHER!r} cannot be settled by name; choose codes instead"
        )


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
    _check_compared(coders, consensus)
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
        select(Coding).where(Coding.passage_id == passage_id, Coding.coder_id == judge.id).order_by(Coding.id)
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


# --------------------------------------------------------------------------- many passages at once


class _Coded(NamedTuple):
    """A stored coding as settling many passages reads it (with the attributes :func:`_target` uses)."""

    id: int
    passage_id: int
    code_id: int
    coder_id: int
    start: int | None
    end: int | None
    memo: str


_CODED = (
    Coding.id, Coding.passage_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end, Coding.memo,
)  # fmt: skip
# One change to the consensus coder's codings: the passage, the coding removed (None: one made), its
# (code, start, end) and its memo.
Step = tuple[int, _Coded | None, tuple[int, int | None, int | None], str]


@dataclass
class SettledMany:
    passages: int = 0
    removed: int = 0  # the consensus coder's earlier codings the new outcome replaced
    applied: int = 0


def settle_many(
    session: Session,
    passage_ids: Sequence[int],
    choice: Choice,
    coders: Sequence[str],
    consensus: str = CONSENSUS,
    note: str = "",
) -> SettledMany:
    """:func:`settle` for each of ``passage_ids`` in turn, written as sets.

    The outcome is what :func:`settle` gives passage after passage, history included: the same events in
    the same order and the same coding ids (only the time stamps are one time for the batch). It is read
    in a few queries and written with one statement per table: the consensus coder's replaced codings
    deleted, the new ones inserted, their history events, the settlement rows. A problem with any passage
    (no passage with that id, an unknown code) changes nothing. In a team database the server's trigger
    records the events, the removals before the new codings.
    """
    _check_compared(coders, consensus)
    ids = _coder_ids(session, coders)
    label = _target({name: [] for name in coders}, choice, coders)[1]  # a choice it cannot take fails here
    wanted = list(dict.fromkeys(passage_ids))
    if not wanted:
        return SettledMany()
    names = dict(zip(ids, coders, strict=True))
    places: dict[int, tuple[str, int]] = {}  # passage id -> transcript key, number
    compared: dict[int, dict[str, list[_Coded]]] = {pid: {name: [] for name in coders} for pid in wanted}
    for chunk in _chunks(wanted):
        where = select(Passage.id, Transcript.key, Passage.number).join(Transcript)
        places.update({p: (k, n) for p, k, n in session.execute(where.where(Passage.id.in_(chunk)))})
        query = select(*_CODED).where(Coding.passage_id.in_(chunk), Coding.coder_id.in_(ids))
        for row in session.execute(query.order_by(Coding.id)):
            compared[row.passage_id][names[row.coder_id]].append(_Coded(*row))
    if missing := [str(pid) for pid in wanted if pid not in places]:
        raise CodeerError(f"no passage with id {', '.join(missing)}")
    targets = [_target(compared[pid], choice, coders)[0] for pid in wanted]
    used = {code for target in targets for code, _, _ in target}
    if unknown := sorted(used - set(session.scalars(select(Code.id).where(Code.id.in_(used))))):
        raise CodeerError(f"no code with id {', '.join(map(str, unknown))}")
    judge = get_or_create_coder(session, consensus).id
    before: dict[int, list[_Coded]] = {pid: [] for pid in wanted}
    for chunk in _chunks(wanted):
        query = select(*_CODED).where(Coding.passage_id.in_(chunk), Coding.coder_id == judge)
        for row in session.execute(query.order_by(Coding.id)):
            before[row.passage_id].append(_Coded(*row))
    steps: list[Step] = []
    for pid, target in zip(wanted, targets, strict=True):
        left = dict(target)
        for coding in before[pid]:  # as settle(): consensus codings the outcome keeps stay as they are
            if left.pop((coding.code_id, coding.start, coding.end), None) is None:
                steps.append((pid, coding, (coding.code_id, coding.start, coding.end), coding.memo))
        steps += [(pid, None, key, memo) for key, memo in left.items()]
    _write_steps(session, steps, places, judge, note, f"settled again: {label}")
    _write_settlements(session, wanted, judge, label, coders, note)
    removed = sum(coding is not None for _, coding, _, _ in steps)
    return SettledMany(len(wanted), removed, len(steps) - removed)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for first in range(0, len(ids), CHUNK):
        yield ids[first : first + CHUNK]


def _write_steps(
    session: Session, steps: list[Step], places: dict[int, tuple[str, int]], judge: int, note: str, again: str
) -> None:
    """The steps as sets: the removed codings deleted, the new ones inserted (with the ids one at a time
    would have given them), the history events in the steps' order."""
    connection = session.connection()
    code_keys = dict(session.execute(select(Code.id, Code.key)).all())
    new = iter(ids_between_removals(connection, [c.id if c is not None else None for _, c, _, _ in steps]))
    now = utcnow()
    at = driver_value(connection, CodingEvent.__table__.c.at, now)
    stamp = driver_value(connection, Coding.__table__.c.created_at, now)
    nothing = driver_value(connection, CodingEvent.__table__.c.previous, None)
    codings: list[tuple] = []
    events: list[tuple] = []
    gone: list[int] = []
    for pid, coding, (code_id, start, end), memo in steps:
        key, number = places[pid]
        if coding is None:
            coding_id, action, why = next(new), "settle", note
            codings.append((coding_id, pid, code_id, judge, start, end, memo, stamp, stamp))
        else:
            coding_id, action, why = coding.id, "remove", again
            gone.append(coding_id)
        events.append(
            (at, action, coding_id, pid, code_id, judge, key, number, code_keys[code_id], start, end, memo,
             nothing, why)
        )  # fmt: skip
    if gone:
        note_for_history(session, again)
        for chunk in _chunks(gone):
            connection.execute(delete(Coding.__table__).where(Coding.__table__.c.id.in_(chunk)))
    note_for_history(session, note, "settle")
    insert_rows(connection, Coding.__table__, CODING_COLUMNS, codings)
    if not server_writes_history(session):
        insert_rows(connection, CodingEvent.__table__, EVENT_COLUMNS, events)


def _write_settlements(
    session: Session, passages: list[int], judge: int, label: str, coders: Sequence[str], note: str
) -> None:
    """Every passage's settlement row: the earlier one updated, else a new one (in the passages' order)."""
    existing: set[int] = set()
    for chunk in _chunks(passages):
        query = select(Settlement.passage_id).where(
            Settlement.passage_id.in_(chunk), Settlement.coder_id == judge
        )
        existing.update(session.scalars(query))
    now = utcnow()
    if existing:
        table = Settlement.__table__
        session.connection().execute(
            update(table)
            .where(table.c.passage_id == bindparam("pid"), table.c.coder_id == judge)
            .values(choice=label, compared=list(coders), note=note, at=now),
            [{"pid": pid} for pid in passages if pid in existing],
        )
    connection = session.connection()
    compared = driver_value(connection, Settlement.__table__.c.compared, list(coders))
    at = driver_value(connection, Settlement.__table__.c.at, now)
    insert_rows(
        connection,
        Settlement.__table__,
        ("passage_id", "coder_id", "choice", "compared", "note", "at"),
        [(pid, judge, label, compared, note, at) for pid in passages if pid not in existing],
    )
