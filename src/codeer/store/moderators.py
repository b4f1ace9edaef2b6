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

from sqlalchemy import Select, func, select, union

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
        """The same rule in SQL: the ids of every moderator speaker (filter further by transcript).

        Set-based: the role attributes and the speakers' names are each read once (a subquery per speaker
        took twice as long on a project of 12,000 speakers, and every search without moderators asks)."""
        attribute, speaker = speaker_attributes.c, speakers.c
        role = func.lower(attribute.name).in_(ROLE_ATTRIBUTES)
        with_role = select(attribute.speaker_id).where(role)
        by_role = with_role.where(func.lower(func.trim(attribute.value)).in_(self.roles))
        by_name = select(speaker.id).where(
            func.lower(func.trim(speaker.name)).in_(self.names), speaker.id.not_in(with_role)
        )
        return select(speaker.id).where(speaker.id.in_(union(by_role, by_name)))


DEFAULT_RULE = ModeratorRule()
