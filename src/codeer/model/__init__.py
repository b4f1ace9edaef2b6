"""The schema: Core tables (``tables``), the typed ORM classes mapped onto them (``orm``), and Alembic
migrations (``migrations/``).

The ORM classes are imported from here (``from codeer.model import Coding``) on first use, so that importing
:mod:`codeer.model.tables` alone does not load SQLAlchemy's ORM.
"""

from typing import TYPE_CHECKING, Any

from codeer.model.tables import utcnow

if TYPE_CHECKING:
    from codeer.model.orm import (
        Base,
        Code,
        Codebook,
        CodebookEvent,
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
    )

__all__ = [
    "Base",
    "Code",
    "Codebook",
    "CodebookEvent",
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


def __getattr__(name: str) -> Any:
    if name in __all__:
        from codeer.model import orm

        return getattr(orm, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
