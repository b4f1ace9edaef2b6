"""A team's PostgreSQL: the roles the README documents are enough, and no password is ever shown.

The set-up below is the README's "Working as a team" recipe, statement for statement: an owner role that
owns the database and runs migrations, and coder roles that may read and write rows but not change the schema.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from conftest import run_cli
from pg import PostgresServer
from psycopg import sql

from codeer.store.database import head_revision, open_database

pytest_plugins = ["conftest_backends"]

CODER_GRANTS = [
    "GRANT CONNECT ON DATABASE {db} TO study_coders",
    "GRANT USAGE ON SCHEMA public TO study_coders",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO study_coders",
    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO study_coders",
    "ALTER DEFAULT PRIVILEGES FOR ROLE study_owner IN SCHEMA public "
    "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO study_coders",
    "ALTER DEFAULT PRIVILEGES FOR ROLE study_owner IN SCHEMA public GRANT USAGE ON SEQUENCES TO study_coders",
]


class Team:
    """The owner's and a coder's URLs on a new database set up as the README says."""

    def __init__(self, server: PostgresServer, owner_password: str, coder_password: str) -> None:
        self.server = server
        self.database = server.create_database(owner="study_owner")
        self.passwords = (owner_password, coder_password)
        self.owner = server.url(self.database, user="study_owner", password=owner_password)
        self.coder = server.url(self.database, user="anouk", password=coder_password)

    def grant(self) -> None:
        for statement in CODER_GRANTS:
            self.server.execute(sql.SQL(statement).format(db=sql.Identifier(self.database)), self.database)


@pytest.fixture(scope="module")
def roles(pg_server: PostgresServer) -> tuple[str, str]:
    owner_password, coder_password = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    pg_server.execute(sql.SQL("CREATE ROLE study_owner LOGIN PASSWORD {}").format(owner_password))
    pg_server.execute("CREATE ROLE study_coders NOLOGIN")
    pg_server.execute(
        sql.SQL("CREATE ROLE anouk LOGIN PASSWORD {} IN ROLE study_coders").format(coder_password)
    )
    return owner_password, coder_password


@pytest.fixture
def team(pg_server: PostgresServer, roles: tuple[str, str], build_study) -> Team:
    team = Team(pg_server, *roles)
    assert run_cli(Path("."), "--db", team.owner, "db", "upgrade").code == 0
    db = open_database(team.owner)
    build_study(db)
    db.close()
    team.grant()
    return team


def assert_secret(team: Team, *outputs: str) -> None:
    for output in outputs:
        for password in team.passwords:
            assert password not in output


def test_a_coder_with_the_documented_grants_codes_but_cannot_migrate(
    project: Path, team: Team, pg_server: PostgresServer
) -> None:
    coded = run_cli(project, "--db", team.coder, "--coder", "anouk", "code", "vitens-q1", "2", "empathie")
    assert coded.code == 0, coded.err
    removed = run_cli(project, "--db", team.coder, "--coder", "anouk", "uncode", "vitens-q1", "2", "empathie")
    assert removed.code == 0, removed.err
    status = run_cli(project, "--db", team.coder, "status")
    assert status.code == 0 and "anouk" in status.out
    info = run_cli(project, "--db", team.coder, "db", "info")
    assert info.code == 0 and f"schema     {head_revision()} (newest)" in info.out

    empty = Team(pg_server, *team.passwords)  # a new database whose schema the owner has not made yet
    refused = run_cli(project, "--db", empty.coder, "status")
    assert refused.code == 2
    assert "permission denied for schema public" in refused.err
    assert "the database owner runs `codeer db upgrade`" in refused.err
    assert "Traceback" not in refused.err and len(refused.err.strip().splitlines()) == 1
    assert_secret(team, coded.out, coded.err, status.out, info.out, refused.err)


def test_no_command_shows_the_password(project: Path, team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = []
    for args in (
        ("db", "info"),
        ("db", "upgrade"),
        ("status",),
        ("db", "copy", "--to", f"sqlite:///{project / 'copy.db'}"),
        ("db", "copy", "--to", f"sqlite:///{project / 'copy.db'}"),  # fails: the target holds a project
        ("--coder", "anouk", "code", "vitens-q9", "1", "empathie"),  # fails: no such transcript
    ):
        result = run_cli(project, "--db", team.owner, *args)
        outputs += [result.out, result.err]
    wrong = team.owner.replace(team.passwords[0], "not-" + team.passwords[0])
    denied = run_cli(project, "--db", wrong, "status")
    assert denied.code == 2 and "password authentication failed" in denied.err
    missing = run_cli(project, "--db", team.owner.rsplit("/", 1)[0] + "/nosuchdb", "db", "info")
    assert missing.code == 2 and 'database "nosuchdb" does not exist' in missing.err
    monkeypatch.setenv("CODEER_DB", team.coder)
    from_env = run_cli(project, "db", "info")
    assert from_env.code == 0 and "anouk:***@" in from_env.out
    assert_secret(team, *outputs, denied.err, missing.err, from_env.out, from_env.err)
    assert "***" in outputs[0]


def test_the_password_can_come_from_pgpass(project: Path, team: Team, pg_server: PostgresServer) -> None:
    home = Path.home()  # the test's own HOME (see conftest)
    home.mkdir(parents=True, exist_ok=True)
    pgpass = home / ".pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_server.port}:*:anouk:{team.passwords[1]}\n")
    pgpass.chmod(0o600)
    url = f"postgresql+psycopg://anouk@127.0.0.1:{pg_server.port}/{team.database}"
    result = run_cli(project, "--db", url, "--coder", "anouk", "code", "vitens-q2", "1", "herhaling")
    assert result.code == 0, result.err


def test_codeer_yaml_refuses_a_password(project: Path) -> None:
    (project / "codeer.yaml").write_text("db: postgresql+psycopg://anouk:geheim123@dbhost/study\n")
    result = run_cli(project, "status")
    assert result.code == 2
    assert "a password does not belong in codeer.yaml" in result.err
    assert "geheim123" not in result.err
