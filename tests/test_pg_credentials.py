"""A team's PostgreSQL: the roles README's recipe makes are enough, and no password or secret is ever shown.

The set-up is README's "Working as a team": an owner role that owns the database and runs migrations, coder
login roles, and ``codeer db team-setup`` (see :mod:`pg_team`).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from pg import PostgresServer
from pg_team import OWNER, Team

from codeer.cli.main import build_parser
from codeer.store.database import head_revision

pytest_plugins = ["conftest_backends", "pg_team"]


def assert_secret(team: Team, *outputs: str) -> None:
    for output in outputs:
        for password in team.passwords.values():
            assert password not in output


def test_a_coder_with_the_documented_grants_codes_but_cannot_migrate(
    project: Path, team: Team, pg_server: PostgresServer
) -> None:
    coder = team.url("anouk")
    coded = run_cli(project, "--db", coder, "--coder", "anouk", "code", "vitens-q1", "2", "empathie")
    assert coded.code == 0, coded.err
    removed = run_cli(project, "--db", coder, "--coder", "anouk", "uncode", "vitens-q1", "2", "empathie")
    assert removed.code == 0, removed.err
    status = run_cli(project, "--db", coder, "status")
    assert status.code == 0 and "anouk" in status.out
    info = run_cli(project, "--db", coder, "db", "info")
    assert info.code == 0 and f"schema     {head_revision()} (newest)" in info.out
    migrate = run_cli(project, "--db", coder, "db", "upgrade")
    assert migrate.code == 0 and "already at the newest version" in migrate.out

    empty = Team(pg_server, team.passwords)  # a new database whose schema the owner has not made yet
    refused = run_cli(project, "--db", empty.url("anouk"), "status")
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
    wrong = team.owner.replace(team.passwords[OWNER], "not-" + team.passwords[OWNER])
    denied = run_cli(project, "--db", wrong, "status")
    assert denied.code == 2 and "password authentication failed" in denied.err
    missing = run_cli(project, "--db", team.owner.rsplit("/", 1)[0] + "/nosuchdb", "db", "info")
    assert missing.code == 2 and 'database "nosuchdb" does not exist' in missing.err
    monkeypatch.setenv("CODEER_DB", team.url("anouk"))
    from_env = run_cli(project, "db", "info")
    assert from_env.code == 0 and "anouk:***@" in from_env.out
    assert_secret(team, *outputs, denied.err, missing.err, from_env.out, from_env.err)
    assert "***" in outputs[0]


def test_the_password_can_come_from_pgpass(project: Path, team: Team, pg_server: PostgresServer) -> None:
    home = Path.home()  # the test's own HOME (see conftest)
    home.mkdir(parents=True, exist_ok=True)
    pgpass = home / ".pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_server.port}:*:anouk:{team.passwords['anouk']}\n")
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


def _leaf_commands() -> set[str]:
    def leaves(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> Iterator[str]:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            yield " ".join(path)
        for action in subs:
            for name, child in action.choices.items():
                yield from leaves(child, (*path, name))

    return set(leaves(build_parser(), ()))


def _every_command(folder: Path) -> list[tuple[str, ...]]:
    book = ROOT / "codebooks" / "klantreis.yaml"
    return [
        ("import", str(folder / "missing.txt")),
        ("codebook", "load", str(book)),
        ("codebook", "check", str(book)),
        ("codebook", "list"),
        ("codebook", "show"),
        ("codebook", "export", str(folder / "book.qdc")),
        ("codebook", "save", "-o", str(folder / "book.yaml")),
        ("codebook", "add", "Nieuw"),
        ("codebook", "rename", "nieuw", "Nieuwer"),
        ("codebook", "move", "nieuw", "empathie"),
        ("codebook", "edit", "nieuw", "--definition", "Iets nieuws."),
        ("codebook", "memo", "nieuw", "Een idee."),
        ("codebook", "codings", "herhaling"),
        ("codebook", "search", "nieuw"),
        ("codebook", "split", "herhaling", "nieuw", "--coding", "1"),
        ("codebook", "merge", "nieuw", "herhaling"),
        ("codebook", "delete", "nieuw"),
        ("codebook", "undo"),
        ("codings", "import", str(folder / "missing.csv")),
        ("codings", "export", str(folder / "codings.csv")),
        ("--coder", "anouk", "code", "vitens-q1", "2", "empathie"),
        ("--coder", "anouk", "uncode", "vitens-q1", "2", "empathie"),
        ("export", "frequencies"),
        ("export", "cooccurrence"),
        ("export", "segments"),
        ("export", "codebook"),
        ("export", "all", "--dir", str(folder / "exports")),
        ("export", "qdpx", str(folder / "study.qdpx")),
        ("agreement",),
        ("chart", "network", "-o", str(folder / "network.svg")),
        ("report", "-o", str(folder / "report.html")),
        ("autocode",),
        ("--coder", "anouk", "accept"),
        ("settle", "--coders", "anouk,bram", "--by", "both"),
        ("search", "klant"),
        ("status",),
        ("log",),
        ("backup",),
        ("restore", "--list"),
        ("db", "info"),
        ("db", "upgrade"),
        ("db", "copy", "--to", f"sqlite:///{folder / 'copy.db'}"),
        ("db", "team-setup"),
        ("db", "blind", "off"),
    ]


def test_no_command_shows_a_secret_from_any_part_of_the_url(
    project: Path, team: Team, pg_server: PostgresServer, tmp_path: Path
) -> None:
    password, other = team.passwords[OWNER], "sslgeheim-" + team.passwords["anouk"]
    base = f"postgresql+psycopg://{OWNER}@127.0.0.1:{pg_server.port}/{team.database}"
    urls = [
        team.owner,  # user:password@host
        f"{base}?password={password}",
        f"{base}?password={password}&sslpassword={other}&passfile={tmp_path / other}",
        f"{base}?password=wrong-{password}",  # refused by the server
        f"postgresql+psycopg://{OWNER}@127.0.0.1:1/{team.database}?password={password}",  # nobody listening
    ]
    commands = _every_command(tmp_path)
    leaves = _leaf_commands()
    named = {" ".join(c[:2]) if " ".join(c[:2]) in leaves else c[0] for c in commands}
    named |= {c[2] for c in commands if c[0] == "--coder"}
    assert named - {"--coder"} == leaves - {"tui"}, "a command is missing from this test"
    for url in urls:
        for args in commands:
            result = run_cli(project, "--db", url, *args)
            shown = result.out + result.err
            assert result.code in (0, 2), (args, shown)
            assert "Traceback" not in shown
            for secret in (password, other):
                assert secret not in shown, (url, args)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://anouk@dbhost/study?password=geheim123",
        "postgresql+psycopg://anouk@dbhost/study?sslpassword=geheim123",
        "postgresql+psycopg://anouk@dbhost/study?passfile=/home/anouk/geheim123",
        "postgresql+psycopg://anouk:geheim123@dbhost/study?sslmode=require",
    ],
)
def test_codeer_yaml_refuses_every_kind_of_secret(project: Path, url: str) -> None:
    (project / "codeer.yaml").write_text(f"db: {url}\n")
    for args in (("status",), ("db", "info"), ("log",)):
        result = run_cli(project, *args)
        assert result.code == 2
        assert "does not belong in codeer.yaml" in result.err and "codeer.yaml:1" in result.err
        assert "geheim123" not in result.err
