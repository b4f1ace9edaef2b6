"""The project schema as SQLAlchemy 2.0 typed ORM classes.

One database holds a whole study. Integrity lives in the schema itself (unique keys, foreign keys, check
constraints) so that every client (CLI, terminal UI, a second process, a PostgreSQL team server) is held to
the same rules, not only code paths that remember to check.

Conventions:
- Every table has an integer surrogate key ``id``; the researcher-facing, stable identifier of transcripts,
  codebooks and codes is ``key`` (e.g. ``vitens-q1``, ``oprechte-empathie``).
- Attributes (of transcripts and of speakers) are rows, not JSON, so that analysis can group by them in SQL.
- A coding with ``start``/``end`` NULL covers the whole passage; otherwise it is the span
  ``text[start:end]`` in Unicode code points (end exclusive).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
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
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timestamps are stored in UTC, timezone-aware."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}

    if TYPE_CHECKING:  # every class here maps one Table (SQLAlchemy types it as any FromClause)
        __table__: ClassVar[Table]


class Transcript(Base):
    __tablename__ = "transcripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    source_file: Mapped[str] = mapped_column(String(1000), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    preamble: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(20), default="nl")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    passages: Mapped[list[Passage]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan", order_by="Passage.number"
    )
    speakers: Mapped[list[Speaker]] = relationship(back_populates="transcript", cascade="all, delete-orphan")
    attributes: Mapped[list[TranscriptAttribute]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan"
    )


class TranscriptAttribute(Base):
    __tablename__ = "transcript_attributes"
    __table_args__ = (UniqueConstraint("transcript_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(Text, default="")

    transcript: Mapped[Transcript] = relationship(back_populates="attributes")


class Speaker(Base):
    __tablename__ = "speakers"
    __table_args__ = (UniqueConstraint("transcript_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    transcript: Mapped[Transcript] = relationship(back_populates="speakers")
    attributes: Mapped[list[SpeakerAttribute]] = relationship(
        back_populates="speaker", cascade="all, delete-orphan"
    )


class SpeakerAttribute(Base):
    __tablename__ = "speaker_attributes"
    __table_args__ = (UniqueConstraint("speaker_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(Text, default="")

    speaker: Mapped[Speaker] = relationship(back_populates="attributes")


class Passage(Base):
    """One speaker turn. ``sentences`` holds ``[[start, end], ...]`` code-point offsets found by spaCy."""

    __tablename__ = "passages"
    __table_args__ = (
        UniqueConstraint("transcript_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speakers.id", ondelete="SET NULL"), index=True)
    start_ms: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    sentences: Mapped[list[Any]] = mapped_column(default=list)

    transcript: Mapped[Transcript] = relationship(back_populates="passages")
    speaker: Mapped[Speaker | None] = relationship()


class Codebook(Base):
    __tablename__ = "codebooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    source_file: Mapped[str] = mapped_column(String(1000), default="")

    codes: Mapped[list[Code]] = relationship(
        back_populates="codebook", cascade="all, delete-orphan", order_by="Code.position"
    )


class Code(Base):
    __tablename__ = "codes"
    __table_args__ = (
        UniqueConstraint("codebook_id", "key"),
        UniqueConstraint("codebook_id", "hotkey"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    codebook_id: Mapped[int] = mapped_column(ForeignKey("codebooks.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(500))
    definition: Mapped[str] = mapped_column(Text, default="")
    include: Mapped[str] = mapped_column(Text, default="")
    exclude: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[list[Any]] = mapped_column(default=list)
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    hotkey: Mapped[str | None] = mapped_column(String(20))
    color: Mapped[str | None] = mapped_column(String(7))
    position: Mapped[int] = mapped_column(Integer, default=0)

    codebook: Mapped[Codebook] = relationship(back_populates="codes")
    parent: Mapped[Code | None] = relationship(remote_side=[id])


class Coder(Base):
    __tablename__ = "coders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


SPAN_CHECKS = (
    CheckConstraint("(start IS NULL) = (\"end\" IS NULL)", name="span_both_or_none"),
    CheckConstraint("start IS NULL OR (start >= 0 AND \"end\" > start)", name="span_ordered"),
)


class Coding(Base):
    """A code applied by a coder to a passage, or to the span ``start:end`` of it."""

    __tablename__ = "codings"
    __table_args__ = (
        *SPAN_CHECKS,
        Index("ix_codings_coder_passage", "coder_id", "passage_id"),
        Index("ix_codings_code", "code_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    passage_id: Mapped[int] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="CASCADE"))
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    memo: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    passage: Mapped[Passage] = relationship()
    code: Mapped[Code] = relationship()
    coder: Mapped[Coder] = relationship()


# A whole-passage coding has NULL start/end, and NULLs never collide in a unique constraint, so the
# uniqueness of (passage, code, coder, span) needs an expression index that maps NULL to -1.
Index(
    "uq_codings_passage_code_coder_span",
    Coding.passage_id,
    Coding.code_id,
    Coding.coder_id,
    func.coalesce(Coding.start, -1),
    func.coalesce(Coding.end, -1),
    unique=True,
)


class Memo(Base):
    """A coder's note on a passage (``passage_id``), a transcript, a code, or the project (all NULL)."""

    __tablename__ = "memos"
    __table_args__ = (Index("ix_memos_passage", "passage_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    transcript_id: Mapped[int | None] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    passage_id: Mapped[int | None] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"))
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class CodingEvent(Base):
    """The history of codings: one row per change, never updated or deleted.

    ``action`` is one of ``apply``, ``remove``, ``update`` (span or memo changed), ``settle`` (consensus).
    The row copies what identifies the coding (transcript key, passage number, code key, coder, span) so that
    it outlives the coding, its passage and even its code.
    """

    __tablename__ = "coding_events"
    __table_args__ = (
        CheckConstraint("action IN ('apply', 'remove', 'update', 'settle')", name="action_known"),
        Index("ix_coding_events_coder_at", "coder_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String(20))
    coding_id: Mapped[int | None] = mapped_column(Integer)
    passage_id: Mapped[int | None] = mapped_column(
        ForeignKey("passages.id", ondelete="SET NULL"), index=True
    )
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="SET NULL"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="CASCADE"))
    transcript_key: Mapped[str] = mapped_column(String(200), default="")
    passage_number: Mapped[int | None] = mapped_column(Integer)
    code_key: Mapped[str] = mapped_column(String(200), default="")
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    memo: Mapped[str] = mapped_column(Text, default="")
    previous: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    # The database login that made the change (PostgreSQL); differs from the coder when an owner or lead
    # acted for them. Empty on SQLite, which knows no logins.
    login: Mapped[str] = mapped_column(String(200), default="", server_default="")


class CodebookEvent(Base):
    """The history of the codebook: one row per change (made, renamed, moved, merged, split, deleted, edited,
    memo, loaded from or saved to a file, undone), never updated.

    ``state`` holds what undoing the change needs (the codes and codings as they were) and, for ``load`` and
    ``save``, the code keys the file held; ``reverts`` is the event an ``undo`` took back.
    """

    __tablename__ = "codebook_events"
    __table_args__ = (
        CheckConstraint(
            "action IN ('add', 'rename', 'move', 'merge', 'split', 'delete', 'edit', 'memo', 'load', 'save', "
            "'undo')",
            name="action_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String(20))
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"), index=True)
    codebook_key: Mapped[str] = mapped_column(String(200), default="")
    code_key: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reverts: Mapped[int | None] = mapped_column(Integer)
    # The database login that made the change (PostgreSQL; in a team database the owner), as in
    # ``coding_events.login``. Empty on SQLite, which knows no logins.
    login: Mapped[str] = mapped_column(String(200), default="", server_default="")


class Suggestion(Base):
    """An auto-coding suggestion, kept apart from human codings until a coder accepts it."""

    __tablename__ = "suggestions"
    __table_args__ = (
        *SPAN_CHECKS,
        CheckConstraint("status IN ('open', 'accepted', 'rejected')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    passage_id: Mapped[int] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(default=0.0)
    triggers: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="open")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


Index(
    "uq_suggestions_passage_code_span",
    Suggestion.passage_id,
    Suggestion.code_id,
    func.coalesce(Suggestion.start, -1),
    func.coalesce(Suggestion.end, -1),
    unique=True,
)


class Setting(Base):
    """Project-wide settings that every client must obey (e.g. ``forbid_show_others``)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class Settlement(Base):
    """A passage on which compared coders disagreed, settled into a consensus coder's codings.

    The outcome is the consensus coder's codings on the passage (``settle`` events in the history); this row
    records that the passage *was* settled, which the codings alone cannot show when the outcome is no code
    at all ("neither"), with what was chosen, between which coders, and why.
    """

    __tablename__ = "settlements"
    __table_args__ = (UniqueConstraint("passage_id", "coder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    passage_id: Mapped[int] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="CASCADE"), index=True)
    choice: Mapped[str] = mapped_column(String(200), default="")
    compared: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
