"""The full-text index over passage texts, kept in step with imports and re-imports.

A project-wide search must not read every passage: the index narrows a query down to the passages that can
hold it, and :mod:`codeer.search` then finds the exact hits in those passages with one tokenizer of its
own (:mod:`codeer.words`), the same on every backend. The index therefore only has to return a
*superset* of the passages that match, which is what makes the results equal on SQLite and PostgreSQL.

- SQLite: an FTS5 table ``passage_fts`` over ``passages.text`` (external content, so the text is stored
  once) with the ``unicode61`` tokenizer set to what codeer calls a word (letters and digits, case folded,
  accents kept), and an ``fts5vocab`` table listing its words. SQLite's letter tables are those of Unicode
  6.1, so for a character outside :data:`AGREED` (a decomposed accent, an emoji newer than 2012, a letter of
  a script added since) its words may differ from codeer's; passages holding one are listed in
  ``passage_fts_other`` and always read. An index of the passages by id with their transcript and speaker
  (``passage_fts_owners``) lets counts per group skip the passages' rows. The import writes
  it set-based: one ``INSERT ... SELECT`` per batch of new transcripts, and for a re-import the old texts
  are taken out before the passages change and the new ones put in afterwards.
  ``passage_fts_groups`` holds, per word, transcript and speaker, the word's occurrences and the passages
  holding it (the passages of ``passage_fts_other`` left out, like everywhere in the index), so that a
  one-word count per group reads a row per group instead of a row per occurrence: a frequent word has tens
  of thousands of occurrences in ten million words but a few thousand groups. Words are counted in Python
  with :func:`codeer.words.words` (the index's words, tested), about half a second per million words, per
  transcript; ``passage_fts_counted`` lists the transcripts counted. ``codeer import`` counts each batch
  as it stores it; a QDPX import leaves its transcripts to the first search, which counts what is not
  counted yet (a project moved in from another tool is there sooner; a count needs every transcript
  counted and reads the word list until then).
- PostgreSQL: a trigram index (``pg_trgm``, GIN) on ``passages.text``; PostgreSQL keeps it in step itself,
  and ``ILIKE '%word%'`` (a superset of a whole-word match) uses it.

The index lives outside the ORM schema (it is an accelerator, rebuilt from the passages at any time) and is
made on first use: by the first import, or by the first search of a project that has none yet (a project
from an older codeer, or one just copied with ``codeer db copy``). On SQLite a search first compares the
index's passage count and highest id with the table's and rebuilds it when they differ. A PostgreSQL coder
without the right to create an index still searches, without the index's speed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    Subquery,
    TextClause,
    and_,
    column,
    false,
    or_,
    select,
    table,
    text,
    true,
)
from sqlalchemy.exc import DBAPIError

from codeer.model.tables import passages
from codeer.store.database import Database
from codeer.words import words

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    Reader = Session | Connection  # searches read through a session, or a connection without the ORM

FTS = "passage_fts"
FTS_WORDS = "passage_fts_words"  # fts5vocab 'row': every word once, with its number of passages
FTS_INSTANCES = "passage_fts_instances"  # fts5vocab 'instance': one row per word of every passage
FTS_OTHER = "passage_fts_other"  # passages with a character on which SQLite's and codeer's words may differ
FTS_OWNERS = "passage_fts_owners"  # an index of passages by id with their transcript and speaker, for counts
FTS_GROUPS = "passage_fts_groups"  # per word, transcript and speaker: occurrences and passages
FTS_COUNTED = "passage_fts_counted"  # the transcripts whose words passage_fts_groups holds
# Where SQLite's tokenizer and codeer's words agree (tested character by character): everything below the
# combining accents (ASCII, Latin-1, Latin Extended, IPA), general punctuation and most currency signs.
AGREED = "[^\x01-\u02ff\u2000-\u2064\u20a0-\u20b9]"
TRGM_INDEX = "ix_passages_text_trgm"
TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N*'"
VOCABULARY_BATCH = 5000


@dataclass(frozen=True)
class IndexTerm:
    """One word of a query as the index sees it: any of ``forms``, each as a whole word or a prefix."""

    forms: tuple[str, ...]
    prefix: bool = False


def _dialect(session: Reader) -> str:
    bind = session if isinstance(session, Connection) else session.get_bind()
    return bind.dialect.name


def _sqlite_exists(session: Reader) -> bool:
    names = (FTS, FTS_WORDS, FTS_INSTANCES, FTS_OTHER, FTS_OWNERS, FTS_GROUPS, FTS_COUNTED)
    found = session.execute(
        text("SELECT count(*) FROM sqlite_master WHERE name IN (:a, :b, :c, :d, :e, :f, :g)"),
        dict(zip("abcdefg", names, strict=True)),
    ).scalar()
    return found == len(names)


def _pg_exists(session: Reader) -> bool:
    return (
        session.execute(
            text("SELECT 1 FROM pg_indexes WHERE indexname = :name"), {"name": TRGM_INDEX}
        ).first()
        is not None
    )


def _create_sqlite(session: Session) -> None:
    session.execute(
        text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(text, content='passages', "
            f"content_rowid='id', tokenize=\"{TOKENIZER}\")"
        )
    )
    session.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_WORDS} USING fts5vocab({FTS}, row)"))
    session.execute(
        text(f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_INSTANCES} USING fts5vocab({FTS}, instance)")
    )
    session.execute(text(f"CREATE TABLE IF NOT EXISTS {FTS_OTHER} (id INTEGER PRIMARY KEY)"))
    session.execute(
        text(f"CREATE INDEX IF NOT EXISTS {FTS_OWNERS} ON passages (id, transcript_id, speaker_id)")
    )
    session.execute(  # speaker 0: a passage without a speaker (a key column cannot be NULL; ids start at 1)
        text(
            f"CREATE TABLE IF NOT EXISTS {FTS_GROUPS} (term TEXT NOT NULL, transcript_id INTEGER NOT NULL, "
            "speaker INTEGER NOT NULL, hits INTEGER NOT NULL, passages INTEGER NOT NULL, "
            "PRIMARY KEY (term, transcript_id, speaker)) WITHOUT ROWID"
        )
    )
    session.execute(text(f"CREATE TABLE IF NOT EXISTS {FTS_COUNTED} (transcript_id INTEGER PRIMARY KEY)"))
    _rebuild_sqlite(session)


def _others(where: str) -> str:
    return f"INSERT INTO {FTS_OTHER} (id) SELECT id FROM passages WHERE {where} text GLOB :other"


def _rebuild_sqlite(session: Session) -> None:
    session.execute(text(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')"))
    session.execute(text(f"DELETE FROM {FTS_OTHER}"))
    session.execute(text(_others("")), {"other": f"*{AGREED}*"})
    session.execute(text(f"DELETE FROM {FTS_GROUPS}"))
    session.execute(text(f"DELETE FROM {FTS_COUNTED}"))  # counted again by the next search


UNCOUNTED = f"SELECT id FROM transcripts WHERE id NOT IN (SELECT transcript_id FROM {FTS_COUNTED})"


def _uncounted(session: Reader) -> list[int]:
    return list(session.execute(text(UNCOUNTED)).scalars())


def _count_words(session: Session, transcript_ids: Sequence[int]) -> None:
    """Count the words of these transcripts (none counted yet) into ``passage_fts_groups``, with
    C-level counters: a million words take about half a second."""
    rows: list[tuple[str, int, int, int, int]] = []
    groups: dict[tuple[int, int], tuple[Counter[str], Counter[str]]] = {}
    texts = session.execute(
        text(
            f"SELECT transcript_id, coalesce(speaker_id, 0), text FROM passages WHERE transcript_id IN "
            f"({_ids(transcript_ids)}) AND id NOT IN (SELECT id FROM {FTS_OTHER})"
        )
    )
    for transcript, speaker, passage in texts:
        found = words(passage)
        counters = groups.get((transcript, speaker))
        if counters is None:
            counters = groups[transcript, speaker] = (Counter(), Counter())
        counters[0].update(found)
        counters[1].update(set(found))
    for (transcript, speaker), (hits, holding) in groups.items():
        rows += [(term, transcript, speaker, n, holding[term]) for term, n in hits.items()]
    # OR REPLACE: a transcript deleted behind the index's back may have left rows under a reused id; the
    # index is then out of step too, and the next search rebuilds it all.
    connection = session.connection()
    if rows:
        connection.exec_driver_sql(f"INSERT OR REPLACE INTO {FTS_GROUPS} VALUES (?, ?, ?, ?, ?)", rows)
    connection.exec_driver_sql(
        f"INSERT OR REPLACE INTO {FTS_COUNTED} VALUES (?)", [(t,) for t in transcript_ids]
    )


def _create_pg(session: Session) -> bool:
    """The trigram index, if this role may make it; a savepoint keeps a refusal from spoiling the caller's
    transaction."""
    try:
        with session.begin_nested():
            session.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            session.execute(
                text(f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON passages USING gin (text gin_trgm_ops)")
            )
    except DBAPIError:
        return False
    return True


def _varint(data: bytes) -> int:
    """The number SQLite's variable-length integer at the start of ``data`` holds (7 bits a byte, high
    bit: more follow)."""
    value = 0
    for byte in data[:9]:
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            break
    return value


def _indexed_count(session: Reader) -> int:
    """How many passages the index holds: the first number of FTS5's "averages" record (row 1 of its
    data table), which FTS5 keeps at every insert and delete; counting ``docsize`` instead reads a row per
    passage."""
    record = session.execute(text(f"SELECT block FROM {FTS}_data WHERE id = 1")).scalar()
    if not record:
        return session.execute(text(f"SELECT count(*) FROM {FTS}_docsize")).scalar_one()
    return _varint(record)


def _sqlite_in_step(session: Reader) -> bool:
    indexed = (_indexed_count(session), session.execute(text(f"SELECT max(id) FROM {FTS}_docsize")).scalar())
    stored = session.execute(
        text("SELECT (SELECT count(*) FROM passages), (SELECT max(id) FROM passages)")
    ).one()  # two subqueries: the count from the smallest index, the highest id from the key
    return indexed == tuple(stored)


def ready_index(db: Database) -> None:
    """Before a search: make or rebuild the index in a short transaction of its own if it needs it."""
    with db.read_connection() as connection:
        needed = index_needs_work(connection)
    if needed:
        with db.session() as session:
            ensure_index(session)


def ensure_index(session: Session) -> bool:
    """Make the index if the project has none, and on SQLite rebuild one that is out of step and count
    the words of the transcripts not counted yet; return True if anything was written (the caller
    commits)."""
    if _dialect(session) == "sqlite":
        written = False
        if not _sqlite_exists(session):
            _create_sqlite(session)
            written = True
        elif not _sqlite_in_step(session):
            _rebuild_sqlite(session)
            written = True
        uncounted = _uncounted(session)
        if uncounted:
            _count_words(session, uncounted)
        return written or bool(uncounted)
    if _dialect(session) == "postgresql" and not _pg_exists(session):
        return _create_pg(session)
    return False


def index_needs_work(session: Reader) -> bool:
    """Whether :func:`ensure_index` has work: a search asks first, so it mostly needs no write lock."""
    if _dialect(session) == "sqlite":
        return not _sqlite_exists(session) or not _sqlite_in_step(session) or not _all_counted(session)
    return _dialect(session) == "postgresql" and not _pg_exists(session)


def _all_counted(session: Reader) -> bool:
    return not session.execute(text(f"SELECT EXISTS ({UNCOUNTED})")).scalar()


def _ids(transcript_ids: Sequence[int]) -> str:
    return ", ".join(str(int(t)) for t in transcript_ids)


def forget_transcripts(session: Session, transcript_ids: Sequence[int]) -> None:
    """Take these transcripts' passages out of the index, before their texts change (SQLite's external
    content index needs the text it indexed to remove it)."""
    if not transcript_ids or _dialect(session) != "sqlite" or not _sqlite_exists(session):
        return
    session.execute(
        text(
            f"INSERT INTO {FTS}({FTS}, rowid, text) SELECT 'delete', id, text FROM passages "
            f"WHERE transcript_id IN ({_ids(transcript_ids)})"
        )
    )
    session.execute(
        text(
            f"DELETE FROM {FTS_OTHER} WHERE id IN "
            f"(SELECT id FROM passages WHERE transcript_id IN ({_ids(transcript_ids)}))"
        )
    )
    session.execute(text(f"DELETE FROM {FTS_GROUPS} WHERE transcript_id IN ({_ids(transcript_ids)})"))
    session.execute(text(f"DELETE FROM {FTS_COUNTED} WHERE transcript_id IN ({_ids(transcript_ids)})"))


def index_transcripts(session: Session, transcript_ids: Sequence[int], *, count_words: bool = True) -> None:
    """Put these transcripts' passages into the index (making the index first if there is none), and
    count their words unless ``count_words`` is false (then the first search does)."""
    if not transcript_ids:
        return
    if _dialect(session) == "sqlite":
        if not _sqlite_exists(session):
            _create_sqlite(session)  # indexes every passage, these included
        else:
            _add_to_sqlite(session, transcript_ids)
        if count_words:
            _count_words(session, transcript_ids)
    elif _dialect(session) == "postgresql" and not _pg_exists(session):
        _create_pg(session)


def _add_to_sqlite(session: Session, transcript_ids: Sequence[int]) -> None:
    session.execute(
        text(
            f"INSERT INTO {FTS}(rowid, text) SELECT id, text FROM passages "
            f"WHERE transcript_id IN ({_ids(transcript_ids)})"
        )
    )
    session.execute(
        text(_others(f"transcript_id IN ({_ids(transcript_ids)}) AND")), {"other": f"*{AGREED}*"}
    )


def _fts_string(phrases: Sequence[Sequence[IndexTerm]]) -> str:
    """An FTS5 query: any phrase, each with all its words (in any order; the exact order is checked later)."""

    def term(t: IndexTerm) -> str:
        forms = ['"' + f.replace('"', '""') + '"' + ("*" if t.prefix else "") for f in t.forms]
        return "(" + " OR ".join(forms) + ")"

    return " OR ".join("(" + " AND ".join(term(t) for t in phrase) + ")" for phrase in phrases)


def _like(form: str) -> str:
    return "%" + form.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def candidates(
    session: Reader, phrases: Sequence[Sequence[IndexTerm]], *, narrowed: bool = False
) -> ColumnElement[bool]:
    """A condition on ``passages`` true for every passage that may hold one of ``phrases`` (and for few
    others). ``narrowed``: the caller's conditions pick the transcripts already, so SQLite should read
    their passages and look each up in the index's answer, rather than every passage the index names."""
    phrases = [phrase for phrase in phrases if phrase and all(t.forms for t in phrase)]
    if not phrases:
        return false()  # every phrase has a word with no form at all (a fuzzy word with no neighbour)
    if _dialect(session) == "sqlite" and _sqlite_exists(session):
        match = text(
            f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH :fts UNION ALL SELECT id FROM {FTS_OTHER}"
        ).bindparams(fts=_fts_string(phrases))
        ids = match.columns(column("rowid", Integer))
        return (passages.c.id + 0 if narrowed else passages.c.id).in_(ids)  # + 0: no lookup by id
    if _dialect(session) == "postgresql":
        return or_(
            *(
                and_(*(or_(*(passages.c.text.ilike(_like(f), escape="\\") for f in t.forms)) for t in phrase))
                for phrase in phrases
            )
        )
    return true()


def word_counts(session: Reader, terms: Sequence[IndexTerm]) -> Subquery | None:
    """Per transcript and speaker (columns ``transcript_id``, ``speaker_id``, ``hits``, ``passages``):
    the occurrences of any of ``terms`` and the passages holding one, straight from the index's word list
    (SQLite), without reading a text; the caller filters the groups. Passages whose words the index may
    split otherwise are left out (the caller reads them). None where the index cannot count.

    One word (one form, not a prefix) is read from ``passage_fts_groups``, a row per group, once every
    transcript is counted there. Otherwise each form is looked up in the word list on its own (an ``OR``
    of them would read the whole list); with several forms, an occurrence two of them match (``bel*`` and
    ``bellen``) counts once, and a passage holding two of them once, which per-word groups cannot tell.
    The passages' transcript and speaker come from a narrow index of their own, not from the passages'
    rows."""
    if _dialect(session) != "sqlite" or not _sqlite_exists(session):
        return None
    if len(terms) == 1 and len(terms[0].forms) == 1 and not terms[0].prefix and _all_counted(session):
        counted = text(
            f"SELECT transcript_id, nullif(speaker, 0) AS speaker_id, hits, passages FROM {FTS_GROUPS} "
            "WHERE term = :word"
        ).bindparams(word=terms[0].forms[0])
        return _count_columns(counted)
    lookups: list[str] = []
    params: dict[str, str] = {}
    for term in terms:
        for form in term.forms:
            at = len(params)
            if term.prefix:
                lookups.append(f"term >= :w{at} AND term < :w{at + 1}")
                params.update({f"w{at}": form, f"w{at + 1}": form + "\U0010ffff"})
            else:
                lookups.append(f"term = :w{at}")
                params[f"w{at}"] = form
    arms = [f"SELECT doc, col, offset FROM {FTS_INSTANCES} WHERE {lookup}" for lookup in lookups]
    found = " UNION ".join(arms) or f"SELECT doc, col, offset FROM {FTS_INSTANCES} WHERE 0"
    counted = text(
        f"SELECT p.transcript_id AS transcript_id, p.speaker_id AS speaker_id, count(*) AS hits, "
        f"count(DISTINCT f.doc) AS passages FROM ({found}) AS f "
        f"JOIN passages AS p INDEXED BY {FTS_OWNERS} ON p.id = f.doc "
        f"WHERE f.doc NOT IN (SELECT id FROM {FTS_OTHER}) GROUP BY p.transcript_id, p.speaker_id"
    )
    return _count_columns(counted.bindparams(**params))


def _count_columns(counted: TextClause) -> Subquery:
    columns = counted.columns(
        column("transcript_id", Integer),
        column("speaker_id", Integer),
        column("hits", Integer),
        column("passages", Integer),
    )
    return columns.subquery("counted")


def other_passages() -> Select[int]:
    """The passages a search must read whatever the index says (SQLite; none elsewhere)."""
    return select(column("id", Integer)).select_from(table(FTS_OTHER))


def indexed_words(session: Reader) -> Iterator[str] | None:
    """Every word in the index (SQLite), or None where the index cannot list them (PostgreSQL)."""
    if _dialect(session) != "sqlite" or not _sqlite_exists(session):
        return None
    return (row[0] for row in session.execute(text(f"SELECT term FROM {FTS_WORDS}")))


def passage_texts(session: Reader) -> Iterator[str]:
    """Every passage text, streamed (for what the index cannot answer)."""
    result = session.execute(select(passages.c.text).execution_options(yield_per=VOCABULARY_BATCH))
    for batch in result.partitions():
        for (value,) in batch:
            yield value
