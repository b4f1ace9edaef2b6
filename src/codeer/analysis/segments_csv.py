"""The segments table as CSV text written by the database: a million quotes without a Python object per cell.

:func:`segment_csv` yields, for each transcript, the number of rows and their lines, each cell quoted as
Python's ``csv`` writer quotes it (:func:`codeer.formulas.csv_cell`); ``tests/test_segments_csv.py`` holds
it to the bytes the ``csv`` writer makes of :func:`~codeer.analysis.segments.segment_rows`.

What makes it fast (a million codings: the query once took 3.7 s of CPU, now about 2):

- the few names and attributes are escaped once in Python into temporary tables, and each passage's cells
  (transcript, number, time, speaker, the attributes, and its text as a whole-passage quote) are written
  once into another, so a coding's line only adds its own cells;
- a line is made by one ``printf`` (SQLite) or ``concat`` (PostgreSQL) call, one string built once, rather
  than by a chain of ``||`` that copies the growing line at every step;
- the sort keys are small integers: the code's and the coder's ranks sit in their temporary tables, so the
  query joins neither ``codes`` nor ``coders``; the coder table holds only the selected coders, so the join
  is the filter;
- a coding's memo (empty for most) is checked for quoting and the formula guard only when it has text, and
  the passage memos are joined only when there are any;
- a transcript's lines reach Python as one text made by the database (``group_concat``, ``string_agg``),
  not as a million rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    FromClause,
    Insert,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    aggregate_order_by,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.orm import Session

from codeer.analysis.codes import CODINGS
from codeer.analysis.segments import first_of_quote, segment_lookups
from codeer.formulas import csv_cell, csv_cell_sql, guard, guard_prefix_sql, unguard
from codeer.model import Coder
from codeer.store.coders import coder_ids
from codeer.store.groups import PASSAGES


def segment_csv(
    session: Session,
    coders: tuple[str, ...] = (),
    *,
    delimiter: str = ",",
    progress: Callable[[str], None] | None = None,
) -> Iterator[tuple[int, str]]:
    """The neutralised segment rows of ``coders`` (everyone's if empty) as CSV text, a transcript at a time
    (transcripts by key): (rows, their lines). ``progress`` hears ``"transcript i/n"`` before each."""
    lookups = segment_lookups(session, False, neutralised=True)

    def cells(values: tuple[str, ...]) -> str:
        return "".join(delimiter + csv_cell(value, delimiter) for value in values)

    def escaped(text: str) -> str:
        return csv_cell(text, delimiter)

    chosen = set(coder_ids(session, coders)) if coders else set(lookups.coders)
    coder_order = session.scalars(select(Coder.id).order_by(Coder.name)).all()  # the database's collation
    speakers = {sid: (escaped(name), cells(values)) for sid, (name, values) in lookups.speakers.items()}
    nobody = speakers.pop(None)
    fragments: dict[str, list[dict[str, Any]]] = {
        "transcript": [{"id": tid, "a": escaped(key) + delimiter + escaped(title) + delimiter,
                        "b": cells(values)} for tid, (key, title, values) in lookups.transcripts.items()],
        "speaker": [{"id": sid, "a": name, "b": attributes} for sid, (name, attributes) in speakers.items()],
        "code": [{"id": cid, "a": escaped(ref) + delimiter + escaped(name) + delimiter, "b": "",
                  "rank": lookups.codes[cid].order} for cid, (ref, name) in lookups.code_names.items()],
        "coder": [{"id": cid, "a": escaped(lookups.coders[cid]) + delimiter, "b": "", "rank": rank}
                  for rank, cid in enumerate(coder_order) if cid in chosen],
        "memo": [{"id": pid, "coder": coder, "a": escaped(guard(memo)), "b": ""}
                 for (pid, coder), memo in lookups.passage_memos.items()],
        "passage": [],
    }  # fmt: skip
    conn = session.connection()
    temporary = {name: _temporary(name) for name in fragments}
    try:
        for name, table in temporary.items():
            table.create(conn)
            if fragments[name]:
                conn.execute(insert(table), fragments[name])
        conn.execute(_passage_cells(session, temporary, delimiter, nobody))
        query = _csv_query(session, temporary, delimiter, memos=bool(fragments["memo"]))
        keys = {tid: unguard(key) for tid, (key, _, _) in lookups.transcripts.items()}
        order = sorted(keys, key=keys.__getitem__)
        for number, tid in enumerate(order, start=1):
            if progress is not None:
                progress(f"transcript {number}/{len(order)}")
            rows, lines = conn.execute(query, {"tid": tid}).one()
            yield rows, lines or ""
    finally:
        if not conn.closed:  # (a connection closed under a stopped export took its temporary tables along)
            for table in temporary.values():
                table.drop(conn, checkfirst=True)


def _temporary(name: str) -> Table:
    """A temporary table of escaped cells by id (for passage memos: by passage and coder); for codes and
    coders also their rank in the file's order."""
    columns = [Column("id", Integer, primary_key=True)]
    if name == "memo":
        columns.append(Column("coder", Integer, primary_key=True))
    return Table(f"segment_{name}_{uuid.uuid4().hex[:12]}", MetaData(), *columns, Column("a", Text),
                 Column("b", Text), Column("rank", Integer), prefixes=["TEMPORARY"])  # fmt: skip


def _joined(session: Session, *parts: ColumnElement[Any]) -> ColumnElement[str]:
    """The parts as one string, NULL as empty, built at once: ``printf('%s%s...')`` on SQLite, ``concat``
    on PostgreSQL (both write integers in decimal)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.printf("%s" * len(parts), *parts, type_=String)
    return func.concat(*parts)


def _passage_cells(
    session: Session, temporary: dict[str, Table], delimiter: str, nobody: tuple[str, str]
) -> Insert:
    """Every passage's cells up to the code's (``a``: transcript, title, number, time, speaker, the
    transcript's and the speaker's attributes, each with the delimiter after it) and its text as the quote
    of a coding of the whole passage (``b``, guarded and escaped once for all its codings)."""
    transcript, speaker = temporary["transcript"], temporary["speaker"]
    seconds = PASSAGES.c.start_ms // 1000
    minutes, hours = seconds // 60 % 60, seconds // 3600

    def two(value: ColumnElement[int]) -> ColumnElement[str]:
        return case((value < 10, "0"), else_="") + cast(value, String)

    clock_sql = case(
        (PASSAGES.c.start_ms.is_(None), ""),
        else_=cast(hours, String) + ":" + two(minutes) + ":" + two(seconds % 60),
    )  # as clock()
    d = literal(delimiter)
    head = _joined(
        session, transcript.c.a, PASSAGES.c.number, d, clock_sql, d, func.coalesce(speaker.c.a, nobody[0]),
        transcript.c.b, func.coalesce(speaker.c.b, nobody[1]), d,
    )  # fmt: skip
    text = func.coalesce(PASSAGES.c.text, "")
    cells = (
        select(PASSAGES.c.id, head, csv_cell_sql(text, delimiter, guard_prefix_sql(text)))
        .join(transcript, transcript.c.id == PASSAGES.c.transcript_id)
        .outerjoin(speaker, speaker.c.id == PASSAGES.c.speaker_id)
    )
    return insert(temporary["passage"]).from_select(["id", "a", "b"], cells)


def _csv_query(session: Session, temporary: dict[str, Table], delimiter: str, *, memos: bool) -> Select:
    """The number of a transcript's lines (parameter ``tid``) and the lines, in reading order, as one text:
    each the passage's cells, then the coding's (code, coder, span, memo, the coder's passage memo, quote).
    ``memos``: some passage has a memo.

    PostgreSQL orders the lines inside ``string_agg``. SQLite before 3.44 has no order inside an aggregate:
    the lines come from a subquery with ``ORDER BY``, which SQLite runs in order and does not flatten into
    an aggregate query nor drop (it omits a subquery's ORDER BY only under a join or an ORDER BY of its
    own); ``tests/test_segments_csv.py`` holds the result to the order of the rows."""
    passage, code, coder, memo_table = (temporary[name] for name in ("passage", "code", "coder", "memo"))
    memo = CODINGS.c.memo
    memo_cell = case((memo == "", ""), else_=csv_cell_sql(memo, delimiter, guard_prefix_sql(memo)))
    span = func.coalesce(
        func.substr(PASSAGES.c.text, CODINGS.c.start + 1, CODINGS.c.end - CODINGS.c.start), ""
    )
    text_cell = case(
        (CODINGS.c.start.is_(None), passage.c.b),
        else_=csv_cell_sql(span, delimiter, guard_prefix_sql(span, first_of_quote())),
    )
    source: FromClause = (
        PASSAGES.join(passage, passage.c.id == PASSAGES.c.id)
        .join(CODINGS, CODINGS.c.passage_id == PASSAGES.c.id)
        .join(code, code.c.id == CODINGS.c.code_id)
        .join(coder, coder.c.id == CODINGS.c.coder_id)
    )
    on_passage: ColumnElement[Any] = literal("")
    if memos:
        on = (memo_table.c.id == PASSAGES.c.id) & (memo_table.c.coder == CODINGS.c.coder_id)
        source, on_passage = source.outerjoin(memo_table, on), memo_table.c.a
    d = literal(delimiter)
    line = _joined(
        session, passage.c.a, code.c.a, coder.c.a, CODINGS.c.start, d, CODINGS.c.end, d, memo_cell, d,
        on_passage, d, text_cell, literal("\r\n"),
    )  # fmt: skip
    keys = (PASSAGES.c.number, code.c.rank, coder.c.rank, func.coalesce(CODINGS.c.start, -1), CODINGS.c.end)
    lines = select(line.label("line")).select_from(source).where(PASSAGES.c.transcript_id == bindparam("tid"))
    if session.get_bind().dialect.name != "sqlite":
        joined = aggregate_order_by(func.string_agg(line, literal("")), *keys)
        return lines.with_only_columns(func.count(), joined)
    ordered = lines.order_by(*keys).subquery("lines")
    return select(func.count(), func.group_concat(ordered.c.line, literal("")))
