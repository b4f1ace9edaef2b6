"""Who is at the database: on PostgreSQL the login role is the coder, not a name typed on the command line.

A SQLite file knows no logins: whoever can open it is anyone they say (``--coder``). A PostgreSQL server
does know: ``session_user`` is the role that logged in, whatever ``SET ROLE`` did since. So on PostgreSQL a
coder's name is their login; asking to act as another coder is refused, unless the login is the database's
owner, a superuser, or (in a team database, see :mod:`codeer.store.team`) a member of the leads role. The
history records the login beside the coder, so an owner acting for a coder is recorded as such.

The answer is read once per transaction's connection and kept with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from codeer.errors import CodeerError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The functions a team database has (created by `codeer db team-setup`): their presence means the server
# writes the history and enforces blind coding.
TEAM_FUNCTION = "public.codeer_is_lead"


@dataclass(frozen=True)
class Login:
    """``name``: the login role (None on SQLite); ``acts_for_others``: may code and read as any coder;
    ``team``: the database was set up by ``codeer db team-setup`` (history trigger, row-level security)."""

    name: str | None
    acts_for_others: bool
    team: bool


NOBODY = Login(None, True, False)
# Kept in the driver connection's info, which lives as long as the pooled connection: the login of a
# connection never changes, and a coding action must not pay a statement to ask again.
_INFO_KEY = "codeer_login"


def connection_login(conn: Connection) -> Login:
    """The login of a connection (remembered for the driver connection's lifetime, across transactions)."""
    if conn.dialect.name != "postgresql":
        return NOBODY
    known = conn.info.get(_INFO_KEY)
    if known is None:
        row = conn.execute(
            text(
                "SELECT session_user AS name, r.rolsuper OR pg_has_role(session_user, d.datdba, 'MEMBER') AS "
                "owner, to_regproc(:team) IS NOT NULL AS team FROM pg_roles r, pg_database d "
                "WHERE r.rolname = session_user AND d.datname = current_database()"
            ),
            {"team": TEAM_FUNCTION},
        ).one()
        lead = bool(row.owner)
        if row.team and not lead:
            lead = bool(conn.scalar(text(f"SELECT {TEAM_FUNCTION}()")))
        known = conn.info[_INFO_KEY] = Login(str(row.name), lead, bool(row.team))
    return known


def session_login(session: Session) -> Login:
    return connection_login(session.connection())


def coder_for(login: Login, wanted: str) -> str:
    """The coder name to work as: the login itself, or ``wanted`` when the login may act for others.

    A coder who asks to be someone else is refused with one line; nobody is silently someone else.
    """
    wanted = wanted.strip()
    if login.name is None:
        return wanted
    if not wanted:
        return login.name
    if wanted != login.name and not login.acts_for_others:
        raise CodeerError(
            f"you are logged in to the database as {login.name!r}, so you code as {login.name!r}, not as "
            f"{wanted!r} (only the database owner or a lead may act for another coder)"
        )
    return wanted
