"""The plain records a codebook file becomes, free of YAML and of the database.

Codes are kept flat, in document order (pre-order: a parent, then its children, then the next sibling), each
naming its parent by key. Flat is what every consumer wants: the store matches codes by key and writes
``position`` from the order, the CLI prints a tree from ``depth``, and nobody has to recurse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class CodeSpec:
    """One code as the file states it. ``line`` is where its mapping starts (1-based)."""

    key: str
    name: str
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    hotkey: str | None = None
    color: str | None = None
    parent_key: str | None = None
    position: int = 0
    line: int = 0
    depth: int = 0


@dataclass
class CodebookSpec:
    """A whole codebook file, validated. ``warnings`` are ``file:line: warning: ...`` lines to show."""

    key: str
    title: str
    description: str
    codes: list[CodeSpec]
    source: Path
    warnings: list[str] = field(default_factory=list)

    def code(self, key: str) -> CodeSpec | None:
        """The code with this key, if any."""
        return next((c for c in self.codes if c.key == key), None)

    def children(self, key: str | None) -> list[CodeSpec]:
        """The direct children of a code (``None``: the top-level codes), in file order."""
        return [c for c in self.codes if c.parent_key == key]
