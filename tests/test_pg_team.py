"""A team database (``codeer db team-setup``): the login is the coder, the server writes the history, and
blind coding holds against every route a coder has, codeer's commands and plain SQL alike."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import psycopg
import pytest
from conftest import run_cli
from pg_team import LEAD, OWNER, Team

pytest_plugins = ["conftest_backends", "pg_team"]


def cli_as(team: Team, project: Path, role: str, *args: str):
    return run_cli(project, "--db", team.url(role), *args)


def coders_in_csv(path: Path) -> set[str]:
    with path.open(encoding="utf-8-sig") as handle:
        return {row["coder"] for row in csv.DictReader(handle)}


def test_the_login_is_the_coder_and_only_the_owner_or_a_lead_acts_for_another(
    team: Team, project: Path
) -> None:
    done = cli_as(team, project, "anouk", "code", "vitens-q1", "2", "herhaling")
    assert done.code == 0 and "by anouk" in done.out, done.err
    posing = cli_as(
        team, project, "anouk", "--coder", "bram", "uncode", "vitens-q1", "1", "oprechte-empathie"
    )
    assert posing.code == 2
    assert "logged in to the database as 'anouk'" in posing.err and "Traceback" not in posing.err
    for_bram = cli_as(team, project, OWNER, "--coder", "bram", "code", "vitens-q1", "2", "herhaling")
    assert for_bram.code == 0, for_bram.err
    events = team.sql(
        OWNER,
        "SELECT c.name, e.login, e.action FROM coding_events e JOIN coders c ON c.id = e.coder_id "
        "ORDER BY e.id DESC LIMIT 2",
    )
    assert events == [("bram", OWNER, "apply"), ("anouk", "anouk", "apply")]


def test_plain_sql_cannot_rewrite_history_settings_or_another_coders_codings(team: Team) -> None:
    before = team.sql(OWNER, "SELECT count(*) FROM coding_events")
    for statement in (
        "DELETE FROM coding_events",
        "UPDATE coding_events SET note = 'x'",
        "INSERT INTO coding_events (action, coder_id, at) VALUES ('apply', 1, now())",
        "UPDATE settings SET value = 'false'",
        "TRUNCATE codings",
        "ALTER TABLE codings DISABLE TRIGGER codeer_history",
        "INSERT INTO coders (name) VALUES ('carla')",
        "INSERT INTO codings (passage_id, code_id, coder_id, memo, created_at, updated_at) "
        "SELECT 1, 1, id, '', now(), now() FROM coders WHERE name = 'bram'",
    ):
        with pytest.raises(psycopg.Error):
            team.sql("anouk", statement)
    assert team.sql("anouk", "DELETE FROM codings WHERE coder_id <> codeer_me() RETURNING id") == []
    assert team.sql("anouk", "UPDATE codings SET memo = 'x' WHERE coder_id <> codeer_me() RETURNING id") == []
    assert team.sql(OWNER, "SELECT count(*) FROM coding_events") == before
    # A change made with plain SQL is recorded all the same: the server writes the history.
    team.sql(
        "anouk", "DELETE FROM codings WHERE id = (SELECT min(id) FROM codings WHERE coder_id = codeer_me())"
    )
    assert team.sql(OWNER, "SELECT action, login FROM coding_events ORDER BY id DESC LIMIT 1") == [
        ("remove", "anouk")
    ]


def test_blind_coding_hides_other_coders_on_every_route_until_the_round_opens(
    team: Team, project: Path, tmp_path: Path
) -> None:
    assert cli_as(team, project, "anouk", "db", "blind", "off").code == 2  # only the owner decides
    assert cli_as(team, project, OWNER, "db", "blind", "on").code == 0
    for table in ("codings", "coding_events", "memos"):
        seen = team.sql("anouk", f"SELECT DISTINCT c.name FROM {table} t JOIN coders c ON c.id = t.coder_id")
        assert seen == [("anouk",)], table
    assert team.sql("anouk", "SELECT count(*) FROM settlements") == [(0,)]

    exported = cli_as(team, project, "anouk", "codings", "export", str(tmp_path / "own.csv"))
    assert exported.code == 0 and coders_in_csv(tmp_path / "own.csv") == {"anouk"}
    refused = [
        cli_as(team, project, "anouk", "codings", "export", str(tmp_path / "b.csv"), "--coder", "bram"),
        cli_as(team, project, "anouk", "export", "segments", "--coder", "bram"),
        cli_as(team, project, "anouk", "export", "qdpx", str(tmp_path / "b.qdpx"), "--coder", "bram"),
        cli_as(team, project, "anouk", "agreement"),
        cli_as(team, project, "anouk", "agreement", "--coders", "anouk,bram"),
        cli_as(team, project, "anouk", "log", "--coder", "bram"),
        cli_as(team, project, "anouk", "chart", "network", "--coder", "bram", "-o", str(tmp_path / "b.png")),
        cli_as(team, project, "anouk", "report", "--coder", "bram", "-o", str(tmp_path / "b.html")),
    ]
    for result in refused:
        assert result.code == 2 and "blind coding is on" in result.err, result.err
    segments = cli_as(team, project, "anouk", "export", "segments")
    assert segments.code == 0 and "bram" not in segments.out
    log = cli_as(team, project, "anouk", "log")
    assert log.code == 0 and "bram" not in log.out and "anouk" in log.out
    qdpx = cli_as(team, project, "anouk", "export", "qdpx", str(tmp_path / "own.qdpx"))
    assert qdpx.code == 0, qdpx.err
    with zipfile.ZipFile(tmp_path / "own.qdpx") as archive:
        assert 'name="bram"' not in archive.read("project.qde").decode()

    lead = cli_as(team, project, LEAD, "agreement", "--coders", "anouk,bram")
    assert lead.code == 0 and "coders: anouk, bram" in lead.out, lead.err
    assert cli_as(team, project, OWNER, "db", "blind", "off").code == 0
    opened = cli_as(team, project, "anouk", "agreement", "--coders", "anouk,bram")
    assert opened.code == 0 and "coders: anouk, bram" in opened.out, opened.err
    assert len(team.sql("anouk", "SELECT DISTINCT coder_id FROM codings")) == 2


def test_blind_coding_without_the_protection_shows_everything(team: Team, project: Path) -> None:
    """The control: with the round open the same SELECT sees bram's codings (the test above can fail)."""
    assert cli_as(team, project, OWNER, "db", "blind", "off").code == 0
    names = {
        row[0] for row in team.sql("anouk", "SELECT c.name FROM codings k JOIN coders c ON c.id = k.coder_id")
    }
    assert names == {"anouk", "bram"}


def test_team_setup_runs_again_and_the_workbench_history_still_undoes(team: Team, project: Path) -> None:
    team.setup(project)  # again: idempotent
    done = cli_as(team, project, "anouk", "code", "vitens-q2", "2", "herhaling", "--memo", "eerst")
    assert done.code == 0
    changed = cli_as(team, project, "anouk", "code", "vitens-q2", "2", "herhaling", "--memo", "daarna")
    assert changed.code == 0 and "memo updated" in changed.out
    rows = team.sql(
        "anouk", "SELECT action, memo, previous::text FROM coding_events ORDER BY id DESC LIMIT 2"
    )
    assert rows[0][0] == "update" and rows[0][1] == "daarna" and '"eerst"' in rows[0][2]
    assert rows[1][:2] == ("apply", "eerst")
    assert team.sql(OWNER, "SELECT count(*) FROM coding_events WHERE coding_id IS NULL") == [(0,)]


def test_a_project_copied_into_a_team_database_keeps_its_history_once(
    team: Team, pg_server, project: Path, tmp_path: Path
) -> None:
    snapshot = f"sqlite:///{tmp_path / 'snapshot.db'}"
    assert cli_as(team, project, OWNER, "db", "copy", "--to", snapshot).code == 0
    target = Team(pg_server, team.passwords)
    target.setup(project)  # team-setup before the copy: the copy must not double the history
    copied = run_cli(project, "--db", snapshot, "db", "copy", "--to", target.owner)
    assert copied.code == 0, copied.err
    count = "SELECT count(*) FROM coding_events"
    assert target.sql(OWNER, count) == team.sql(OWNER, count)
    assert cli_as(target, project, "anouk", "code", "vitens-q3", "2", "herhaling").code == 0
    assert target.sql(OWNER, count)[0][0] == team.sql(OWNER, count)[0][0] + 1
    pg_server.drop_database(target.database)


def passages_listed(output: str) -> set[tuple[str, int]]:
    """(transcript, passage number) of every line ``codeer search --codes`` prints for a passage."""
    return {(line.split(" #")[0], int(line.split(" #")[1].split()[0])) for line in output.splitlines()[:-1]}


def test_search_in_a_blind_round_reads_only_your_codings_and_codes_through_the_server(
    team: Team, project: Path
) -> None:
    assert cli_as(team, project, OWNER, "db", "blind", "on").code == 0
    own = cli_as(team, project, "anouk", "search", "--codes", "oprechte-empathie", "--moderators")
    assert own.code == 0, own.err
    anouks = team.sql(
        OWNER,
        "SELECT t.key, p.number FROM codings k JOIN coders c ON c.id = k.coder_id "
        "JOIN codes d ON d.id = k.code_id JOIN passages p ON p.id = k.passage_id "
        "JOIN transcripts t ON t.id = p.transcript_id WHERE c.name = 'anouk' AND d.key = 'oprechte-empathie'",
    )
    assert anouks and passages_listed(own.out) == set(anouks)
    refused = cli_as(team, project, "anouk", "search", "--codes", "herhaling", "--coders", "bram")
    assert refused.code == 2 and "blind coding is on" in refused.err, refused.err

    # Search, then code: a set-based write a coder may make under row-level security, its history by the
    # server's trigger with the search's note, and undone as one step.
    coded = cli_as(team, project, "anouk", "search", "knikt", "--code", "herhaling")
    assert coded.code == 0 and "3 coding(s) of herhaling added for anouk" in coded.out, coded.err
    events = team.sql(OWNER, "SELECT login, action, note FROM coding_events ORDER BY id DESC LIMIT 3")
    assert {(login, action) for login, action, _ in events} == {("anouk", "apply")}
    assert all(note == "search #" + events[0][2].removeprefix("search #") for *_, note in events)
    assert events[0][2].startswith("search #") and events[0][2].endswith(": knikt")
    undone = cli_as(team, project, "anouk", "search", "--undo")
    assert undone.code == 0 and "3 passages" in undone.out, undone.err
    left = "SELECT count(*) FROM codings k JOIN passages p ON p.id = k.passage_id WHERE k.start IS NULL "
    assert team.sql(OWNER, left + "AND k.code_id = (SELECT id FROM codes WHERE key = 'herhaling')") == [(0,)]
