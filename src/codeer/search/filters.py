"""Which passages a search looks at: transcript and speaker attributes, moderators, codes, coders.

``--where organisation=Vitens,RET`` keeps transcripts whose attribute has one of the values;
``--speaker-where rol=deelnemer`` does the same for speakers; several conditions all hold. A name or value
the project does not have is an error that lists what it has, so a typo never gives an empty answer that
looks like a finding. Moderators' turns are left out unless ``with_moderators`` is set; who is a moderator
is the project's rule (``moderators``: :mod:`codeer.store.moderators`, from ``codeer.yaml``), the same the
workbench, auto-coding and the pseudonyms follow. ``codes`` is a coded-segment query
(:mod:`codeer.search.code_query`) over the codings of ``coders`` (all coders if none; the caller has
applied the blind-coding rule, :mod:`codeer.store.blinding`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Table, select

from codeer.codebook.slug import nearest
from codeer.errors import CodeerError
from codeer.model.tables import passages, speaker_attributes, transcript_attributes
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule

if TYPE_CHECKING:
    from codeer.store.search_index import Reader

Condition = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Filters:
    where: tuple[Condition, ...] = ()
    speaker_where: tuple[Condition, ...] = ()
    with_moderators: bool = False
    moderators: ModeratorRule = DEFAULT_RULE
    codes: str = ""
    coders: tuple[str, ...] = ()


def parse_condition(text: str) -> Condition:
    """``organisation=Vitens,RET`` → ``("organisation", ("Vitens", "RET"))``."""
    name, sep, values = text.partition("=")
    parts = tuple(v.strip() for v in values.split(",") if v.strip())
    if not sep or not name.strip() or not parts:
        raise CodeerError(f"{text!r} is not NAME=VALUE[,VALUE...] (e.g. organisation=Vitens)")
    return name.strip(), parts


def _hint(word: str, known: list[str]) -> str:
    lower = {k.lower(): k for k in known}
    near = nearest(word, lower)
    return f"; did you mean {lower[near]!r}?" if near else ""


def _check(session: Reader, table: Table, kind: str, condition: Condition) -> None:
    name, values = condition
    names = sorted(session.scalars(select(table.c.name).distinct()))
    if name not in names:
        hint = _hint(name, names)
        raise CodeerError(f"unknown {kind} attribute {name!r}{hint} (known: {', '.join(names) or 'none'})")
    known = sorted(session.scalars(select(table.c.value).where(table.c.name == name).distinct()))
    for value in values:
        if value not in known:
            hint = _hint(value, known)
            raise CodeerError(f"no {kind} has {name}={value!r}{hint} (values: {', '.join(known) or 'none'})")


def passage_conditions(
    session: Reader,
    filters: Filters,
    transcript_id: ColumnElement[int] | None = None,
    speaker_id: ColumnElement[int] | None = None,
) -> list[ColumnElement[bool]]:
    """SQL conditions on ``passages`` for the attribute and moderator filters (checked against the
    project first); on other columns holding a passage's transcript and speaker if given (counts per
    transcript and speaker are filtered as their passages would be)."""
    transcript_id = passages.c.transcript_id if transcript_id is None else transcript_id
    speaker_id = passages.c.speaker_id if speaker_id is None else speaker_id
    conditions: list[ColumnElement[bool]] = []
    for wanted, attributes, kind, owned in (
        (filters.where, transcript_attributes, "transcript", transcript_id),
        (filters.speaker_where, speaker_attributes, "speaker", speaker_id),
    ):
        for condition in wanted:
            _check(session, attributes, kind, condition)
            name, values = condition
            owners = select(attributes.c[f"{kind}_id"]).where(
                attributes.c.name == name, attributes.c.value.in_(values)
            )
            conditions.append(owned.in_(owners))
    if not filters.with_moderators:
        moderators = filters.moderators.speaker_ids()
        conditions.append(speaker_id.is_(None) | speaker_id.not_in(moderators))
    return conditions


def conditions_from(texts: Sequence[str] | None) -> tuple[Condition, ...]:
    return tuple(parse_condition(t) for t in texts or ())
