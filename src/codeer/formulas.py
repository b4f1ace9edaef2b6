"""The spreadsheet formula guard, and its inverse: one definition for every table codeer writes and reads.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a
formula by Excel or LibreOffice (a memo ``=HYPERLINK(...)`` could leak data). Such text is written with a
leading apostrophe (``'=HYPERLINK(...)``), in CSV and XLSX alike, so it stays text. Text that already
starts with apostrophes before such a character gets one more, so reading strips exactly one and every
text comes back as it was: export and import are exact inverses. Other text, and numbers, are untouched.

:func:`guard_sql` is the same rule as an SQL expression, for a table the database writes out row by row
(a million quotes): the rows then reach the file without Python touching each cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

FORMULA_STARTS = frozenset("=+-@\t\r")
GUARDED_STARTS = FORMULA_STARTS | {"'"}  # a first character after which a cell may need the guard


def guarded(text: str) -> bool:
    """Whether ``text`` is written with the guard apostrophe."""
    return text[:1] in GUARDED_STARTS and text.lstrip("'")[:1] in FORMULA_STARTS


def guard(text: str) -> str:
    """``text`` as it is written into a table cell."""
    return "'" + text if guarded(text) else text


def unguard(text: str) -> str:
    """The text a written cell stands for (the inverse of :func:`guard`)."""
    return text[1:] if text[:1] == "'" and text.lstrip("'")[:1] in FORMULA_STARTS else text


def guard_sql(text: ColumnElement[str], first: ColumnElement[str] | None = None) -> ColumnElement[str]:
    """:func:`guard` as an SQL expression over a text column (SQLite and PostgreSQL alike).

    ``first``: a cheaper expression for the text's first character, when the text is computed (a quote cut
    out of its passage); the rest of the rule is looked at only for text that starts like a guarded cell.
    """
    return guard_prefix_sql(text, first) + text


def guard_prefix_sql(text: ColumnElement[str], first: ColumnElement[str] | None = None) -> ColumnElement[str]:
    """What :func:`guard_sql` puts before ``text``: the apostrophe, or nothing."""
    from sqlalchemy import case, func, literal

    first = func.substr(text, 1, 1) if first is None else first
    after = func.substr(func.ltrim(text, "'"), 1, 1)
    formula = case((after.in_(sorted(FORMULA_STARTS)), literal("'")), else_=literal(""))
    return case((first.in_(sorted(GUARDED_STARTS)), formula), else_=literal(""))


# A CSV cell is quoted when it holds the delimiter, a quote or a line break (Python's csv module, minimal
# quoting, lines ended by "\r\n"), its quotes doubled. The same rule for the database is csv_cell_sql.
CSV_QUOTED = frozenset('"\r\n')


def csv_cell(text: str, delimiter: str) -> str:
    """``text`` as Python's ``csv`` writer puts it between delimiters (within a row of several cells)."""
    if delimiter in text or not CSV_QUOTED.isdisjoint(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_cell_sql(
    text: ColumnElement[str], delimiter: str, prefix: ColumnElement[str] | None = None
) -> ColumnElement[str]:
    """:func:`csv_cell` of ``prefix`` + ``text`` as an SQL expression, ``prefix`` being
    :func:`guard_prefix_sql` (an apostrophe never needs quoting), so the text is named once rather than
    in every branch of two rules. One ``LIKE`` per character that asks for quotes: on SQLite faster than
    one ``GLOB`` with a character class, and the same on PostgreSQL."""
    from sqlalchemy import case, func, literal, or_

    prefix = literal("") if prefix is None else prefix
    needs = or_(*(text.like(literal(f"%{character}%")) for character in delimiter + '"\r\n'))
    return case((needs, '"' + prefix + func.replace(text, '"', '""') + '"'), else_=prefix + text)
