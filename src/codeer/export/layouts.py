"""The analysis results laid out as tables: long and wide frequencies, pairs and matrices, quotes, codebook.

Long tables (one row per group and code, or per group and pair) are for filtering and pivoting; the wide
frequency table and the matrices are what goes into a report as it is. Codes appear in codebook order,
groups sorted by their values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlalchemy.orm import Session

from codeer.analysis import (
    CooccurrenceTable,
    FrequencyTable,
    Selection,
    codebook_entries,
    cooccurrence,
    frequencies,
    group_label,
)
from codeer.analysis.segments import segment_columns, segment_rows
from codeer.analysis.segments_csv import segment_csv
from codeer.export.tables import Cell, Table
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule


def frequency_long(freq: FrequencyTable) -> Table:
    columns = [*freq.labels, "code", "passages", "speakers", "transcripts", "share", "group_passages"]
    rows: list[list[Cell]] = [
        [*r.group, r.code.ref, r.passages, r.speakers, r.transcripts, r.share, r.group_passages,
         r.code.name, r.code.path, r.code.codebook]
        for r in freq.rows
    ]  # fmt: skip
    return Table("frequencies", [*columns, "name", "path", "codebook"], rows)


def frequency_wide(freq: FrequencyTable, overall: FrequencyTable, measure: str = "passages") -> Table:
    """Codes as rows (every code, zeros where unused), groups as columns, and the total over all groups.

    The total counts distinct passages (speakers, transcripts) over the whole selection, so for speakers and
    transcripts under a speaker attribute it can be less than the sum of the groups.
    """

    def value(table: FrequencyTable, group: tuple[str, ...], code_id: int) -> int:
        row = table.cell(group, code_id)
        return getattr(row, measure) if row else 0

    groups = freq.groups if freq.labels else []  # without --by the one group is the total
    rows: list[list[Cell]] = [
        [code.ref, code.name, *(value(freq, g, code.id) for g in groups), value(overall, (), code.id)]
        for code in freq.codes
    ]
    columns = ["code", "name", *(group_label(g) for g in groups), "total"]
    return Table(f"{measure} by {', '.join(freq.labels)}" if freq.labels else measure, columns, rows)


def pair_long(cooc: CooccurrenceTable) -> Table:
    labels = list(cooc.frequencies.labels)
    columns = [*labels, "code_a", "code_b", "passages", "jaccard", "share_of_a", "share_of_b"]
    columns += ["a_passages", "b_passages", "name_a", "name_b"]
    rows: list[list[Cell]] = [
        [*p.group, p.code_a.ref, p.code_b.ref, p.passages, p.jaccard, p.share_of_a, p.share_of_b,
         p.a_passages, p.b_passages, p.code_a.name, p.code_b.name]
        for p in cooc.pairs
    ]  # fmt: skip
    return Table("cooccurrence", columns, rows)


def matrices(cooc: CooccurrenceTable, value: str = "passages") -> list[Table]:
    """One code × code table per group: passages with both codes (the diagonal: with the code), or Jaccard.

    The group's values lead every row, so the matrices of all groups stack into one CSV file.
    """
    labels = list(cooc.frequencies.labels)
    tables = []
    for group in cooc.frequencies.groups:
        matrix = cooc.matrix(group)
        size = range(len(matrix.codes))
        cells: list[list[Cell]] = (
            [[matrix.jaccard(i, j) for j in size] for i in size]
            if value == "jaccard"
            else [list(row) for row in matrix.counts]
        )
        rows = [[*group, code.ref, *cells[i]] for i, code in enumerate(matrix.codes)]
        columns = [*labels, "code", *(code.ref for code in matrix.codes)]
        tables.append(Table(group_label(group), columns, rows))
    return tables


def frequency_tables(session: Session, selection: Selection, *, wide: bool, measure: str) -> list[Table]:
    freq = frequencies(session, selection)
    if not wide:
        return [frequency_long(freq)]
    overall = frequencies(session, Selection(coders=selection.coders, rollup=selection.rollup))
    return [frequency_wide(freq, overall, measure)]


def cooccurrence_tables(session: Session, selection: Selection, *, matrix: str | None) -> list[Table]:
    cooc = cooccurrence(session, selection)
    return matrices(cooc, matrix) if matrix else [pair_long(cooc)]


def segment_table(
    session: Session,
    coders: tuple[str, ...],
    *,
    pseudonymise: bool,
    moderators: ModeratorRule = DEFAULT_RULE,
    progress: Callable[[str], None] | None = None,
) -> Table:
    """Every coding as a quote, streamed: iterate its rows while ``session`` is open. The rows come
    neutralised from the query; without pseudonyms a CSV file gets them as text the database wrote
    (:func:`~codeer.analysis.segments_csv.segment_csv`: a million without a Python object per cell)."""
    rows = segment_rows(
        session, coders, pseudonymise=pseudonymise, moderators=moderators, progress=progress, neutralised=True
    )

    def csv(delimiter: str) -> Iterator[tuple[int, str]]:
        return segment_csv(session, coders, delimiter=delimiter, progress=progress)

    columns = segment_columns(session)
    return Table("segments", columns, rows, neutralised=True, csv=None if pseudonymise else csv)


def codebook_table(session: Session, coders: tuple[str, ...]) -> Table:
    columns = ["codebook", "code", "parent", "path", "name", "definition", "include", "exclude", "examples"]
    columns += ["keywords", "hotkey", "color", "memo", "codings", "coders", "passages", "transcripts"]
    rows: list[list[Cell]] = [
        [e.code.codebook, e.code.ref, e.parent, e.code.path, e.code.name, e.definition, e.include, e.exclude,
         " | ".join(e.examples), ", ".join(e.keywords), e.hotkey, e.color, e.memo, e.codings, e.coders,
         e.passages, e.transcripts, e.passages_with_subcodes]
        for e in codebook_entries(session, coders)
    ]  # fmt: skip
    return Table("codebook", [*columns, "passages_with_subcodes"], rows)
