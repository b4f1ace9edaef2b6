"""Errors a user can act on.

Every problem with input is raised as a :class:`CodeerError` that knows the file and line it is about, so the
CLI can print exactly one line per problem (``file:line: message``) and exit with status 2. Code below the CLI
never prints or exits; it raises these.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


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
        return f"{where}: {self.message}" if where else self.message


#: At most this many problems are printed; the rest are counted ("... and 999,990 more").
MAX_SHOWN_PROBLEMS = 50


class CodeerErrors(CodeerError):
    """Several problems found in one pass (e.g. every bad row of a codings file), reported together."""

    def __init__(self, problems: Iterable[CodeerError]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        shown = [str(p) for p in self.problems[:MAX_SHOWN_PROBLEMS]]
        if len(self.problems) > MAX_SHOWN_PROBLEMS:
            shown.append(f"... and {len(self.problems) - MAX_SHOWN_PROBLEMS:,} more")
        return "\n".join(shown)


def raise_all(problems: list[CodeerError]) -> None:
    """Raise the problems found, if any: one alone as itself, several together."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise CodeerErrors(problems)
