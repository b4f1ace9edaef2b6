"""Blind coding: the one definition of whether a user may see other coders' codings.

Every screen and command that could show another coder's work asks this module, so the rule cannot drift
between places. A project codes blind when ``codeer.yaml`` says ``show_others_allowed: false`` (the local
choice) or when its database holds the setting ``forbid_show_others`` (the team's choice, which no client
setting can lift).

Commands that read codings (exports, agreement, the log) ask :func:`readable_coders` or
:func:`require_others_visible`. On PostgreSQL after ``codeer db team-setup`` the server enforces the same
rule by row-level security (:mod:`codeer.store.team`), whatever client or SQL asks; on SQLite it is kept by
codeer's commands only: whoever can read the file can read every coding in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from codeer.errors import CodeerError
from codeer.model.tables import settings
from codeer.store.login import session_login

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

FORBID_SHOW_OTHERS = "forbid_show_others"
BLIND = "blind coding is on (`codeer db blind off` opens the round)"


def show_others_forbidden(session: Session) -> bool:
    """True when the project's database forbids showing other coders' codings (blind coding enforced)."""
    value = session.scalar(select(settings.c.value).where(settings.c.key == FORBID_SHOW_OTHERS))
    return (value or "").strip().lower() in {"1", "true", "yes"}


def others_hidden(session: Session, show_others_allowed: bool) -> bool:
    """True when other coders' codings must stay hidden: the local settings or the database forbid them."""
    return not show_others_allowed or show_others_forbidden(session)


def others_shown(forbidden: bool, chosen: bool) -> bool:
    """Whether other coders' work is shown: only when the person asked for it and blinding does not forbid it.

    ``forbidden`` is :func:`others_hidden` (settings or database); ``chosen`` is the person's own choice (in
    the workbench: ``v``, or yes to "show other coders?"). Blind is the default on every screen.
    """
    return chosen and not forbidden


def visible_coder(me: int, shown: bool) -> int | None:
    """Whose codings a view may load: ``me`` alone while blind, everyone's (None) when others are shown."""
    return None if shown else me


def may_see_others(session: Session, show_others_allowed: bool = True) -> bool:
    """True when this user may read other coders' codings, memos and history now.

    The owner and the leads of a PostgreSQL database (the login says who they are) always may: they run
    agreement and consensus. Anyone else may once blind coding is off (the round is open). On SQLite the
    file cannot tell who opens it, so there the rule holds for everyone alike.
    """
    login = session_login(session)
    if login.name is not None and login.acts_for_others:
        return True
    return not others_hidden(session, show_others_allowed)


def readable_coders(
    session: Session, me: str, asked: Sequence[str], show_others_allowed: bool = True
) -> Sequence[str]:
    """The coders whose work a command may read: ``asked`` ([] for everyone) when others may be seen,
    else only ``me``. Asking for another coder's work during a blind round is refused with one line."""
    if may_see_others(session, show_others_allowed):
        return asked
    if not me:
        raise CodeerError(f"{BLIND}: say who you are (--coder NAME) to see your own codings")
    others = sorted(set(asked) - {me})
    if others:
        raise CodeerError(f"{BLIND}: you see only your own codings ({me}), not those of {', '.join(others)}")
    return [me]


def require_others_visible(session: Session, what: str, show_others_allowed: bool = True) -> None:
    """Refuse a comparison of coders (agreement, consensus) while blind coding hides the others."""
    if not may_see_others(session, show_others_allowed):
        raise CodeerError(f"{BLIND}: {what} compares coders, so it waits until the round is opened")
