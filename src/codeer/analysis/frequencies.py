"""Code frequencies per group: how many passages, speakers and transcripts each code reaches.

Unit of analysis: the passage. Per group (a combination of ``--by`` attribute values) and code:

- ``passages``: distinct passages coded with the code, by any selected coder; a span counts for its passage;
- ``speakers``: distinct speakers among those passages (a speaker belongs to one transcript, so the same
  name in two focus groups is two speakers; a passage without a speaker adds none);
- ``transcripts``: distinct transcripts among those passages;
- ``group_passages``: all passages of the group, coded or not, the denominator of ``share``.

The database counts: a ``GROUP BY`` over the (transcript, speaker, code) cells of
:mod:`codeer.analysis.cells`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from codeer.analysis.cells import code_cells
from codeer.analysis.codes import CodeInfo, Selection, load_codes
from codeer.store.groups import (
    Attribute,
    Group,
    attribute_columns,
    group_sizes,
    resolve_attributes,
)


@dataclass(frozen=True)
class FrequencyRow:
    group: Group
    code: CodeInfo
    passages: int
    speakers: int
    transcripts: int
    group_passages: int

    @property
    def share(self) -> float:
        """The part of the group's passages coded with the code."""
        return self.passages / self.group_passages if self.group_passages else 0.0


@dataclass
class FrequencyTable:
    """Frequencies of every applied code in every group; ``rows`` sorted by group, then codebook order."""

    selection: Selection
    attributes: tuple[Attribute, ...]
    groups: list[Group]  # every group that has passages, sorted, coded or not
    group_passages: dict[Group, int]
    codes: list[CodeInfo]  # every code in codebook order, applied or not
    rows: list[FrequencyRow]
    _cells: dict[tuple[Group, int], FrequencyRow] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._cells = {(row.group, row.code.id): row for row in self.rows}

    def cell(self, group: Group, code_id: int) -> FrequencyRow | None:
        """The row of ``code_id`` in ``group``, or None where nobody applied it there."""
        return self._cells.get((group, code_id))

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(a.label for a in self.attributes)


def frequencies(session: Session, selection: Selection) -> FrequencyTable:
    attributes = resolve_attributes(session, selection.by)
    codes = load_codes(session)
    cells = code_cells(session, selection)
    source, columns = attribute_columns(cells, attributes, cells.c.transcript_id, cells.c.speaker_id)
    query = (
        select(
            *columns,
            cells.c.code_id,
            func.sum(cells.c.passages),
            func.count(distinct(cells.c.speaker_id)),
            func.count(distinct(cells.c.transcript_id)),
        )
        .select_from(source)
        .group_by(*columns, cells.c.code_id)
    )
    sizes = group_sizes(session, attributes)
    width = len(attributes)
    rows = []
    for row in session.execute(query):
        group = tuple(row[:width])
        code_id, passages, speakers, transcripts = row[width:]
        rows.append(FrequencyRow(group, codes[code_id], int(passages), speakers, transcripts, sizes[group]))
    rows.sort(key=lambda r: (r.group, r.code.order))
    return FrequencyTable(selection, attributes, sorted(sizes), sizes, list(codes.values()), rows)
