"""Reading tabular input (CSV in UTF-8 or Excel's encodings, and XLSX) as rows with their line numbers.

Every cell is read as the text it stands for: whitespace around it is dropped, and the formula guard that
codeer's table writer adds (:mod:`codeer.formulas`) is taken off again, so a table codeer wrote reads back
exactly as it was.
"""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from zipfile import BadZipFile

from codeer.errors import CodeerError
from codeer.formulas import unguard
from codeer.ingest.archive import check_zip_sizes
from codeer.ingest.encoding import decode

MAX_CELL = 1_000_000


def _sniff_delimiter(first_line: str) -> str:
    """Dutch Excel writes ``;``; everyone else ``,``."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


Records = Iterator[tuple[int, list[str]]]


def _cell(value: str) -> str:
    value = value.strip()
    return unguard(value) if value[:1] == "'" else value


def read_rows(
    path: Path, required: tuple[str, ...]
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Header and ``(line, row)`` pairs of a ``.csv`` or ``.xlsx`` file, ``required`` columns checked."""
    header, records = read_records(path, required)
    return header, ((line, dict(zip(header, values, strict=False))) for line, values in records)


def read_records(path: Path, required: tuple[str, ...]) -> tuple[list[str], Records]:
    """Header and ``(line, values)`` pairs of a ``.csv`` or ``.xlsx`` file, ``required`` columns checked;
    values in the header's order (missing trailing cells empty), a plain list per row for files of a million
    rows."""
    if not path.is_file():
        raise CodeerError("no such file", path)
    if path.suffix.lower() == ".xlsx":
        header, rows = _xlsx_rows(path)
    else:
        header, rows = _csv_rows(path)
    missing = [c for c in required if c not in header]
    if missing:
        raise CodeerError(
            f"missing column(s) {', '.join(missing)}; the header is: {', '.join(header)}", path, 1
        )
    return header, rows


def _csv_rows(path: Path) -> tuple[list[str], Records]:
    text = decode(path.read_bytes(), path)
    if not text.strip():
        raise CodeerError("empty file", path)
    csv.field_size_limit(MAX_CELL)
    # strict: an unclosed quote is an error, not a cell that silently swallows the rest of the file
    reader = csv.reader(io.StringIO(text), delimiter=_sniff_delimiter(text.split("\n", 1)[0]), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise CodeerError(f"not a CSV file: {exc}", path, 1) from exc

    width = len(header)
    strip = str.strip
    guarded = "'" in text  # no apostrophe anywhere: no cell to unguard, and a cheaper loop

    def rows() -> Records:
        try:
            for values in reader:
                cells = [_cell(v) for v in values] if guarded else list(map(strip, values))
                if len(cells) != width:
                    if not any(cells):
                        continue
                    if len(cells) > width:
                        message = f"{len(cells)} fields but the header has {width}"
                        raise CodeerError(message, path, reader.line_num)
                    cells += [""] * (width - len(cells))
                elif not any(cells):
                    continue
                yield reader.line_num, cells
        except csv.Error as exc:
            raise CodeerError(f"broken CSV: {exc}", path, reader.line_num) from exc

    return header, rows()


# What a damaged workbook raises from openpyxl: a broken zip or deflate stream, broken XML (SyntaxError is
# the base of ElementTree's and lxml's parse errors), missing parts, values of the wrong kind.
UNREADABLE_XLSX = (BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError, TypeError, SyntaxError)


def _xlsx_rows(path: Path) -> tuple[list[str], Records]:
    from openpyxl import load_workbook

    check_zip_sizes(path, path)
    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        all_rows = sheet.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(all_rows)]
    except (*UNREADABLE_XLSX, StopIteration, IndexError) as exc:
        raise CodeerError(f"not a readable .xlsx workbook ({exc.__class__.__name__})", path) from exc

    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return _cell(str(value))

    width = len(header)

    def rows() -> Records:
        line = 1
        try:
            for line, values in enumerate(all_rows, start=2):
                cells = [cell(v) for v in (values or ())][:width]
                if any(cells):
                    yield line, cells + [""] * (width - len(cells))
        except UNREADABLE_XLSX as exc:
            raise CodeerError(
                f"not a readable .xlsx workbook after row {line - 1} ({exc.__class__.__name__})", path
            ) from exc

    return header, rows()
