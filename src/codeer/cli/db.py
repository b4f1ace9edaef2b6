"""``codeer db upgrade|info|copy``: where the project lives, its schema, and moving it to another database.

Every URL shown goes through :func:`~codeer.store.database.redacted`: a password never reaches the screen, a
log or a file.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from codeer.cli.progress import StderrProgress

if TYPE_CHECKING:
    from codeer.cli.context import Context

SHOWN_TABLES = (
    "transcripts",
    "passages",
    "codebooks",
    "codes",
    "coders",
    "codings",
    "coding_events",
    "codebook_events",
    "settlements",
    "memos",
    "suggestions",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("db", help="the project database: info, upgrade, copy to another database")
    sub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    info = sub.add_parser("info", help="where the project lives, its schema version and what it holds")
    info.set_defaults(handler=run_info)
    upgrade = sub.add_parser(
        "upgrade", help="bring the schema to this codeer's version (the owner role runs it)"
    )
    upgrade.set_defaults(handler=run_upgrade)
    copy = sub.add_parser(
        "copy",
        help="copy the whole project into another, empty database (e.g. SQLite to PostgreSQL) and verify it",
        description="Copy everything (transcripts, codebooks, coders, codings, memos, history) into an empty "
        "database, keeping every id, and verify the copy by row counts and a content checksum. "
        "Put the password in ~/.pgpass or PGPASSWORD rather than in the URL.",
    )
    copy.add_argument(
        "--to", required=True, metavar="URL", help="target, e.g. postgresql+psycopg://me@host/study"
    )
    copy.add_argument("--from", dest="source", metavar="URL", help="source (default: the project's)")
    copy.set_defaults(handler=run_copy)
    team = sub.add_parser(
        "team-setup",
        help="make a PostgreSQL database a team's: roles, grants, server-written history, blinding",
        description="Run once as a role that may create roles (e.g. postgres), connected to the study "
        "database, and again after `codeer db upgrade` or to add coders. Creates the coder group and the "
        "leads role, makes the named coders and leads members (new logins get no password: set one with "
        "psql's \\password), creates or upgrades the schema as the owner, grants coders only what they "
        "need, has the server write the history, and enforces blind coding with row-level security.",
    )
    team.add_argument("--owner", help="the role that owns the project (default: the database's owner)")
    team.add_argument("--coders", default="", metavar="NAME,...", help="coder login roles to add")
    team.add_argument("--leads", default="", metavar="NAME,...", help="lead login roles (may act for others)")
    team.add_argument("--group", help="the coder group role (default: DATABASE_coders)")
    team.add_argument("--leads-role", help="the leads role (default: DATABASE_leads)")
    team.set_defaults(handler=run_team_setup)
    blind = sub.add_parser(
        "blind",
        help="blind coding for everyone: on (coders see only their own work) or off (the round is open)",
    )
    blind.add_argument("state", choices=("on", "off"))
    blind.set_defaults(handler=run_blind)


def run_info(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.copy import missing_sqlite_file
    from codeer.store.database import head_revision, open_database, redacted, schema_revision
    from codeer.store.dump import table_counts

    url = ctx.settings.db_url
    missing = missing_sqlite_file(url)
    if missing is not None:
        print(f"database   {redacted(url)}")
        print(f"file       {missing} does not exist yet (`codeer import` or `codeer db upgrade` creates it)")
        return 0
    db = open_database(url, upgrade=False)
    try:
        print(f"database   {redacted(url)}")
        if db.sqlite_path is not None:
            print(f"file       {db.sqlite_path.resolve()}")
        current, head = schema_revision(db.engine), head_revision()
        with db.engine.connect() as conn:
            version = ".".join(str(part) for part in conn.dialect.server_version_info or ())
            print(f"backend    {db.dialect} {version} (driver {db.engine.driver})")
            if current is None:
                print("schema     none: not a codeer project yet (`codeer db upgrade` creates it)")
                return 0
            state = "newest" if current == head else f"older than {head}: run `codeer db upgrade`"
            print(f"schema     {current} ({state})")
            counts = table_counts(conn)
        for name in SHOWN_TABLES:
            print(f"  {name:<14} {counts[name]:>9}")
    finally:
        db.close()
    return 0


def run_upgrade(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.database import head_revision, open_database, redacted, schema_revision, upgrade_schema

    url = ctx.settings.db_url
    db = open_database(url, upgrade=False)
    try:
        before = schema_revision(db.engine)
        if upgrade_schema(db.engine, ctx.before_upgrade):
            print(f"{redacted(url)}: schema {before or 'none'} -> {head_revision()}")
        else:
            print(f"{redacted(url)}: schema already at the newest version ({before})")
    finally:
        db.close()
    return 0


def _without_password(url: str) -> str:
    """The URL to put in codeer.yaml or CODEER_DB: the password belongs in ~/.pgpass."""
    from sqlalchemy.engine import make_url

    return make_url(url)._replace(password=None).render_as_string(hide_password=False)


def run_copy(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.copy import copy_project

    source = args.source or ctx.settings.db_url
    ctx.close()  # the copy opens its own connections; a source held open here would only get in the way
    report = copy_project(source, args.to, StderrProgress("copy"))
    print(f"copied {report.source}")
    print(f"    to {report.target}")
    print("  " + ", ".join(f"{report.counts[name]} {name}" for name in SHOWN_TABLES))
    print(
        f"verified: row counts of all {len(report.counts)} tables and the content checksum match "
        f"(sha256 {report.checksum[:16]})"
    )
    print(
        f"to work there: CODEER_DB={_without_password(args.to)} or `db:` in codeer.yaml "
        "(a password goes in ~/.pgpass, never in codeer.yaml)"
    )
    return 0


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def run_team_setup(ctx: Context, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from codeer.interop.qdc import project_namespace
    from codeer.model import Transcript
    from codeer.store.database import redacted
    from codeer.store.team import setup_team

    url = ctx.settings.db_url
    report = setup_team(
        url,
        owner=args.owner,
        group=args.group,
        leads=args.leads_role,
        coders=_names(args.coders),
        lead_names=_names(args.leads),
    )
    with ctx.db.session() as session:  # a setting coders cannot write, made now: the exports' GUIDs
        if session.scalar(select(Transcript.id).limit(1)) is not None:  # (an empty target stays empty)
            project_namespace(session)
    print(f"{redacted(url)}: a team database")
    print(f"  owner    {report.owner} (schema, imports, settings)")
    print(f"  coders   {report.group} (their own codings and memos)")
    print(f"  leads    {report.leads} (act for others, see everything during a blind round)")
    if report.members:
        print(f"  members  {', '.join(report.members)}")
    print("  history  written by the server; nobody but the owner can change it")
    for name in report.without_password:
        print(f"  new login {name} has no password yet: psql -c '\\password {name}'")
    return 0


def run_blind(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.team import set_blind

    with ctx.db.session() as session:
        set_blind(session, args.state == "on")
    if args.state == "on":
        print("blind coding on: each coder sees only their own codings, memos and history")
    else:
        print("blind coding off: the round is open, everyone may compare codings")
    return 0
