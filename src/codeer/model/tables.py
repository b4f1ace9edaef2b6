"""The project schema as SQLAlchemy Core tables: the one definition of every table, column and constraint.

One database holds a whole study. Integrity lives in the schema itself (unique keys, foreign keys, check
constraints) so that every client (CLI, terminal UI, a second process, a PostgreSQL team server) is held to
the same rules, not only code paths that remember to check.

The typed ORM classes of :mod:`codeer.model.orm` are mapped onto these tables. The tables stand alone, so a
command that only reads through them (``codeer status``) starts without loading SQLAlchemy's ORM.

Conventions:
- Every table has an integer surrogate key ``id``; the researcher-facing, stable identifier of transcripts,
  codebooks and codes is ``key`` (e.g. ``vitens-q1``, ``oprechte-empathie``).
- Attributes (of transcripts and of speakers) are rows, not JSON, so that analysis can group by them in SQL.
- A coding with ``start``/``end`` NULL covers the whole passage; otherwise it is the span
  ``text[start:end]`` in Unicode code points (end exclusive).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.sql.elements import conv

NAMING = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    """Timestamps are stored in UTC, timezone-aware."""
    return datetime.now(UTC)


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _when(name: str, *, updated: bool = False) -> Column[datetime]:
    """A time, set when the row is made (and, ``updated``, whenever it changes)."""
    changed = utcnow if updated else None
    return Column(name, DateTime(timezone=True), nullable=False, default=utcnow, onupdate=changed)


def _text(name: str, length: int | None = None, **options: object) -> Column[str]:
    """A text column that is never NULL (empty by default unless ``default`` says otherwise)."""
    options.setdefault("default", "")
    return Column(name, String(length) if length else Text, nullable=False, **options)  # type: ignore[arg-type]


def _reference(
    name: str, target: str, on_delete: str, *, nullable: bool = False, index: bool = False
) -> Column[int]:
    return Column(name, Integer, ForeignKey(target, ondelete=on_delete), nullable=nullable, index=index)


def _json(name: str, *, nullable: bool = False) -> Column:
    return Column(name, JSON, nullable=nullable, default=None if nullable else list)


transcripts = Table(
    "transcripts",
    metadata,
    _id(),
    Column("key", String(200), nullable=False, unique=True),
    _text("title", 500),
    _text("source_file", 1000),
    _text("content_hash", 64),
    _text("preamble"),
    _text("language", 20, default="nl"),
    _when("imported_at"),
)

transcript_attributes = Table(
    "transcript_attributes",
    metadata,
    _id(),
    _reference("transcript_id", "transcripts.id", "CASCADE"),
    Column("name", String(200), nullable=False),
    _text("value"),
    UniqueConstraint("transcript_id", "name"),
)

speakers = Table(
    "speakers",
    metadata,
    _id(),
    _reference("transcript_id", "transcripts.id", "CASCADE", index=True),
    Column("name", String(200), nullable=False),
    UniqueConstraint("transcript_id", "name"),
)

speaker_attributes = Table(
    "speaker_attributes",
    metadata,
    _id(),
    _reference("speaker_id", "speakers.id", "CASCADE"),
    Column("name", String(200), nullable=False),
    _text("value"),
    UniqueConstraint("speaker_id", "name"),
)

# One speaker turn. ``sentences`` holds ``[[start, end], ...]`` code-point offsets found by spaCy.
passages = Table(
    "passages",
    metadata,
    _id(),
    _reference("transcript_id", "transcripts.id", "CASCADE"),
    Column("number", Integer, nullable=False),
    _reference("speaker_id", "speakers.id", "SET NULL", nullable=True, index=True),
    Column("start_ms", Integer),
    Column("text", Text, nullable=False),
    _json("sentences"),
    UniqueConstraint("transcript_id", "number"),
    CheckConstraint("number >= 1", name="number_positive"),
)

codebooks = Table(
    "codebooks",
    metadata,
    _id(),
    Column("key", String(200), nullable=False, unique=True),
    _text("title", 500),
    _text("description"),
    _text("source_file", 1000),
)

codes = Table(
    "codes",
    metadata,
    _id(),
    _reference("codebook_id", "codebooks.id", "CASCADE", index=True),
    Column("key", String(200), nullable=False),
    _reference("parent_id", "codes.id", "SET NULL", nullable=True, index=True),
    Column("name", String(500), nullable=False),
    _text("definition"),
    _text("include"),
    _text("exclude"),
    _json("examples"),
    _json("keywords"),
    Column("hotkey", String(20)),
    Column("color", String(7)),
    Column("position", Integer, nullable=False, default=0),
    UniqueConstraint("codebook_id", "key"),
    UniqueConstraint("codebook_id", "hotkey"),
    CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
)

coders = Table(
    "coders",
    metadata,
    _id(),
    Column("name", String(200), nullable=False, unique=True),
    _when("created_at"),
)


def _span(named_as: str) -> tuple[Column[int], Column[int], CheckConstraint, CheckConstraint]:
    """``start`` and ``end`` and their checks. The checks are named after the ``named_as`` table: suggestions'
    have been called ``ck_codings_...`` since the first migration, and a new database is made the same."""
    return (
        Column("start", Integer),
        Column("end", Integer),
        CheckConstraint('(start IS NULL) = ("end" IS NULL)', name=conv(f"ck_{named_as}_span_both_or_none")),
        CheckConstraint(
            'start IS NULL OR (start >= 0 AND "end" > start)', name=conv(f"ck_{named_as}_span_ordered")
        ),
    )


# A code applied by a coder to a passage, or to the span ``start:end`` of it.
codings = Table(
    "codings",
    metadata,
    _id(),
    _reference("passage_id", "passages.id", "CASCADE"),
    _reference("code_id", "codes.id", "CASCADE"),
    _reference("coder_id", "coders.id", "CASCADE"),
    *_span("codings"),
    _text("memo"),
    _when("created_at"),
    _when("updated_at", updated=True),
    Index("ix_codings_coder_passage", "coder_id", "passage_id"),
    Index("ix_codings_code", "code_id"),
)
# A whole-passage coding has NULL start/end, and NULLs never collide in a unique constraint, so the
# uniqueness of (passage, code, coder, span) needs an expression index that maps NULL to -1.
Index(
    "uq_codings_passage_code_coder_span",
    codings.c.passage_id,
    codings.c.code_id,
    codings.c.coder_id,
    func.coalesce(codings.c.start, -1),
    func.coalesce(codings.c.end, -1),
    unique=True,
)

# A coder's note on a passage (``passage_id``), a transcript, a code, or the project (all NULL).
memos = Table(
    "memos",
    metadata,
    _id(),
    _reference("coder_id", "coders.id", "SET NULL", nullable=True),
    _reference("transcript_id", "transcripts.id", "CASCADE", nullable=True),
    _reference("passage_id", "passages.id", "CASCADE", nullable=True),
    _reference("code_id", "codes.id", "CASCADE", nullable=True),
    _text("title", 500),
    _text("text"),
    _when("created_at"),
    _when("updated_at", updated=True),
    Index("ix_memos_passage", "passage_id"),
)

# The history of codings: one row per change, never updated or deleted. ``action`` is one of ``apply``,
# ``remove``, ``update`` (span or memo changed), ``settle`` (consensus). The row copies what identifies the
# coding (transcript key, passage number, code key, coder, span) so that it outlives the coding, its passage
# and even its code. ``login`` is the database login that made the change (PostgreSQL); it differs from the
# coder when an owner or lead acted for them. Empty on SQLite, which knows no logins.
coding_events = Table(
    "coding_events",
    metadata,
    _id(),
    _when("at"),
    Column("action", String(20), nullable=False),
    Column("coding_id", Integer),
    _reference("passage_id", "passages.id", "SET NULL", nullable=True, index=True),
    _reference("code_id", "codes.id", "SET NULL", nullable=True),
    _reference("coder_id", "coders.id", "CASCADE"),
    _text("transcript_key", 200),
    Column("passage_number", Integer),
    _text("code_key", 200),
    Column("start", Integer),
    Column("end", Integer),
    _text("memo"),
    _json("previous", nullable=True),
    _text("note"),
    _text("login", 200, server_default=""),
    CheckConstraint("action IN ('apply', 'remove', 'update', 'settle')", name="action_known"),
    Index("ix_coding_events_coder_at", "coder_id", "at"),
)

# The history of the codebook: one row per change (made, renamed, moved, merged, split, deleted, edited,
# memo, loaded from or saved to a file, undone), never updated. ``state`` holds what undoing the change needs
# (the codes and codings as they were) and, for ``load`` and ``save``, the code keys the file held;
# ``reverts`` is the event an ``undo`` took back; ``login`` as in ``coding_events``.
codebook_events = Table(
    "codebook_events",
    metadata,
    _id(),
    _when("at"),
    Column("action", String(20), nullable=False),
    _reference("coder_id", "coders.id", "SET NULL", nullable=True, index=True),
    _text("codebook_key", 200),
    _text("code_key", 200),
    _text("detail"),
    _json("state", nullable=True),
    Column("reverts", Integer),
    _text("login", 200, server_default=""),
    CheckConstraint(
        "action IN ('add', 'rename', 'move', 'merge', 'split', 'delete', 'edit', 'memo', 'load', 'save', "
        "'undo')",
        name="action_known",
    ),
)

# An auto-coding suggestion, kept apart from human codings until a coder accepts it.
suggestions = Table(
    "suggestions",
    metadata,
    _id(),
    _reference("passage_id", "passages.id", "CASCADE"),
    _reference("code_id", "codes.id", "CASCADE", index=True),
    *_span("codings"),
    Column("score", Double, nullable=False, default=0.0),
    _json("triggers"),
    _text("status", 20, default="open"),
    _reference("decided_by", "coders.id", "SET NULL", nullable=True),
    _when("created_at"),
    CheckConstraint("status IN ('open', 'accepted', 'rejected')", name="status_known"),
)
Index(
    "uq_suggestions_passage_code_span",
    suggestions.c.passage_id,
    suggestions.c.code_id,
    func.coalesce(suggestions.c.start, -1),
    func.coalesce(suggestions.c.end, -1),
    unique=True,
)

# Project-wide settings that every client must obey (e.g. ``forbid_show_others``).
settings = Table(
    "settings",
    metadata,
    Column("key", String(200), primary_key=True),
    _text("value"),
)

# A passage on which compared coders disagreed, settled into a consensus coder's codings. The outcome is the
# consensus coder's codings on the passage (``settle`` events in the history); this row records that the
# passage *was* settled, which the codings alone cannot show when the outcome is no code at all ("neither"),
# with what was chosen, between which coders, and why.
settlements = Table(
    "settlements",
    metadata,
    _id(),
    _reference("passage_id", "passages.id", "CASCADE"),
    _reference("coder_id", "coders.id", "CASCADE", index=True),
    _text("choice", 200),
    _json("compared"),
    _text("note"),
    _when("at"),
    UniqueConstraint("passage_id", "coder_id"),
)
