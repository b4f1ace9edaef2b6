"""Coded segments as quotes: every coding with its text, where it was said, by whom, and in which group.

A coding of a whole passage quotes the passage; a coding of a span quotes ``text[start:end]`` (cut out by the
database, in code points on SQLite and PostgreSQL alike). :func:`segment_rows` streams every coding of the
selected coders in reading order (transcripts by key, passages by number, then codebook order, coder, span)
for an export: one query per transcript, so the database sorts a transcript at a time and a million codings
never sit in memory at once. For a written table the rows come out ``neutralised`` (every text cell with the
spreadsheet formula guard, :mod:`codeer.formulas`): the guard of the per-coding texts (memo, quote) is part
of the query, that of the names and attributes is applied once to the lookups, so no cell is checked in
Python row by row. :func:`quotes` returns the quotes behind one cell of a frequency table
(group × code) or of a co-occurrence table (group × code × code), for the analysis screen.

Attributes of transcripts and speakers, and code descriptions, are few: they are read once into lookups
rather than joined to every coding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    case,
    func,
    select,
)
from sqlalchemy.orm import Session

from codeer.analysis.cells import coded_passages
from codeer.analysis.codes import CODES, CODINGS, CodeInfo, Selection, load_codes
from codeer.analysis.pseudonyms import Pseudonyms, build_pseudonyms
from codeer.errors import CodeerError
from codeer.formulas import guard, guard_sql, unguard
from codeer.model import Coder, Memo, Speaker, SpeakerAttribute, Transcript, TranscriptAttribute
from codeer.store.coders import coder_ids
from codeer.store.groups import (
    PASSAGES,
    Attribute,
    Group,
    attribute_columns,
    known_attributes,
    resolve_attributes,
)
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule

CODERS = Coder.__table__
FIXED_BEFORE = ("transcript", "title", "passage", "time", "speaker")
FIXED_AFTER = ("code", "code_name", "coder", "start", "end", "memo", "passage_memo", "text")
STREAM_BATCH = 5000  # rows fetched at a time (fetchmany), not one by one


@dataclass(frozen=True)
class Quote:
    """One coding as a quote. ``attributes`` holds the transcript's and the speaker's (``speaker.NAME``)."""

    transcript: str
    title: str
    passage: int
    time: str
    speaker: str
    attributes: dict[str, str]
    code: CodeInfo
    coder: str
    start: int | None
    end: int | None
    memo: str
    text: str


@lru_cache(maxsize=1024)
def clock(ms: int | None) -> str:
    """``3723000`` → ``1:02:03``; no time → empty."""
    if ms is None:
        return ""
    seconds = ms // 1000
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@dataclass
class Lookups:
    """What every quote row needs besides the coding: read once, looked up per row."""

    labels: list[str]  # attribute columns: transcript attributes, then speaker.NAME
    codes: dict[int, CodeInfo]
    transcripts: dict[int, tuple[str, str, tuple[str, ...]]]  # id → key, title, attribute values
    speakers: dict[int | None, tuple[str, tuple[str, ...]]]  # id → name, attribute values
    pseudonyms: Pseudonyms | None
    code_names: dict[int, tuple[str, str]]  # id → ref, name
    coders: dict[int, str]  # id → name
    neutralised: bool  # the text above as written into a table cell; the query guards memo and quote
    passage_memos: dict[tuple[int, int], str]  # (passage id, coder id) → the coder's memo(s) on the passage


def segment_lookups(
    session: Session, pseudonymise: bool, moderators: ModeratorRule = DEFAULT_RULE, neutralised: bool = False
) -> Lookups:
    """The lookups; ``neutralised``: their text as written into a table cell (guarded)."""
    cell = guard if neutralised else _same
    known = known_attributes(session)
    names = {"transcript": known["transcript"], "speaker": known["speaker"]}
    values: dict[str, dict[int, dict[str, str]]] = {
        "transcript": defaultdict(dict),
        "speaker": defaultdict(dict),
    }
    for kind, table, owner in (
        ("transcript", TranscriptAttribute, TranscriptAttribute.transcript_id),
        ("speaker", SpeakerAttribute, SpeakerAttribute.speaker_id),
    ):
        for oid, name, value in session.execute(select(owner, table.name, table.value)):
            values[kind][oid][name] = value or ""

    def row(kind: str, oid: int) -> tuple[str, ...]:
        return tuple(cell(values[kind].get(oid, {}).get(name, "")) for name in names[kind])

    pseudonyms = build_pseudonyms(session, moderators) if pseudonymise else None
    transcripts = {
        tid: (cell(key), cell(title or ""), row("transcript", tid))
        for tid, key, title in session.execute(select(Transcript.id, Transcript.key, Transcript.title))
    }
    speakers: dict[int | None, tuple[str, tuple[str, ...]]] = {
        sid: (cell(pseudonyms.speaker(sid) if pseudonyms else name), row("speaker", sid))
        for sid, name in session.execute(select(Speaker.id, Speaker.name))
    }
    speakers[None] = ("", tuple("" for _ in names["speaker"]))
    labels = names["transcript"] + [f"speaker.{name}" for name in names["speaker"]]
    codes = load_codes(session)
    names_of = {cid: (cell(code.ref), cell(code.name)) for cid, code in codes.items()}
    coders = {cid: cell(name) for cid, name in session.execute(select(Coder.id, Coder.name))}
    memos = _passage_memos(session)
    return Lookups(labels, codes, transcripts, speakers, pseudonyms, names_of, coders, neutralised, memos)


def _same(text: str) -> str:
    return text


def _passage_memos(session: Session) -> dict[tuple[int, int], str]:
    """Each coder's memos on each passage (the workbench's ``m``), joined by blank lines where a coder has
    several (a QDPX import can bring more than one). Memos are few next to codings: read once."""
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    query = (
        select(Memo.passage_id, Memo.coder_id, Memo.text)
        .where(Memo.passage_id.is_not(None), Memo.coder_id.is_not(None), Memo.code_id.is_(None))
        .order_by(Memo.id)
    )
    for passage_id, coder_id, text in session.execute(query):
        if text and passage_id is not None and coder_id is not None:  # (the query's where, for the types)
            found[(passage_id, coder_id)].append(text)
    return {key: "\n\n".join(texts) for key, texts in found.items()}


def _query(
    session: Session, coders: tuple[str, ...], grouping: tuple[Attribute, ...] = (), *, guarded: bool = False
) -> tuple[Select, list[ColumnElement]]:
    """The codings of ``coders`` (everyone's if empty) with their passages, in reading order within a
    transcript; joined to the ``grouping`` attributes, whose value columns are returned to filter on.
    ``guarded``: memo and quote as written into a table cell (:func:`codeer.formulas.guard_sql`)."""
    text: ColumnElement[str] = case(
        (CODINGS.c.start.is_(None), PASSAGES.c.text),
        else_=func.substr(PASSAGES.c.text, CODINGS.c.start + 1, CODINGS.c.end - CODINGS.c.start),
    )
    memo: ColumnElement[str] = func.coalesce(CODINGS.c.memo, "")
    if guarded:
        text, memo = guard_sql(text, first_of_quote()), guard_sql(memo)
    source: FromClause = (
        PASSAGES.join(CODINGS, CODINGS.c.passage_id == PASSAGES.c.id)
        .join(CODES, CODES.c.id == CODINGS.c.code_id)
        .join(CODERS, CODERS.c.id == CODINGS.c.coder_id)
    )
    source, columns = attribute_columns(source, grouping)
    query = (
        select(
            PASSAGES.c.transcript_id,
            PASSAGES.c.id,
            PASSAGES.c.number,
            PASSAGES.c.speaker_id,
            PASSAGES.c.start_ms,
            CODINGS.c.code_id,
            CODINGS.c.coder_id,
            CODINGS.c.start,
            CODINGS.c.end,
            memo,
            text,
        )
        .select_from(source)
        .order_by(
            PASSAGES.c.number,
            CODES.c.codebook_id,
            CODES.c.position,
            CODERS.c.name,
            func.coalesce(CODINGS.c.start, -1),
            CODINGS.c.end,
        )
    )
    if coders:
        query = query.where(CODINGS.c.coder_id.in_(coder_ids(session, coders)))
    return query, columns


def first_of_quote() -> ColumnElement[str]:
    """The first character of a coding's quote, without cutting the quote out."""
    return func.substr(PASSAGES.c.text, func.coalesce(CODINGS.c.start, 0) + 1, 1)


def _rows(session: Session, lookups: Lookups, query: Select) -> Iterator[tuple]:
    """Quote rows: FIXED_BEFORE, the attribute values, then FIXED_AFTER (text cells neutralised if the
    lookups are; with pseudonyms, memo and quote are guarded here, after the names in them are replaced)."""
    transcripts, speakers, pseudonyms = lookups.transcripts, lookups.speakers, lookups.pseudonyms
    codes, coders = lookups.code_names, lookups.coders
    cell = guard if lookups.neutralised else _same
    passage_memos = lookups.passage_memos
    result = session.execute(query.execution_options(yield_per=STREAM_BATCH))
    for batch in result.partitions():
        for tid, pid, number, sid, ms, code_id, coder_id, start, end, memo, text in batch:
            key, title, attributes = transcripts[tid]
            speaker, speaker_attributes = speakers[sid]
            on_passage = passage_memos.get((pid, coder_id), "")
            if pseudonyms is not None:
                text, memo = cell(pseudonyms.text(tid, text or "")), cell(pseudonyms.text(tid, memo))
                on_passage = pseudonyms.text(tid, on_passage) if on_passage else ""
            on_passage = cell(on_passage)
            yield (
                key, title, number, clock(ms), speaker, *attributes, *speaker_attributes,
                *codes[code_id], coders[coder_id], start, end, memo, on_passage, text or "",
            )  # fmt: skip


def segment_columns(session: Session) -> list[str]:
    """The columns of :func:`segment_rows` (``code`` is the code's ref, as in codings files)."""
    return [*FIXED_BEFORE, *segment_lookups(session, False).labels, *FIXED_AFTER]


def segment_rows(
    session: Session,
    coders: tuple[str, ...] = (),
    *,
    pseudonymise: bool = False,
    moderators: ModeratorRule = DEFAULT_RULE,
    progress: Callable[[str], None] | None = None,
    neutralised: bool = False,
) -> Iterator[tuple]:
    """Every coding of ``coders`` (everyone's if empty) as a row of :func:`segment_columns`; streamed, a
    transcript at a time, transcripts by key. ``progress`` hears ``"transcript i/n"`` before each.
    ``neutralised``: every text cell as written into a table (:func:`codeer.formulas.guard`)."""
    lookups = segment_lookups(session, pseudonymise, moderators, neutralised)
    query, _ = _query(session, coders, guarded=neutralised and not pseudonymise)
    keys = {tid: unguard(key) if neutralised else key for tid, (key, _, _) in lookups.transcripts.items()}
    order = sorted(keys, key=keys.__getitem__)
    for number, tid in enumerate(order, start=1):
        if progress is not None:
            progress(f"transcript {number}/{len(order)}")
        yield from _rows(session, lookups, query.where(PASSAGES.c.transcript_id == tid))


def quotes(
    session: Session,
    selection: Selection,
    group: Group,
    code_id: int,
    other_code_id: int | None = None,
    *,
    pseudonymise: bool = False,
    moderators: ModeratorRule = DEFAULT_RULE,
) -> list[Quote]:
    """The quotes behind one table cell: passages of ``group`` coded with ``code_id`` (and ``other_code_id``).

    They are the selected coders' codings of that code (and the other) on those passages, so a span shows as
    the span. With ``selection.rollup`` a code stands for itself and its descendants, as in the counts.
    """
    grouping = resolve_attributes(session, selection.by)
    if len(group) != len(grouping):
        raise CodeerError(f"a group of {len(grouping)} value(s) is needed for --by {','.join(selection.by)}")
    lookups = segment_lookups(session, pseudonymise, moderators)
    query, columns = _query(session, selection.coders, grouping)
    query = query.where(*(c == v for c, v in zip(columns, group, strict=True)))
    coded = coded_passages(session, selection)
    wanted: set[int] = set()
    for cid in (code_id, other_code_id):
        if cid is not None:
            wanted |= _family(lookups.codes, cid) if selection.rollup else {cid}
            query = query.where(PASSAGES.c.id.in_(select(coded.c.passage_id).where(coded.c.code_id == cid)))
    width = len(FIXED_BEFORE) + len(lookups.labels)
    by_ref = {code.ref: code for code in lookups.codes.values()}
    found = []
    for row in _rows(session, lookups, query.where(CODINGS.c.code_id.in_(wanted))):
        transcript, title, passage, time, speaker = row[:5]
        coder, start, end, memo, _, text = row[width + 2 :]  # _: the passage memo, not quoted here
        attributes = dict(zip(lookups.labels, row[5:width], strict=True))
        code = by_ref[row[width]]
        found.append(
            Quote(transcript, title, passage, time, speaker, attributes, code, coder, start, end, memo, text)
        )
    return sorted(found, key=lambda q: q.transcript)  # stable: reading order within a transcript stays


def _family(codes: dict[int, CodeInfo], code_id: int) -> set[int]:
    """``code_id`` and every code below it."""
    family = {code_id}
    grew = True
    while grew:
        below = {c.id for c in codes.values() if c.parent_id in family} - family
        family |= below
        grew = bool(below)
    return family
