"""A team's PostgreSQL database as README's "Working as a team" makes it, for the ``test_pg_*`` tests.

Registered as a plugin (``pytest_plugins = ["conftest_backends", "pg_team"]``). The server's roles are
cluster-wide, so they are made once per test session: an owner, two coders (``anouk``, ``bram``, the coders
of the small study) and a lead (``lot``), each with a password of its own. Every test gets a new database:
made by the owner, filled with the small study, then ``codeer db team-setup`` run by the superuser.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli
from conftest_backends import build_study
from pg import PostgresServer
from psycopg import sql

from codeer.store.database import open_database

OWNER, CODERS, LEAD = "study_owner", ("anouk", "bram"), "lot"


class Team:
    """One team database: ``url(role)`` logs in as that role (with its password in the URL)."""

    def __init__(self, server: PostgresServer, passwords: dict[str, str]) -> None:
        self.server = server
        self.passwords = passwords
        self.database = server.create_database(owner=OWNER)

    def url(self, role: str) -> str:
        return self.server.url(self.database, user=role, password=self.passwords[role])

    @property
    def owner(self) -> str:
        return self.url(OWNER)

    @property
    def admin(self) -> str:
        return self.server.url(self.database)

    def setup(self, project: Path) -> None:
        done = run_cli(
            project,
            "--db",
            self.admin,
            "db",
            "team-setup",
            "--owner",
            OWNER,
            "--coders",
            ",".join(CODERS),
            "--leads",
            LEAD,
        )
        assert done.code == 0, done.err

    def sql(self, role: str, statement: str) -> list[tuple]:
        """Plain SQL as ``role`` (what a coder can do with psql, bypassing codeer)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=self.server.port,
            user=role,
            password=self.passwords[role],
            dbname=self.database,
            autocommit=True,
        ) as conn:
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="session")
def team_passwords(pg_server: PostgresServer) -> dict[str, str]:
    passwords = {role: secrets.token_urlsafe(12) for role in (OWNER, *CODERS, LEAD)}
    for role, password in passwords.items():
        with pg_server.connect() as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
            verb = "ALTER" if exists else "CREATE"
            conn.execute(
                sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(password)
                )
            )
    return passwords


@pytest.fixture
def team(pg_server: PostgresServer, team_passwords: dict[str, str], project: Path) -> Iterator[Team]:
    """A team database holding the small study (codings by anouk and bram), set up by team-setup."""
    team = Team(pg_server, team_passwords)
    assert run_cli(project, "--db", team.owner, "db", "upgrade").code == 0
    db = open_database(team.owner)
    build_study(db)
    db.close()
    team.setup(project)
    yield team
    pg_server.drop_database(team.database)
