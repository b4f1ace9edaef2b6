"""The codes and codings an analysis counts: code descriptions, the code tree, and the coded-passage set.

The unit of analysis is the passage (one speaker turn). :func:`coded_passages` is the set every table is
computed from: the distinct ``(passage_id, code_id)`` pairs where any selected coder applied the code to the
passage or to a span of it. With ``rollup`` a parent code also counts every passage coded with one of its
descendants, through the ancestor/descendant closure of the code tree (a recursive CTE, so the database
walks the tree; it never loops over codings in Python).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import CTE, Connection, select
from sqlalchemy.orm import Session

from codeer.model import Code, Codebook, Coding

CODES = Code.__table__
CODINGS = Coding.__table__


@dataclass(frozen=True)
class CodeInfo:
    """A code as tables show it. ``ref`` is how files name it: its key, or ``codebook:key`` if ambiguous."""

    id: int
    ref: str
    key: str
    codebook: str
    name: str
    path: str  # names from the root down, "Emoties per stap > Negatief"
    parent_id: int | None
    depth: int
    order: int  # place in codebook order (codebooks as loaded, codes as in the file)


@dataclass(frozen=True)
class Selection:
    """What a table counts: grouped by ``by`` (attribute names), codings of ``coders`` (empty = everyone)."""

    by: tuple[str, ...] = ()
    coders: tuple[str, ...] = ()
    rollup: bool = False


def load_codes(session: Session | Connection) -> dict[int, CodeInfo]:
    """Every code of every codebook, in codebook order."""
    rows = session.execute(
        select(Code.id, Code.key, Codebook.key, Code.name, Code.parent_id)
        .join(Codebook, Code.codebook_id == Codebook.id)
        .order_by(Codebook.id, Code.position, Code.id)
    ).all()
    names = {cid: name for cid, _, _, name, _ in rows}
    parents = {cid: parent for cid, _, _, _, parent in rows}
    keys = Counter(key for _, key, _, _, _ in rows)

    def lineage(cid: int) -> list[int]:
        chain: list[int] = []
        step: int | None = cid
        while step is not None and step not in chain:  # the guard stops on a (corrupt) cycle
            chain.append(step)
            step = parents.get(step)
        return chain[::-1]

    codes: dict[int, CodeInfo] = {}
    for order, (cid, key, book, name, parent) in enumerate(rows):
        chain = lineage(cid)
        ref = key if keys[key] == 1 else f"{book}:{key}"
        path = " > ".join(names[c] for c in chain)
        codes[cid] = CodeInfo(cid, ref, key, book, name, path, parent, len(chain) - 1, order)
    return codes


def code_closure() -> CTE:
    """``(ancestor, descendant)`` for every code and each of its descendants, itself included.

    ``UNION`` (not ``UNION ALL``) so that even a cyclic tree, which the codebook loader refuses, terminates.
    """
    base = select(CODES.c.id.label("ancestor"), CODES.c.id.label("descendant"))
    closure = base.cte("code_closure", recursive=True)
    step = select(closure.c.ancestor, CODES.c.id).join(CODES, CODES.c.parent_id == closure.c.descendant)
    return closure.union(step)


def related(codes: dict[int, CodeInfo], a: int, b: int) -> bool:
    """Whether one of the two codes is an ancestor of the other."""

    def ancestors(cid: int) -> set[int]:
        seen: set[int] = set()
        parent = codes[cid].parent_id
        while parent is not None and parent not in seen:
            seen.add(parent)
            parent = codes[parent].parent_id if parent in codes else None
        return seen

    return a in ancestors(b) or b in ancestors(a)
