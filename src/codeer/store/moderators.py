"""Who moderates a focus group: one definition for every query that leaves moderators out or dims them.

A moderator is a speaker whose attribute ``rol`` (or ``role``) is ``moderator`` or ``interviewer``, or a
speaker so named, in any case. Project search leaves their turns out unless asked; the workbench dims
them and auto-coding skips them by the same rule (their modules still hold their own copies of it).
"""

from __future__ import annotations

from sqlalchemy import Select, func, select

from codeer.model import Speaker, SpeakerAttribute

MODERATOR_WORDS = ("moderator", "interviewer")
ROLE_ATTRIBUTES = ("rol", "role")


def moderator_speakers() -> Select[tuple[int]]:
    """The ids of every moderator speaker in the project, as a subquery to filter passages with."""
    by_role = select(SpeakerAttribute.speaker_id).where(
        func.lower(SpeakerAttribute.name).in_(ROLE_ATTRIBUTES),
        func.lower(SpeakerAttribute.value).in_(MODERATOR_WORDS),
    )
    return select(Speaker.id).where(Speaker.id.in_(by_role) | func.lower(Speaker.name).in_(MODERATOR_WORDS))
