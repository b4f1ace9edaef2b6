"""The counting base of every table, computed by the database, and a cache of it for a run of tables.

- :func:`coded_passages`: the distinct ``(passage, code)`` pairs a selection counts — a code counts for a
  passage when any selected coder applied it to the passage or to a span of it; with ``rollup`` a parent code
  also counts every passage of its descendants, through the code tree's closure (a recursive CTE). Each pair
  carries the passage's transcript and speaker, the only things groups are made of.
- :func:`code_cells`: passages per ``(transcript, speaker, code)``;
- :func:`pair_cells`: passages with both codes per ``(transcript[, speaker], code a, code b)``, from a
  self-join of the coded set on the passage (a < b).

Every group is a union of whole (transcript, speaker) cells, because group values are attributes of the
transcript or of the speaker. So a group's passages are the sum of its cells', its distinct speakers and
transcripts are counted over its cells, and one pass over the codings serves every grouping.

Inside :func:`shared_cells` these sets are kept in temporary tables for the rest of the block (``export all``
computes six tables from two of them); outside, each is a CTE of the one query that uses it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Column, FromClause, Integer, MetaData, Select, Table, func, insert, select
from sqlalchemy.orm import Session

from codeer.analysis.codes import CODINGS, Selection, code_closure
from codeer.model import Passage
from codeer.store.coders import coder_ids

PASSAGES = Passage.__table__
CACHE = "codeer.analysis.shared_cells"


@dataclass
class _Cache:
    tables: dict[tuple, Table] = field(default_factory=dict)


@contextmanager
def shared_cells(session: Session) -> Iterator[None]:
    """Within the block, tables of the same coders and rollup share one computation of their counting base.

    The temporary tables live in ``session``'s transaction and are dropped at the end of the block.
    """
    if CACHE in session.info:
        yield
        return
    cache = session.info[CACHE] = _Cache()
    try:
        yield
    finally:
        del session.info[CACHE]
        for table in cache.tables.values():
            table.drop(session.connection())


def _kept(session: Session, key: tuple, query: Select, name: str, primary_key: tuple[str, ...]) -> FromClause:
    """``query`` as a temporary table inside :func:`shared_cells` (made once per ``key``), else as a CTE."""
    cache: _Cache | None = session.info.get(CACHE)
    if cache is None:
        return query.cte(name)
    if key not in cache.tables:
        columns = [Column(c.name, Integer, primary_key=c.name in primary_key) for c in query.selected_columns]
        table = Table(
            f"{name}_{uuid.uuid4().hex[:12]}",
            MetaData(),
            *columns,
            prefixes=["TEMPORARY"],
            sqlite_with_rowid=not primary_key,
        )
        table.create(session.connection())
        session.execute(insert(table).from_select([c.name for c in columns], query))
        cache.tables[key] = table
    return cache.tables[key]


def coded_passages(session: Session, selection: Selection) -> FromClause:
    """Columns ``passage_id, code_id, transcript_id, speaker_id``: one row per coded (passage, code)."""
    query = select(CODINGS.c.passage_id, CODINGS.c.code_id)
    if selection.coders:
        query = query.where(CODINGS.c.coder_id.in_(coder_ids(session, selection.coders)))
    if selection.rollup:
        direct = query.distinct().subquery("direct")
        closure = code_closure()
        query = select(direct.c.passage_id, closure.c.ancestor.label("code_id")).join(
            closure, closure.c.descendant == direct.c.code_id
        )
    pairs = query.distinct().subquery("pairs")
    coded = select(pairs.c.passage_id, pairs.c.code_id, PASSAGES.c.transcript_id, PASSAGES.c.speaker_id).join(
        PASSAGES, PASSAGES.c.id == pairs.c.passage_id
    )
    key = ("coded", selection.coders, selection.rollup)
    return _kept(session, key, coded, "coded", ("passage_id", "code_id"))


def code_cells(session: Session, selection: Selection) -> FromClause:
    """Columns ``transcript_id, speaker_id, code_id, passages``."""
    coded = coded_passages(session, selection)
    cells = select(
        coded.c.transcript_id, coded.c.speaker_id, coded.c.code_id, func.count().label("passages")
    ).group_by(coded.c.transcript_id, coded.c.speaker_id, coded.c.code_id)
    key = ("cells", selection.coders, selection.rollup)
    return _kept(session, key, cells, "code_cells", ())


def pair_cells(session: Session, selection: Selection, per_speaker: bool) -> FromClause:
    """Columns ``transcript_id, [speaker_id,] code_a, code_b, passages`` (``code_a < code_b`` by id).

    Per speaker only when a grouping needs it: per transcript the set is many times smaller.
    """
    coded = coded_passages(session, selection)
    a, b = coded.alias("a"), coded.alias("b")
    where = (a.c.transcript_id, a.c.speaker_id) if per_speaker else (a.c.transcript_id,)
    cells = (
        select(
            *where, a.c.code_id.label("code_a"), b.c.code_id.label("code_b"), func.count().label("passages")
        )
        .select_from(a.join(b, (b.c.passage_id == a.c.passage_id) & (b.c.code_id > a.c.code_id)))
        .group_by(*where, a.c.code_id, b.c.code_id)
    )
    key = ("pairs", selection.coders, selection.rollup, per_speaker)
    return _kept(session, key, cells, "pair_cells", ())
