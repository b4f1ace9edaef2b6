"""Code co-occurrence per group: which codes share passages, and how strongly.

Unit of analysis: the passage. For two codes a and b in a group, ``passages`` (n_ab) counts the passages
coded with both (by any selected coders, not necessarily the same one); n_a and n_b count those with each.
``jaccard`` = n_ab / (n_a + n_b − n_ab), the share of the passages with either code that have both (ATLAS.ti's
c-coefficient); ``share_of_a`` = n_ab / n_a and ``share_of_b`` = n_ab / n_b read as "of the passages with a,
this part also has b".

Only pairs that share at least one passage are rows. The database does the pairing: a self-join of the
distinct ``(passage, code)`` set on the passage, counted with ``GROUP BY`` (see :mod:`codeer.analysis.cells`).
With ``rollup`` a code and its own ancestor are left out as a pair: the ancestor then holds every passage of
the code by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codeer.analysis.cells import pair_cells
from codeer.analysis.codes import CodeInfo, Selection, related
from codeer.analysis.frequencies import FrequencyTable, frequencies
from codeer.store.groups import Group, attribute_columns


@dataclass(frozen=True)
class PairRow:
    group: Group
    code_a: CodeInfo  # the earlier of the two in codebook order
    code_b: CodeInfo
    passages: int
    a_passages: int
    b_passages: int

    @property
    def jaccard(self) -> float:
        return self.passages / (self.a_passages + self.b_passages - self.passages)

    @property
    def share_of_a(self) -> float:
        return self.passages / self.a_passages

    @property
    def share_of_b(self) -> float:
        return self.passages / self.b_passages


@dataclass
class CooccurrenceMatrix:
    """One group's code × code counts: ``counts[i][j]`` = n_ij, the diagonal n_i (passages with code i)."""

    group: Group
    codes: list[CodeInfo]
    counts: list[list[int]]

    def jaccard(self, i: int, j: int) -> float:
        both = self.counts[i][j]
        either = self.counts[i][i] + self.counts[j][j] - both
        return both / either if either else 0.0


@dataclass
class CooccurrenceTable:
    """The co-occurring pairs of every group, sorted by group and codebook order, with the frequencies."""

    frequencies: FrequencyTable
    pairs: list[PairRow]

    @property
    def codes(self) -> list[CodeInfo]:
        """The codes applied anywhere in the selection: the rows and columns of every group's matrix."""
        applied = {row.code.id for row in self.frequencies.rows}
        return [code for code in self.frequencies.codes if code.id in applied]

    def matrix(self, group: Group) -> CooccurrenceMatrix:
        codes = self.codes
        index = {code.id: i for i, code in enumerate(codes)}
        counts = [[0] * len(codes) for _ in codes]
        for code in codes:
            row = self.frequencies.cell(group, code.id)
            counts[index[code.id]][index[code.id]] = row.passages if row else 0
        for pair in self.pairs:
            if pair.group == group:
                i, j = index[pair.code_a.id], index[pair.code_b.id]
                counts[i][j] = counts[j][i] = pair.passages
        return CooccurrenceMatrix(group, codes, counts)


def cooccurrence(session: Session, selection: Selection) -> CooccurrenceTable:
    freq = frequencies(session, selection)
    codes = {code.id: code for code in freq.codes}
    per_speaker = any(a.kind == "speaker" for a in freq.attributes)
    cells = pair_cells(session, selection, per_speaker)
    speaker_id = cells.c.speaker_id if per_speaker else None
    source, columns = attribute_columns(cells, freq.attributes, cells.c.transcript_id, speaker_id)
    query = (
        select(*columns, cells.c.code_a, cells.c.code_b, func.sum(cells.c.passages))
        .select_from(source)
        .group_by(*columns, cells.c.code_a, cells.c.code_b)
    )
    width = len(freq.attributes)
    pairs: list[PairRow] = []
    for row in session.execute(query):
        group = tuple(row[:width])
        first, second, both = row[width:]
        both = int(both)
        if selection.rollup and related(codes, first, second):
            continue
        code_a, code_b = sorted((codes[first], codes[second]), key=lambda c: c.order)
        cell_a, cell_b = freq.cell(group, code_a.id), freq.cell(group, code_b.id)
        assert cell_a is not None and cell_b is not None  # codes that co-occur in a group are in it
        pairs.append(PairRow(group, code_a, code_b, both, cell_a.passages, cell_b.passages))
    pairs.sort(key=lambda p: (p.group, p.code_a.order, p.code_b.order))
    return CooccurrenceTable(freq, pairs)
