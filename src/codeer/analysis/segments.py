"""Coded segments as quotes: every coding with its text, where it was said, by whom, and in which group.

A coding of a whole passage quotes the passage; a coding of a span quotes ``text[start:end]`` (cut out by the
database, in code points on SQLite and PostgreSQL alike). :func:`iter_segments` streams every coding of the
selected coders for an export (a million codings never sit in memory at once); :func:`quotes` returns the
quotes behind one cell of a frequency table (group × code) or of a co-occurrence table (group × code × code),
for the analysis screen.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from codeer.analysis.codes import CODES, CODINGS, CodeInfo, Selection, coded_passages, coder_ids, load_codes
from codeer.analysis.groups import (
    PASSAGES,
    Attribute,
    Group,
    attribute_columns,
    known_attributes,
    resolve_attributes,
)
from codeer.analysis.pseudonyms import Pseudonyms, build_pseudonyms
from codeer.errors import CodeerError
from codeer.model import Codebook, Coder, Speaker, Transcript

TRANSCRIPTS = Transcript.__table__
SPEAKERS = Speaker.__table__
CODERS = Coder.__table__
CODEBOOKS = Codebook.__table__
STREAM_BATCH = 2000


@dataclass(frozen=True)
class Quote:
    """One coding as a quote. ``attributes`` holds the transcript's and the speaker's (``speaker.NAME``)."""

    transcript: str
    title: str
    passage: int
    speaker: str
    start_ms: int | None
    attributes: dict[str, str]
    code: CodeInfo
    coder: str
    start: int | None
    end: int | None
    memo: str
    text: str


def clock(ms: int | None) -> str:
    """``3723000`` → ``1:02:03``; no time → empty."""
    if ms is None:
        return ""
    seconds = ms // 1000
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def all_attributes(session: Session) -> tuple[Attribute, ...]:
    """Every attribute of the project as quote columns: transcript ones, then ``speaker.NAME`` ones."""
    known = known_attributes(session)
    return tuple(Attribute(name, "transcript", name) for name in known["transcript"]) + tuple(
        Attribute(f"speaker.{name}", "speaker", name) for name in known["speaker"]
    )


def _query(
    session: Session, coders: tuple[str, ...], attributes: tuple[Attribute, ...]
) -> tuple[Select, list[ColumnElement]]:
    """Every coding of ``coders`` (all if empty) with what a quote shows, in reading order.

    Its columns: the attribute values first (also returned, to filter on), then the fixed ones of
    :class:`Quote`.
    """
    text = case(
        (CODINGS.c.start.is_(None), PASSAGES.c.text),
        else_=func.substr(PASSAGES.c.text, CODINGS.c.start + 1, CODINGS.c.end - CODINGS.c.start),
    )
    source = (
        CODINGS.join(PASSAGES, PASSAGES.c.id == CODINGS.c.passage_id)
        .join(TRANSCRIPTS, TRANSCRIPTS.c.id == PASSAGES.c.transcript_id)
        .join(CODERS, CODERS.c.id == CODINGS.c.coder_id)
        .join(CODES, CODES.c.id == CODINGS.c.code_id)
        .outerjoin(SPEAKERS, SPEAKERS.c.id == PASSAGES.c.speaker_id)
    )
    source, columns = attribute_columns(source, attributes)
    query = (
        select(
            *columns,
            TRANSCRIPTS.c.key,
            TRANSCRIPTS.c.title,
            PASSAGES.c.number,
            PASSAGES.c.speaker_id,
            SPEAKERS.c.name,
            PASSAGES.c.start_ms,
            CODINGS.c.code_id,
            CODERS.c.name,
            CODINGS.c.start,
            CODINGS.c.end,
            CODINGS.c.memo,
            text,
            PASSAGES.c.transcript_id,
        )
        .select_from(source)
        .order_by(
            TRANSCRIPTS.c.key,
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


class _Rows:
    """Turns query rows into quotes: code descriptions, pseudonyms, attribute columns."""

    def __init__(self, session: Session, attributes: tuple[Attribute, ...], pseudonymise: bool) -> None:
        self.codes = load_codes(session)
        self.width = len(attributes)
        self.labels = [a.label for a in attributes]
        self.pseudonyms: Pseudonyms | None = build_pseudonyms(session) if pseudonymise else None

    def quote(self, row: Sequence[Any]) -> Quote:
        key, title, number, speaker_id, speaker, start_ms, code_id, coder, start, end, memo, text, tid = row[
            self.width :
        ]
        if self.pseudonyms is not None:
            speaker = self.pseudonyms.speaker(speaker_id)
            text = self.pseudonyms.text(tid, text)
            memo = self.pseudonyms.text(tid, memo or "")
        attributes = dict(zip(self.labels, row[: self.width], strict=True))
        return Quote(
            key,
            title or "",
            number,
            speaker or "",
            start_ms,
            attributes,
            self.codes[code_id],
            coder,
            start,
            end,
            memo or "",
            text or "",
        )


def iter_segments(
    session: Session, coders: tuple[str, ...] = (), *, pseudonymise: bool = False
) -> Iterator[Quote]:
    """Every coding of ``coders`` (everyone's if empty) as a quote, streamed in reading order."""
    attributes = all_attributes(session)
    rows = _Rows(session, attributes, pseudonymise)
    query, _ = _query(session, coders, attributes)
    for row in session.execute(query.execution_options(yield_per=STREAM_BATCH)):
        yield rows.quote(row)


def quotes(
    session: Session,
    selection: Selection,
    group: Group,
    code_id: int,
    other_code_id: int | None = None,
    *,
    pseudonymise: bool = False,
) -> list[Quote]:
    """The quotes behind one table cell: passages of ``group`` coded with ``code_id`` (and ``other_code_id``).

    They are the selected coders' codings of that code (and the other) on those passages, so a span shows as
    the span. With ``selection.rollup`` a code stands for itself and its descendants, as in the counts.
    """
    grouping = resolve_attributes(session, selection.by)
    if len(group) != len(grouping):
        raise CodeerError(f"a group of {len(grouping)} value(s) is needed for --by {','.join(selection.by)}")
    shown = all_attributes(session)
    attributes = shown + grouping
    query, columns = _query(session, selection.coders, attributes)
    query = query.where(*(col == value for col, value in zip(columns[len(shown) :], group, strict=True)))
    codes = load_codes(session)
    coded = coded_passages(session, selection)
    wanted: set[int] = set()
    for cid in (code_id, other_code_id):
        if cid is not None:
            wanted |= _family(codes, cid) if selection.rollup else {cid}
            query = query.where(PASSAGES.c.id.in_(select(coded.c.passage_id).where(coded.c.code_id == cid)))
    rows = _Rows(session, attributes, pseudonymise)
    return [rows.quote(row) for row in session.execute(query.where(CODINGS.c.code_id.in_(wanted)))]


def _family(codes: dict[int, CodeInfo], code_id: int) -> set[int]:
    """``code_id`` and every code below it."""
    family = {code_id}
    grew = True
    while grew:
        below = {c.id for c in codes.values() if c.parent_id in family} - family
        family |= below
        grew = bool(below)
    return family
