"""The schema: typed ORM classes (``orm``) and Alembic migrations (``migrations/``)."""

from codeer.model.orm import (
    Base,
    Code,
    Codebook,
    Coder,
    Coding,
    CodingEvent,
    Memo,
    Passage,
    Setting,
    Settlement,
    Speaker,
    SpeakerAttribute,
    Suggestion,
    Transcript,
    TranscriptAttribute,
    utcnow,
)

__all__ = [
    "Base",
    "Code",
    "Codebook",
    "Coder",
    "Coding",
    "CodingEvent",
    "Memo",
    "Passage",
    "Setting",
    "Settlement",
    "Speaker",
    "SpeakerAttribute",
    "Suggestion",
    "Transcript",
    "TranscriptAttribute",
    "utcnow",
]
