"""Open coding in a team database: the codebook is the owner's, the server's history records every coding a
merge moves (and its undo), each codebook change records the login, and blind coding hides the others'."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from pg_team import OWNER, Team

pytest_plugins = ["conftest_backends", "pg_team"]

MERGE_NOTE = "merge oprechte-empathie into herhaling"


def cli_as(team: Team, project: Path, role: str, *args: str):
    return run_cli(project, "--db", team.url(role), *args)


def codings_of(team: Team, key: str) -> list[tuple]:
    return team.sql(
        OWNER,
        "SELECT k.id, k.coder_id, k.memo FROM codings k JOIN codes c ON c.id = k.code_id "
        f"WHERE c.key = '{key}' ORDER BY k.id",
    )


def test_the_owner_merges_and_the_server_records_each_moved_coding_under_both_codes(
    team: Team, project: Path
) -> None:
    moved = codings_of(team, "oprechte-empathie")
    assert moved and len({coder for _, coder, _ in moved}) == 2  # anouk's and bram's
    done = cli_as(team, project, OWNER, "codebook", "merge", "oprechte-empathie", "herhaling")
    assert done.code == 0, done.err
    assert {row[0] for row in codings_of(team, "herhaling")} >= {row[0] for row in moved}
    events = team.sql(
        OWNER,
        "SELECT coding_id, action, code_key, login FROM coding_events "
        f"WHERE note = '{MERGE_NOTE}' ORDER BY id",
    )
    assert events == [
        event
        for coding_id, _, _ in moved
        for event in (
            (coding_id, "remove", "oprechte-empathie", OWNER),
            (coding_id, "apply", "herhaling", OWNER),
        )
    ]
    assert team.sql(OWNER, "SELECT action, code_key, login FROM codebook_events") == [
        ("merge", "oprechte-empathie", OWNER)
    ]

    undone = cli_as(team, project, OWNER, "codebook", "undo")
    assert undone.code == 0, undone.err
    assert codings_of(team, "oprechte-empathie") == moved  # the same codings, ids and memos, back
    back = team.sql(
        OWNER, "SELECT count(*) FROM coding_events WHERE note LIKE 'undo codebook #%' AND action = 'apply'"
    )
    assert back == [(len(moved),)]


def test_a_coder_cannot_change_the_codebook_of_a_team_database(team: Team, project: Path) -> None:
    for args in (("add", "Nieuw"), ("merge", "oprechte-empathie", "herhaling"), ("delete", "herhaling")):
        refused = cli_as(team, project, "anouk", "codebook", *args)
        assert refused.code == 2 and "Traceback" not in refused.err, refused.err
        assert "only the owner changes codebooks" in refused.err and len(refused.err.splitlines()) == 1
    assert team.sql(OWNER, "SELECT count(*) FROM codebook_events") == [(0,)]
    assert len(codings_of(team, "oprechte-empathie")) > 0


def test_blind_coding_hides_the_owners_codebook_changes_from_coders(team: Team, project: Path) -> None:
    assert cli_as(team, project, OWNER, "codebook", "rename", "herhaling", "Steeds herhalen").code == 0
    assert cli_as(team, project, OWNER, "db", "blind", "on").code == 0
    assert team.sql("anouk", "SELECT count(*) FROM codebook_events") == [(0,)]
    assert cli_as(team, project, OWNER, "db", "blind", "off").code == 0
    assert team.sql("anouk", "SELECT action FROM codebook_events") == [("rename",)]
