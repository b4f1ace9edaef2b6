"""Grouping by attributes (``--by organisation,quadrant``): which attribute a name means, and its SQL.

A ``--by`` name is a transcript attribute (``organisation``, ``quadrant``) or a speaker attribute (``rol``);
a passage takes the transcript attribute of its transcript and the speaker attribute of its speaker. Where
both kinds have an attribute of that name the transcript's wins; ``speaker.NAME`` and ``transcript.NAME``
say which one is meant.

A transcript (or speaker) without the attribute, and a passage without a speaker, fall in the group whose
value is the empty string :data:`MISSING`: it sorts first, cannot clash with a real value, and a spreadsheet
filter shows it as "(blank)". Every frequency, co-occurrence and quote query joins the same outer joins
made here, so they agree on which passage belongs to which group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, FromClause, and_, func, select

from codeer.codebook.slug import nearest
from codeer.errors import CodeerError
from codeer.model.tables import passages as PASSAGES  # noqa: N812 - the name every query here uses
from codeer.model.tables import speaker_attributes as SPEAKER_ATTRIBUTES  # noqa: N812
from codeer.model.tables import transcript_attributes as TRANSCRIPT_ATTRIBUTES  # noqa: N812

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

MISSING = ""
KINDS = ("transcript", "speaker")

Group = tuple[str, ...]


@dataclass(frozen=True)
class Attribute:
    """A ``--by`` attribute: ``label`` as the user wrote it (the column header), its kind and stored name."""

    label: str
    kind: str  # "transcript" or "speaker"
    name: str


def parse_names(text: str | None) -> tuple[str, ...]:
    """``"organisation, quadrant"`` → ``("organisation", "quadrant")``; None or blank → ``()``."""
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def known_attributes(session: Session | Connection) -> dict[str, list[str]]:
    """The attribute names in the project, by kind, sorted."""
    return {
        "transcript": sorted(session.scalars(select(TRANSCRIPT_ATTRIBUTES.c.name).distinct())),
        "speaker": sorted(session.scalars(select(SPEAKER_ATTRIBUTES.c.name).distinct())),
    }


def _unknown(label: str, known: dict[str, list[str]]) -> CodeerError:
    choices = known["transcript"] + [f"speaker.{name}" for name in known["speaker"]]
    near = nearest(label, choices)
    hint = f"; did you mean {near!r}?" if near else ""
    listing = (
        f"transcript attributes: {', '.join(known['transcript']) or '(none)'}; "
        f"speaker attributes: {', '.join(known['speaker']) or '(none)'}"
    )
    return CodeerError(f"unknown attribute {label!r}{hint} ({listing})")


def resolve_attributes(session: Session | Connection, labels: tuple[str, ...]) -> tuple[Attribute, ...]:
    """The attributes ``labels`` name; a name the project does not know is an error that lists the known."""
    known = known_attributes(session)
    resolved: list[Attribute] = []
    for label in labels:
        kind, _, name = label.partition(".")
        kinds: tuple[str, ...]
        if name and kind in KINDS:
            kinds = (kind,)
        else:
            kinds, name = KINDS, label
        found = next((k for k in kinds if name in known[k]), None)
        if found is None:
            raise _unknown(label, known)
        resolved.append(Attribute(label, found, name))
    if len({a.label for a in resolved}) != len(resolved):
        raise CodeerError(f"an attribute is named twice in --by {','.join(labels)}")
    return tuple(resolved)


def attribute_columns(
    source: FromClause,
    attributes: tuple[Attribute, ...],
    transcript_id: ColumnElement | None = None,
    speaker_id: ColumnElement | None = None,
) -> tuple[FromClause, list[ColumnElement]]:
    """``source`` outer-joined to each attribute, and the attribute values.

    Attributes are joined on ``transcript_id`` and ``speaker_id`` (default: the ``passages`` table's, which
    ``source`` must then include). The values are ``coalesce(value, '')`` expressions labelled ``g0``,
    ``g1``, ... to group and order by.
    """
    transcript_id = PASSAGES.c.transcript_id if transcript_id is None else transcript_id
    speaker_id = PASSAGES.c.speaker_id if speaker_id is None else speaker_id
    columns: list[ColumnElement] = []
    for index, attribute in enumerate(attributes):
        if attribute.kind == "transcript":
            table = TRANSCRIPT_ATTRIBUTES.alias(f"ta{index}")
            on = and_(table.c.transcript_id == transcript_id, table.c.name == attribute.name)
        else:
            table = SPEAKER_ATTRIBUTES.alias(f"sa{index}")
            on = and_(table.c.speaker_id == speaker_id, table.c.name == attribute.name)
        source = source.outerjoin(table, on)
        columns.append(func.coalesce(table.c.value, MISSING).label(f"g{index}"))
    return source, columns


def group_sizes(session: Session, attributes: tuple[Attribute, ...]) -> dict[Group, int]:
    """Every group that has passages (coded or not), with its number of passages."""
    source, columns = attribute_columns(PASSAGES, attributes)
    query = select(*columns, func.count()).select_from(source).group_by(*columns)
    return {tuple(row[:-1]): row[-1] for row in session.execute(query)}


def group_label(group: Group) -> str:
    """How a group is named where a blank is not allowed (sheet names, pivot headers): ``Vitens / Q1``."""
    return " / ".join(value or "(none)" for value in group) or "all"
