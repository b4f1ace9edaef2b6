"""Who is a moderator: the one rule behind dimmed turns, auto-coding and the ``M`` pseudonym.

Focus-group codebooks code what participants say; a moderator's question repeats a theme's words without
being an instance of it. So the workbench dims moderator turns, auto-coding and search leave them out, and
pseudonymised exports call them ``M`` (``M2`` for a second one). All of these ask this module, so they agree;
a project may replace the words in ``codeer.yaml`` (``moderators:``, read by :mod:`codeer.config`).

A speaker is a moderator when their role attribute (``rol`` or ``role``, any case) is ``moderator``,
``interviewer`` or ``gespreksleider`` (any case). A speaker without a role attribute is a moderator when
named one of those words (``Moderator``, ``Interviewer``): a stated role always wins over a name, so a
participant who happens to be called "Interviewer" can be marked ``rol: deelnemer``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, func, or_, select

from codeer.model.tables import speaker_attributes, speakers

ROLE_ATTRIBUTES = ("rol", "role")
MODERATOR_WORDS = ("moderator", "interviewer", "gespreksleider")


@dataclass(frozen=True)
class ModeratorRule:
    """Which role values and speaker names mark a moderator (lower case)."""

    roles: tuple[str, ...] = MODERATOR_WORDS
    names: tuple[str, ...] = MODERATOR_WORDS

    def is_moderator(self, name: str, attributes: Mapping[str, str]) -> bool:
        """The rule on plain values (a parsed file, before anything is stored)."""
        role = next((v for k, v in attributes.items() if k.strip().lower() in ROLE_ATTRIBUTES), None)
        if role is not None:
            return role.strip().lower() in self.roles
        return name.strip().lower() in self.names

    def speaker_ids(self) -> Select[int]:
        """The same rule in SQL: the ids of every moderator speaker (filter further by transcript)."""
        attribute, speaker = speaker_attributes.c, speakers.c
        role_of = and_(attribute.speaker_id == speaker.id, func.lower(attribute.name).in_(ROLE_ATTRIBUTES))
        has_role = exists().where(role_of)
        role_value = func.lower(func.trim(attribute.value))
        moderator_role = exists().where(role_of, role_value.in_(self.roles))
        named = and_(~has_role, func.lower(func.trim(speaker.name)).in_(self.names))
        return select(speaker.id).where(or_(moderator_role, named))


DEFAULT_RULE = ModeratorRule()
