"""Blind coding: the one definition of whether a user may see other coders' codings.

Every screen and command that could show another coder's work asks this module, so the rule cannot drift
between places. A project codes blind when ``codeer.yaml`` says ``show_others_allowed: false`` (the local
choice) or when its database holds the setting ``forbid_show_others`` (the team's choice, which no client
setting can lift).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from codeer.model.orm import Setting

FORBID_SHOW_OTHERS = "forbid_show_others"


def show_others_forbidden(session: Session) -> bool:
    """True when the project's database forbids showing other coders' codings (blind coding enforced)."""
    value = session.scalar(select(Setting.value).where(Setting.key == FORBID_SHOW_OTHERS))
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
