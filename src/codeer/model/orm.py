"""The schema's tables as typed SQLAlchemy 2.0 ORM classes, mapped onto :mod:`codeer.model.tables`.

The tables (columns, types, defaults, constraints) are defined once, in :mod:`codeer.model.tables`; each class
here maps one of them, declares its columns' Python types for the type checker, and adds the relationships
the ORM navigates. Importing this module loads SQLAlchemy's ORM; code that only needs the tables imports
:mod:`codeer.model.tables`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from codeer.model import tables
from codeer.model.tables import NAMING, utcnow

if TYPE_CHECKING:
    from sqlalchemy import Table

__all__ = ["NAMING", "utcnow"]


class Base(DeclarativeBase):
    metadata = tables.metadata

    if TYPE_CHECKING:  # every class here maps one Table (SQLAlchemy types it as any FromClause)
        __table__: ClassVar[Table]


class Transcript(Base):
    __table__ = tables.transcripts

    id: Mapped[int]
    key: Mapped[str]
    title: Mapped[str]
    source_file: Mapped[str]
    content_hash: Mapped[str]
    preamble: Mapped[str]
    language: Mapped[str]
    imported_at: Mapped[datetime]

    passages: Mapped[list[Passage]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan", order_by="Passage.number"
    )
    speakers: Mapped[list[Speaker]] = relationship(back_populates="transcript", cascade="all, delete-orphan")
    attributes: Mapped[list[TranscriptAttribute]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan"
    )


class TranscriptAttribute(Base):
    __table__ = tables.transcript_attributes

    id: Mapped[int]
    transcript_id: Mapped[int]
    name: Mapped[str]
    value: Mapped[str]

    transcript: Mapped[Transcript] = relationship(back_populates="attributes")


class Speaker(Base):
    __table__ = tables.speakers

    id: Mapped[int]
    transcript_id: Mapped[int]
    name: Mapped[str]

    transcript: Mapped[Transcript] = relationship(back_populates="speakers")
    attributes: Mapped[list[SpeakerAttribute]] = relationship(
        back_populates="speaker", cascade="all, delete-orphan"
    )


class SpeakerAttribute(Base):
    __table__ = tables.speaker_attributes

    id: Mapped[int]
    speaker_id: Mapped[int]
    name: Mapped[str]
    value: Mapped[str]

    speaker: Mapped[Speaker] = relationship(back_populates="attributes")


class Passage(Base):
    """One speaker turn. ``sentences`` holds ``[[start, end], ...]`` code-point offsets found by spaCy."""

    __table__ = tables.passages

    id: Mapped[int]
    transcript_id: Mapped[int]
    number: Mapped[int]
    speaker_id: Mapped[int | None]
    start_ms: Mapped[int | None]
    text: Mapped[str]
    sentences: Mapped[list[Any]]

    transcript: Mapped[Transcript] = relationship(back_populates="passages")
    speaker: Mapped[Speaker | None] = relationship()


class Codebook(Base):
    __table__ = tables.codebooks

    id: Mapped[int]
    key: Mapped[str]
    title: Mapped[str]
    description: Mapped[str]
    source_file: Mapped[str]

    codes: Mapped[list[Code]] = relationship(
        back_populates="codebook", cascade="all, delete-orphan", order_by="Code.position"
    )


class Code(Base):
    __table__ = tables.codes

    id: Mapped[int]
    codebook_id: Mapped[int]
    key: Mapped[str]
    parent_id: Mapped[int | None]
    name: Mapped[str]
    definition: Mapped[str]
    include: Mapped[str]
    exclude: Mapped[str]
    examples: Mapped[list[Any]]
    keywords: Mapped[list[Any]]
    hotkey: Mapped[str | None]
    color: Mapped[str | None]
    position: Mapped[int]

    codebook: Mapped[Codebook] = relationship(back_populates="codes")
    parent: Mapped[Code | None] = relationship(remote_side=[tables.codes.c.id])


class Coder(Base):
    __table__ = tables.coders

    id: Mapped[int]
    name: Mapped[str]
    created_at: Mapped[datetime]


class Coding(Base):
    """A code applied by a coder to a passage, or to the span ``start:end`` of it."""

    __table__ = tables.codings

    id: Mapped[int]
    passage_id: Mapped[int]
    code_id: Mapped[int]
    coder_id: Mapped[int]
    start: Mapped[int | None]
    end: Mapped[int | None]
    memo: Mapped[str]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    passage: Mapped[Passage] = relationship()
    code: Mapped[Code] = relationship()
    coder: Mapped[Coder] = relationship()


class Memo(Base):
    """A coder's note on a passage (``passage_id``), a transcript, a code, or the project (all NULL)."""

    __table__ = tables.memos

    id: Mapped[int]
    coder_id: Mapped[int | None]
    transcript_id: Mapped[int | None]
    passage_id: Mapped[int | None]
    code_id: Mapped[int | None]
    title: Mapped[str]
    text: Mapped[str]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CodingEvent(Base):
    """The history of codings: one row per change, never updated or deleted (see the table)."""

    __table__ = tables.coding_events

    id: Mapped[int]
    at: Mapped[datetime]
    action: Mapped[str]
    coding_id: Mapped[int | None]
    passage_id: Mapped[int | None]
    code_id: Mapped[int | None]
    coder_id: Mapped[int]
    transcript_key: Mapped[str]
    passage_number: Mapped[int | None]
    code_key: Mapped[str]
    start: Mapped[int | None]
    end: Mapped[int | None]
    memo: Mapped[str]
    previous: Mapped[dict[str, Any] | None]
    note: Mapped[str]
    login: Mapped[str]


class CodebookEvent(Base):
    """The history of the codebook: one row per change, never updated (see the table)."""

    __table__ = tables.codebook_events

    id: Mapped[int]
    at: Mapped[datetime]
    action: Mapped[str]
    coder_id: Mapped[int | None]
    codebook_key: Mapped[str]
    code_key: Mapped[str]
    detail: Mapped[str]
    state: Mapped[dict[str, Any] | None]
    reverts: Mapped[int | None]
    login: Mapped[str]


class Suggestion(Base):
    """An auto-coding suggestion, kept apart from human codings until a coder accepts it."""

    __table__ = tables.suggestions

    id: Mapped[int]
    passage_id: Mapped[int]
    code_id: Mapped[int]
    start: Mapped[int | None]
    end: Mapped[int | None]
    score: Mapped[float]
    triggers: Mapped[list[Any]]
    status: Mapped[str]
    decided_by: Mapped[int | None]
    created_at: Mapped[datetime]


class Setting(Base):
    """Project-wide settings that every client must obey (e.g. ``forbid_show_others``)."""

    __table__ = tables.settings

    key: Mapped[str]
    value: Mapped[str]


class Settlement(Base):
    """A passage on which compared coders disagreed, settled into a consensus coder's codings (see the
    table)."""

    __table__ = tables.settlements

    id: Mapped[int]
    passage_id: Mapped[int]
    coder_id: Mapped[int]
    choice: Mapped[str]
    compared: Mapped[list[Any]]
    note: Mapped[str]
    at: Mapped[datetime]
