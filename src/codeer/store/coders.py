"""Coders by name: the one lookup every command, export and screen uses, with one error message.

A coder is named on the command line (``--coder``, ``--against``, ``--coders``), in settings and in files, and
a typo must not quietly give an empty table. So every lookup by name goes through :func:`coder_ids` (or
:func:`coder_id`), and an unknown name is the same one line everywhere: the name, the nearest known name when
one is close, and the coders the project knows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from codeer.errors import CodeerError
from codeer.model.tables import coders
from codeer.store.database import connection_of

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session


def known_coders(session: Session | Connection) -> dict[str, int]:
    """Every coder of the project: name -> id."""
    return {name: cid for name, cid in session.execute(select(coders.c.name, coders.c.id))}


def unknown_coders(unknown: Sequence[str], known: Iterable[str]) -> CodeerError:
    """The error for names that are no coder of the project, naming the coders it knows."""
    known = sorted(known)
    listing = ", ".join(known) or "none yet"
    if len(unknown) == 1:
        from codeer.codebook.slug import nearest  # only for a name that is no coder's

        near = nearest(unknown[0], known)
        hint = f"; did you mean {near!r}?" if near else ""
        return CodeerError(f"unknown coder {unknown[0]!r}{hint} (known coders: {listing})")
    names = ", ".join(repr(name) for name in unknown)
    return CodeerError(f"unknown coders {names} (known coders: {listing})")


def coder_ids(
    session: Session | Connection, names: Sequence[str], known: Mapping[str, int] | None = None
) -> list[int]:
    """The ids of the coders named, in order; any unknown name is :func:`unknown_coders`' error.

    ``known`` is :func:`known_coders` when the caller has it already.
    """
    known = known_coders(session) if known is None else known
    unknown = list(dict.fromkeys(name for name in names if name not in known))
    if unknown:
        raise unknown_coders(unknown, known)
    return [known[name] for name in names]


def named_coder_id(target: Session | Connection, name: str) -> int | None:
    """The id of the coder called ``name`` exactly, or None: one statement, without the ORM."""
    return connection_of(target).execute(select(coders.c.id).where(coders.c.name == name)).scalar()


def coder_id(session: Session, name: str) -> int:
    """The id of the coder called ``name``; an unknown name is :func:`unknown_coders`' error."""
    found = named_coder_id(session, name)
    if found is None:
        raise unknown_coders([name], known_coders(session))
    return found
