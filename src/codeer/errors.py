"""Errors a user can act on.

Every problem with input is raised as a :class:`CodeerError` that knows the file and line it is about, so the
CLI can print exactly one line per problem (``file:line: message``) and exit with status 2. Code below the CLI
never prints or exits; it raises these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

# At most this many problems are listed; the rest are counted ("… and 999,990 more"), so a file with a
# million bad rows gives a readable answer, not megabytes of it.
MAX_SHOWN_PROBLEMS = 50
# Control characters (a form feed, an escape sequence) from a damaged file would break the one-line promise
# or act on the terminal: they are shown escaped.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` with control characters shown as ``\\xNN`` (``\\u2028``) escapes."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class CodeerError(Exception):
    """One problem, optionally located in a file (and line)."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        return printable(f"{where}: {self.message}" if where else self.message)


class CodeerErrors(CodeerError):
    """Several problems found in one pass (e.g. every bad row of a codings file), reported together."""

    def __init__(self, problems: Iterable[CodeerError]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems[:MAX_SHOWN_PROBLEMS]]
        if len(self.problems) > MAX_SHOWN_PROBLEMS:
            lines.append(f"… and {len(self.problems) - MAX_SHOWN_PROBLEMS:,} more")
        return "\n".join(lines)


def raise_all(problems: list[CodeerError]) -> None:
    """Raise the problems found, if any: one alone as itself, several together."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise CodeerErrors(problems)
