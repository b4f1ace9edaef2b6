"""Tables and their writers: CSV (RFC 4180, UTF-8), CSV for Dutch Excel, XLSX, and aligned terminal text.

A :class:`Table` is a name, column headers and rows; rows may be a generator, so a million quotes stream from
the database to the file without being held in memory (the terminal, which aligns columns, is the exception).

Every table codeer writes goes through :func:`write_tables` (one entry point; the formats are the
:data:`WRITERS` registry, so a new format is one function and one entry, and the CLI's choices and messages
come from it). A suffix no writer has is refused before any work is done.

Spreadsheet formula injection: text that a spreadsheet would run as a formula gets a leading apostrophe
(``'=HYPERLINK(...)``), in CSV and XLSX alike (:mod:`codeer.formulas`, undone when codeer reads a table back,
so an export imported again is equal). Numbers are numbers, not text, and are never changed: ``-3`` stays
the number -3.

openpyxl is imported only when a workbook is written: importing it takes longer than a CSV export.

``excel=True`` writes CSV the way Dutch Excel opens it by a double click: UTF-8 with a byte order mark,
``;`` between fields, and a decimal comma in fractions (``0,25``).
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from codeer.errors import CodeerError
from codeer.formulas import GUARDED_STARTS, guard, guarded, unguard

Cell = str | int | float | None
XLSX_MAX_ROWS = 1_048_576
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})


@dataclass
class Table:
    """A named table. ``name`` becomes the sheet name in a workbook and the title in the terminal."""

    name: str
    columns: list[str]
    rows: Iterable[Sequence[Cell]]
    # The rows' text is already as written into a cell (formula guard applied, :func:`codeer.formulas.guard`)
    # and they hold no fractions: a CSV writer passes them on as they are.
    neutralised: bool = False
    # The same rows as CSV text for a delimiter, written by the database: (rows, their lines) in chunks. A
    # CSV writer takes them as they are (a million quotes without a Python object per cell); others use rows.
    csv: Callable[[str], Iterable[tuple[int, str]]] | None = None


def neutralise(value: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula, prefixed with ``'``; anything else as it is."""
    return guard(value) if isinstance(value, str) else value


def _safe_row(row: Sequence[Cell], decimal_comma: bool) -> list[Cell]:
    """A row for the csv module, which writes None as empty and numbers itself (floats by ``repr``).

    Runs once per cell of a million-row export, hence the inlined checks rather than calls.
    """
    if decimal_comma:
        return [
            ("'" + v if v[:1] in GUARDED_STARTS and guarded(v) else v)
            if v.__class__ is str
            else (repr(v).replace(".", ",") if v.__class__ is float else v)
            for v in row
        ]
    return [
        ("'" + v if v[:1] in GUARDED_STARTS and guarded(v) else v) if v.__class__ is str else v for v in row
    ]


def check_format(path: Path, excel: bool = False) -> None:
    """Refuse an output file whose extension codeer cannot write, before any work is done."""
    suffix = path.suffix.lower()
    writer = WRITERS.get(suffix)
    if writer is None:
        choices = " or ".join(FORMATS)
        raise CodeerError(f"cannot write {suffix or 'a file without extension'}: use {choices}", path)
    if excel and not writer.excel:
        raise CodeerError(f"--excel is for .csv files ({writer.description} opens in Excel as it is)", path)


def write_tables(tables: Sequence[Table], path: Path, *, excel: bool = False) -> int:
    """Write ``tables`` to ``path`` by its extension; return the number of data rows written.

    A workbook gets one sheet per table. A CSV file holds one table; several tables with the same columns
    (a matrix per group, whose first columns name the group) are written one below the other.
    """
    check_format(path, excel)
    path.parent.mkdir(parents=True, exist_ok=True)
    return WRITERS[path.suffix.lower()].write(tables, path, excel)


def write_table(table: Table, path: Path, *, excel: bool = False) -> int:
    """:func:`write_tables` for one table."""
    return write_tables([table], path, excel=excel)


def _write_csv(tables: Sequence[Table], path: Path, excel: bool) -> int:
    columns = tables[0].columns if tables else []
    if any(table.columns != columns for table in tables):
        raise ValueError("tables of different columns cannot share one CSV file")
    count = 0
    with path.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";" if excel else ",", lineterminator="\r\n")
        writer.writerow(_safe_row(columns, excel))
        for table in tables:
            if table.csv is not None:
                for rows, lines in table.csv(";" if excel else ","):
                    handle.write(lines)
                    count += rows
                continue
            if table.neutralised:  # straight from the rows to the file, counted on the way
                counter = itertools.count()
                writer.writerows(map(itemgetter(0), zip(table.rows, counter, strict=False)))
                count += next(counter)
                continue
            for row in table.rows:
                writer.writerow(_safe_row(row, excel))
                count += 1
    return count


def sheet_names(names: Iterable[str]) -> Iterator[str]:
    """Valid, distinct sheet names: at most 31 characters, none of ``[]:*?/\\``, unique ignoring case."""
    used: set[str] = set()
    for name in names:
        base = (name.translate(SHEET_NAME_FORBIDDEN).strip("'") or "sheet")[:SHEET_NAME_MAX]
        candidate, number = base, 1
        while candidate.lower() in used:
            number += 1
            suffix = f" ({number})"
            candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        used.add(candidate.lower())
        yield candidate


def _xlsx_value(value: Cell) -> Cell:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def plain(table: Table) -> Iterator[Sequence[Cell]]:
    """The table's rows with their text as stored (a neutralised table's guard taken off again), for a
    writer that changes text before guarding it (XLSX drops control characters) or shows it (a terminal)."""
    if not table.neutralised:
        yield from table.rows
        return
    for row in table.rows:
        yield [unguard(v) if isinstance(v, str) else v for v in row]


def _append_sheet(sheet: Any, columns: list[str], widths: list[int], rows: Iterator[Sequence[Cell]]) -> int:
    """A bold, frozen header and as many rows as fit in one sheet; return how many were written."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(column))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in itertools.islice(rows, XLSX_MAX_ROWS - 1):
        sheet.append([_xlsx_value(value) for value in row])
        written += 1
    return written


def _write_xlsx(tables: Sequence[Table], path: Path, _excel: bool = False) -> int:
    """Stream every table into its own sheet (write-only mode keeps memory flat); a table too long for one
    sheet goes on in the next, headed again."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    count = 0
    for table, name in zip(tables, sheet_names(t.name for t in tables), strict=True):
        rows = plain(table)
        sample = list(itertools.islice(rows, 200))
        widths = [
            min(max(len(str(column)), *(len(str(row[i] or "")) for row in sample), 6) + 2, 60)
            for i, column in enumerate(table.columns)
        ]
        rows = itertools.chain(sample, rows)
        part = 1
        while True:
            title = name if part == 1 else next(sheet_names([f"{name} ({part})"]))
            written = _append_sheet(book.create_sheet(title), table.columns, widths, rows)
            count += written
            if written < XLSX_MAX_ROWS - 1:
                break
            part += 1
    if not tables:
        book.create_sheet("empty")
    book.save(path)
    return count


@dataclass(frozen=True)
class Writer:
    """One table format: its suffix, what it is, the function that writes it, and whether ``--excel`` (Dutch
    Excel's CSV dialect) applies to it."""

    suffix: str
    description: str
    write: Callable[[Sequence[Table], Path, bool], int]
    excel: bool = False


WRITERS: dict[str, Writer] = {
    w.suffix: w
    for w in (
        Writer(".csv", "CSV, UTF-8 (--excel: for Dutch Excel)", _write_csv, excel=True),
        Writer(".xlsx", "an .xlsx workbook", _write_xlsx),
    )
}
FORMATS = tuple(WRITERS)


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def _aligned(cells: Sequence[Sequence[str]], widths: Sequence[int], right: Sequence[bool]) -> list[str]:
    def pad(value: str, width: int, to_right: bool) -> str:
        return value.rjust(width) if to_right else value.ljust(width)

    return ["  ".join(map(pad, row, widths, right)).rstrip() for row in cells]


def render_text(tables: Sequence[Table]) -> str:
    """The tables as aligned columns for a terminal: numbers right-aligned, fractions to three decimals."""
    blocks = []
    for table in tables:
        rows = [list(row) for row in plain(table)]
        cells = [list(table.columns)] + [[_text(v) for v in row] for row in rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(table.columns))]
        right = [
            bool(rows) and all(isinstance(row[i], int | float) or row[i] is None for row in rows)
            for i in range(len(table.columns))
        ]
        cells.insert(1, ["-" * w for w in widths])
        blocks.append("\n".join([table.name, *_aligned(cells, widths, right)]))
    return "\n\n".join(blocks) + "\n"
