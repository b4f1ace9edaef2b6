"""A team's PostgreSQL database, set up in one command: roles, grants, a history the server writes, blinding.

``codeer db team-setup`` (run by a role that may create roles, e.g. ``postgres``) makes a study database safe
for a team that does not want to trust every client:

- **Roles.** The database owner owns the schema (migrations, imports, settings). A group role (default
  ``DATABASE_coders``) holds what every coder may do; a leads role (``DATABASE_leads``) may in addition act
  for other coders (consensus, imports of others' codings) and see everyone's work during a blind round.
  Named coders and leads are made members (login roles are created without a password when missing).
- **Grants.** Coders read every table and write only codings, memos, their own coder row and suggestion
  decisions. Nobody but the owner changes settings, transcripts or codebooks (so in a team database open
  coding, a code made, merged or split, is the owner's); nobody but the server writes the history
  (``coding_events``): coders cannot insert, update or delete it.
- **History by the server.** A trigger on ``codings`` records every insert, change and removal in
  ``coding_events`` (with the login that made it; a coding moved to another code by a codebook merge or
  split as its removal and its application), whatever client or SQL did it; a client that knows
  (:func:`server_writes_history`) does not write the history itself, so there is one writer. The client
  passes the note of a change (``workbench``, ``undo #41``, ``import codings.csv``) and the action of a new
  coding (``settle``) through transaction-local settings (:func:`note_for_history`).
- **Identity and blinding by row-level security.** A coder writes only their own codings and memos (the
  coder row whose name is their login). While blind coding is on (``codeer db blind on``, the setting
  :data:`~codeer.store.blinding.FORBID_SHOW_OTHERS`), a coder reads only their own codings, memos,
  history and codebook changes (whose undo keeps the codings they moved); leads and the owner read
  everything. ``codeer db blind off`` opens the round for everyone.

Everything here is one transaction and may be run again (after ``codeer db upgrade``, or to add coders).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, event, text

from codeer.errors import CodeerError
from codeer.store.blinding import FORBID_SHOW_OTHERS
from codeer.store.database import connection_of, create_db_engine, open_database, upgrade_schema
from codeer.store.login import connection_login

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
DB_OWNER = "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
NOTE_SETTING = "codeer.note"
ACTION_SETTING = "codeer.action"

CODER_WRITES = {
    "codings": "INSERT, UPDATE, DELETE",
    "memos": "INSERT, UPDATE, DELETE",
    "coders": "INSERT",
    "suggestions": "UPDATE",
}
LEAD_WRITES = {
    "codings": "INSERT, UPDATE, DELETE",
    "memos": "INSERT, UPDATE, DELETE",
    "coders": "INSERT",
    "suggestions": "INSERT, UPDATE, DELETE",
    "settlements": "INSERT, UPDATE, DELETE",
}

FUNCTIONS = """
CREATE OR REPLACE FUNCTION public.codeer_is_lead() RETURNS boolean LANGUAGE sql STABLE AS $f$
  SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
      OR pg_has_role(session_user, {owner_literal}, 'MEMBER')
      OR pg_has_role(session_user, {leads_literal}, 'MEMBER') $f$;
CREATE OR REPLACE FUNCTION public.codeer_me() RETURNS integer LANGUAGE sql STABLE AS $f$
  SELECT id FROM public.coders WHERE name = session_user $f$;
CREATE OR REPLACE FUNCTION public.codeer_blind() RETURNS boolean LANGUAGE sql STABLE AS $f$
  SELECT coalesce((SELECT lower(trim(value)) IN ('1', 'true', 'yes') FROM public.settings
                   WHERE key = {blind_key}), false) $f$;
CREATE OR REPLACE FUNCTION public.codeer_may_see(coder integer) RETURNS boolean LANGUAGE sql STABLE AS $f$
  SELECT NOT public.codeer_blind() OR coder = public.codeer_me() OR public.codeer_is_lead() $f$;
CREATE OR REPLACE FUNCTION public.codeer_may_write(coder integer) RETURNS boolean LANGUAGE sql STABLE AS $f$
  SELECT coalesce(coder = public.codeer_me(), false) OR public.codeer_is_lead() $f$;
CREATE OR REPLACE FUNCTION public.codeer_event(act text, c public.codings, prev json) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM public.coders WHERE id = c.coder_id) THEN
    RETURN;  -- the coder itself is being deleted, and its history with it
  END IF;
  INSERT INTO public.coding_events (at, action, coding_id, passage_id, code_id, coder_id, transcript_key,
                                    passage_number, code_key, start, "end", memo, previous, note, login)
  SELECT clock_timestamp(), act, c.id, p.id, k.id, c.coder_id, coalesce(t.key, ''), p.number,
         coalesce(k.key, ''), c.start, c."end", coalesce(c.memo, ''), prev,
         coalesce(current_setting('codeer.note', true), ''), session_user
  FROM (SELECT 1) AS one
  LEFT JOIN public.passages p ON p.id = c.passage_id
  LEFT JOIN public.transcripts t ON t.id = p.transcript_id
  LEFT JOIN public.codes k ON k.id = c.code_id;
END $f$;
REVOKE ALL ON FUNCTION public.codeer_event(text, public.codings, json) FROM PUBLIC;
CREATE OR REPLACE FUNCTION public.codeer_history() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $f$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM public.codeer_event('remove', OLD, NULL);
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM public.codeer_event(
      CASE WHEN current_setting('codeer.action', true) = 'settle' AND public.codeer_is_lead()
           THEN 'settle' ELSE 'apply' END, NEW, NULL);
  ELSIF OLD.code_id IS DISTINCT FROM NEW.code_id THEN
    -- moved to another code (a codebook merge or split): removed from the old code, applied with the new
    PERFORM public.codeer_event('remove', OLD, NULL);
    PERFORM public.codeer_event('apply', NEW, NULL);
  ELSIF OLD.memo IS DISTINCT FROM NEW.memo OR OLD.start IS DISTINCT FROM NEW.start
        OR OLD."end" IS DISTINCT FROM NEW."end" OR OLD.coder_id <> NEW.coder_id THEN
    PERFORM public.codeer_event(
      'update', NEW, json_build_object('memo', OLD.memo, 'start', OLD.start, 'end', OLD."end"));
  END IF;
  RETURN NULL;
END $f$;
DROP TRIGGER IF EXISTS codeer_history ON public.codings;
CREATE TRIGGER codeer_history AFTER INSERT OR UPDATE OR DELETE ON public.codings
  FOR EACH ROW EXECUTE FUNCTION public.codeer_history();
"""

# Row-level security: (table, policy name, command, USING, WITH CHECK).
POLICIES = (
    ("codings", "codeer_read", "SELECT", "public.codeer_may_see(coder_id)", None),
    ("codings", "codeer_add", "INSERT", None, "public.codeer_may_write(coder_id)"),
    (
        "codings",
        "codeer_change",
        "UPDATE",
        "public.codeer_may_write(coder_id)",
        "public.codeer_may_write(coder_id)",
    ),
    ("codings", "codeer_remove", "DELETE", "public.codeer_may_write(coder_id)", None),
    ("memos", "codeer_read", "SELECT", "coder_id IS NULL OR public.codeer_may_see(coder_id)", None),
    ("memos", "codeer_add", "INSERT", None, "public.codeer_may_write(coder_id)"),
    (
        "memos",
        "codeer_change",
        "UPDATE",
        "public.codeer_may_write(coder_id)",
        "public.codeer_may_write(coder_id)",
    ),
    ("memos", "codeer_remove", "DELETE", "public.codeer_may_write(coder_id)", None),
    ("coding_events", "codeer_read", "SELECT", "public.codeer_may_see(coder_id)", None),
    # A codebook change keeps the codings it moved or removed (every coder's) for its undo.
    ("codebook_events", "codeer_read", "SELECT", "public.codeer_may_see(coder_id)", None),
    ("coders", "codeer_read", "SELECT", "true", None),
    ("coders", "codeer_add", "INSERT", None, "name = session_user OR public.codeer_is_lead()"),
    ("settlements", "codeer_read", "SELECT", "NOT public.codeer_blind() OR public.codeer_is_lead()", None),
    ("settlements", "codeer_write", "ALL", "public.codeer_is_lead()", "public.codeer_is_lead()"),
)


@dataclass
class TeamReport:
    """What ``team-setup`` did, to print: the roles and the coders without a password yet."""

    owner: str
    group: str
    leads: str
    members: list[str]
    without_password: list[str]


def _role(name: str, what: str) -> str:
    if not ROLE_NAME.match(name):
        raise CodeerError(
            f"{what} {name!r} is not a plain role name (lowercase letters, digits and _, at most 63)"
        )
    return name


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _role_exists(conn: Connection, name: str) -> bool:
    return bool(conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}))


def _ensure_roles(
    conn: Connection, group: str, leads: str, coders: Iterable[str], lead_names: Iterable[str]
) -> tuple[list[str], list[str]]:
    """The group roles, and the named coders and leads as their members; return (members, new logins)."""
    for name in (group, leads):
        if not _role_exists(conn, name):
            conn.execute(text(f'CREATE ROLE "{name}" NOLOGIN'))
    conn.execute(text(f'GRANT "{group}" TO "{leads}"'))
    members, created = [], []
    for name, role in [*((c, group) for c in coders), *((c, leads) for c in lead_names)]:
        if not _role_exists(conn, name):
            conn.execute(text(f'CREATE ROLE "{name}" LOGIN'))
            created.append(name)
        conn.execute(text(f'GRANT "{role}" TO "{name}"'))
        members.append(name)
    return members, created


def _grant(conn: Connection, database: str, owner: str, group: str, leads: str) -> None:
    run = conn.execute
    run(text(f'REVOKE CONNECT ON DATABASE "{database}" FROM PUBLIC'))
    run(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{group}", "{leads}"'))
    run(text("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC"))
    run(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    run(text(f'GRANT USAGE ON SCHEMA public TO "{group}"'))
    for role in (group, leads):
        run(text(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"'))
        run(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"'))
        run(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))
    for role, writes in ((group, CODER_WRITES), (leads, LEAD_WRITES)):
        for table, rights in writes.items():
            run(text(f'GRANT {rights} ON public.{table} TO "{role}"'))
    defaults = f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public'
    run(text(f'{defaults} GRANT SELECT ON TABLES TO "{group}"'))


def _secure(conn: Connection, owner: str, leads: str) -> None:
    conn.exec_driver_sql(
        FUNCTIONS.format(
            owner_literal=_literal(owner),
            leads_literal=_literal(leads),
            blind_key=_literal(FORBID_SHOW_OTHERS),
        )
    )
    for table in {policy[0] for policy in POLICIES}:
        conn.execute(text(f"ALTER TABLE public.{table} ENABLE ROW LEVEL SECURITY"))
    for table, name, command, using, check in POLICIES:
        conn.execute(text(f"DROP POLICY IF EXISTS {name} ON public.{table}"))
        clauses = (f" USING ({using})" if using else "") + (f" WITH CHECK ({check})" if check else "")
        conn.execute(text(f"CREATE POLICY {name} ON public.{table} FOR {command}{clauses}"))


def _hand_to_owner(conn: Connection, database: str, owner: str) -> None:
    """The owner owns the database and every table and sequence of the project (whoever created them)."""
    if conn.scalar(text(DB_OWNER)) != owner:
        conn.execute(text(f'ALTER DATABASE "{database}" OWNER TO "{owner}"'))
    others = conn.execute(
        text(
            "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S') AND pg_get_userbyid(c.relowner) <> :o"
        ),
        {"o": owner},
    ).all()
    for name, kind in others:
        if kind == "r":  # a table's own sequences follow it
            conn.execute(text(f'ALTER TABLE public."{name}" OWNER TO "{owner}"'))


def _as_role(role: str) -> Callable[[Any, Any], None]:
    """A connect listener that makes every new connection act as ``role`` (tables made are its own)."""

    def set_role(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f'SET ROLE "{role}"')
        dbapi_connection.commit()

    return set_role


def setup_team(
    url: str,
    *,
    owner: str | None = None,
    group: str | None = None,
    leads: str | None = None,
    coders: Iterable[str] = (),
    lead_names: Iterable[str] = (),
) -> TeamReport:
    """Set up (or bring up to date) the team database at ``url``; see the module docstring."""
    db = open_database(url, upgrade=False)
    try:
        if db.dialect != "postgresql":
            raise CodeerError("team-setup is for a PostgreSQL database; a SQLite project belongs to one user")
        with db.engine.begin() as conn:
            database = str(conn.scalar(text("SELECT current_database()")))
            owner = _role(owner or str(conn.scalar(text(DB_OWNER))), "owner")
            base = re.sub(r"[^a-z0-9_]", "_", database.lower())[:50]
            group = _role(group or f"{base}_coders", "coder group")
            leads = _role(leads or f"{base}_leads", "leads role")
            coders = [_role(name, "coder") for name in coders]
            lead_names = [_role(name, "lead") for name in lead_names]
            if not _role_exists(conn, owner):
                raise CodeerError(f"no role {owner!r} on the server: create the owner first (see README)")
            _hand_to_owner(conn, database, owner)
            members, created = _ensure_roles(conn, group, leads, coders, lead_names)
    finally:
        db.close()
    as_owner = create_db_engine(url)
    event.listen(as_owner, "connect", _as_role(owner))  # before the first connection: tables are the owner's
    try:
        upgrade_schema(as_owner)
        with as_owner.begin() as conn:
            _grant(conn, database, owner, group, leads)
            _secure(conn, owner, leads)
    finally:
        as_owner.dispose()
    return TeamReport(owner, group, leads, members, created)


def set_blind(session: Session, on: bool) -> None:
    """Turn blind coding on for everyone, or off (the round is open); only the owner may (grants)."""
    value = "true" if on else "false"
    session.execute(text("DELETE FROM settings WHERE key = :k"), {"k": FORBID_SHOW_OTHERS})
    session.execute(
        text("INSERT INTO settings (key, value) VALUES (:k, :v)"), {"k": FORBID_SHOW_OTHERS, "v": value}
    )


def server_writes_history(target: Session | Connection) -> bool:
    """True in a team database: the server's trigger records every coding change, the client must not."""
    return connection_login(connection_of(target)).team


_told: WeakKeyDictionary[Connection, tuple[str, str]] = WeakKeyDictionary()


def note_for_history(target: Session | Connection, note: str, action: str = "") -> None:
    """Tell the server's history trigger the note (and a new coding's action) of the coding changes to come.

    A no-op unless :func:`server_writes_history`; set only when it differs from what this transaction was
    told last, so an import of a thousand codings with one note costs one statement.
    """
    if not server_writes_history(target):
        return
    conn = connection_of(target)
    if _told.get(conn) == (note, action):
        return
    conn.execute(
        text("SELECT set_config(:n, :note, true), set_config(:a, :action, true)"),
        {"n": NOTE_SETTING, "note": note, "a": ACTION_SETTING, "action": action},
    )
    _told[conn] = (note, action)


@contextmanager
def history_paused(conn: Connection) -> Iterator[None]:
    """Inside one transaction, let a copy bring its own history (the owner only; undone on rollback)."""
    team = connection_login(conn).team
    if team:
        conn.execute(text("ALTER TABLE public.codings DISABLE TRIGGER codeer_history"))
    yield
    if team:
        conn.execute(text("ALTER TABLE public.codings ENABLE TRIGGER codeer_history"))
