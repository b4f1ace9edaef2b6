"""Reading tabular input (CSV in UTF-8 or Excel's encodings, and XLSX) as rows with their line numbers."""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from zipfile import BadZipFile

from codeer.errors import CodeerError
from codeer.ingest.archive import check_zip_sizes
from codeer.ingest.encoding import decode

MAX_CELL = 1_000_000


def _sniff_delimiter(first_line: str) -> str:
    """Dutch Excel writes ``;``; everyone else ``,``."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_rows(
    path: Path, required: tuple[str, ...]
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Header and ``(line, row)`` pairs of a ``.csv`` or ``.xlsx`` file, ``required`` columns checked."""
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


def _csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
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

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                if len(values) > len(header):
                    raise CodeerError(
                        f"{len(values)} fields but the header has {len(header)}", path, reader.line_num
                    )
                yield reader.line_num, dict(zip(header, (v.strip() for v in values), strict=False))
        except csv.Error as exc:
            raise CodeerError(f"broken CSV: {exc}", path, reader.line_num) from exc

    return header, rows()


# What a damaged workbook raises from openpyxl: a broken zip or deflate stream, broken XML (SyntaxError is
# the base of ElementTree's and lxml's parse errors), missing parts, values of the wrong kind.
UNREADABLE_XLSX = (BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError, TypeError, SyntaxError)


def _xlsx_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
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
        return str(value).strip()

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        line = 1
        try:
            for line, values in enumerate(all_rows, start=2):
                if values is None or not any(v is not None and str(v).strip() for v in values):
                    continue
                yield line, dict(zip(header, (cell(v) for v in values), strict=False))
        except UNREADABLE_XLSX as exc:
            raise CodeerError(
                f"not a readable .xlsx workbook after row {line - 1} ({exc.__class__.__name__})", path
            ) from exc

    return header, rows()
