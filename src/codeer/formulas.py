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
    from sqlalchemy import case, func, literal

    first = func.substr(text, 1, 1) if first is None else first
    after = func.substr(func.ltrim(text, "'"), 1, 1)
    formula = case((after.in_(sorted(FORMULA_STARTS)), literal("'") + text), else_=text)
    return case((first.in_(sorted(GUARDED_STARTS)), formula), else_=text)
