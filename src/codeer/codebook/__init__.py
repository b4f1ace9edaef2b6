"""Codebooks as YAML files: loading, validation with ``file:line`` errors, and the plain records they become.

This package is pure (pyyaml and rapidfuzz only, no database): ``codeer.store.codebooks`` writes a loaded
:class:`CodebookSpec` into the database, so a codebook can be checked in CI or an editor without a project.
The file format is described in :mod:`codeer.codebook.loader`; the keys the coding screen keeps for itself
are in :mod:`codeer.codebook.keys`. The loader (and with it the YAML parser) is imported when it is first
used, so a command that only names a code (``codeer code``) starts without it.
"""

from typing import TYPE_CHECKING, Any

from codeer.codebook.keys import RESERVED_KEYS
from codeer.codebook.spec import CodebookSpec, CodeSpec

if TYPE_CHECKING:
    from codeer.codebook.loader import load_codebook, parse_codebook

__all__ = ["RESERVED_KEYS", "CodeSpec", "CodebookSpec", "load_codebook", "parse_codebook"]


def __getattr__(name: str) -> Any:
    if name in ("load_codebook", "parse_codebook"):
        from codeer.codebook import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
