"""The workbench follows the team live (issue 16, point 1), on SQLite and on PostgreSQL.

The first coder's screen is driven by Pilot; a second coder codes in a separate process (``codeer code`` and
``codeer uncode``, as from another terminal) while it is open. Within a poll or two the screen shows what the
database holds: others' codings appear and disappear when shown (never while blind), the codebook's counts
follow, and so do the transcripts list's progress and the analysis screen.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tui_support import TURNS, add_codebook, add_transcript, headless

from codeer.config import Settings
from codeer.store.database import open_database
from codeer.tui.app import make_app
from codeer.tui.live import POLL_SECONDS
from codeer.tui.screens.analysis import AnalysisScreen
from codeer.tui.screens.coding import CodingScreen
from codeer.tui.screens.transcripts import TranscriptsScreen

SIZE = (100, 30)
SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture
def team(db_url: str, tmp_path: Path) -> Settings:
    """A project on the backend under test, the first coder anouk."""
    folder = tmp_path / "project"
    folder.mkdir()
    db = open_database(db_url)
    try:
        add_codebook(db)
        add_transcript(db, "ret-q2", TURNS[:4], organisation="RET", quadrant="Q2")
        add_transcript(db, "vitens-q1", TURNS, organisation="Vitens", quadrant="Q1")
    finally:
        db.close()
    return Settings(project=folder, coder="anouk", db=db_url)


def other_terminal(settings: Settings, coder: str, *args: str) -> None:
    """``codeer --coder CODER ARGS`` in its own process, as a second coder types it in another terminal."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "CODEER_DB": settings.db_url}
    command = [sys.executable, "-m", "codeer.cli.main", "--project", str(settings.project), "--coder", coder]
    result = subprocess.run([*command, *args], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


async def until(pilot, condition, seconds: float = 6 * POLL_SECONDS) -> None:
    """Let the screen poll (in real time) until ``condition()`` holds; fail if it does not in time."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the screen did not follow the change"
        await pilot.pause(0.1)
        await pilot.app.queue.idle()


def shown(screen: CodingScreen) -> set[tuple[int, str, str]]:
    """(passage number, code key, coder) of every coding on screen."""
    numbers = {p.id: p.number for p in screen.view.passages}
    keys = {c.id: c.key for c in screen.codes}
    return {
        (numbers[c.passage_id], keys[c.code_id], c.coder) for cs in screen.view.codings.values() for c in cs
    }


def count(screen: CodingScreen, key: str) -> int:
    code = next(c.id for c in screen.codes if c.key == key)
    return screen.panel.counts.get(code, 0)


@headless
async def test_others_codings_arrive_and_leave_while_the_transcript_is_open(team: Settings) -> None:
    async with make_app(team).run_test(size=SIZE) as pilot:
        await pilot.app.queue.idle()
        await pilot.press("down", "enter")
        await pilot.app.queue.idle()
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen) and screen.transcript.key == "vitens-q1"

        other_terminal(team, "bram", "code", "vitens-q1", "3", "empathie")  # blind: never shown
        await pilot.pause(3 * POLL_SECONDS)
        await pilot.app.queue.idle()
        assert shown(screen) == set() and count(screen, "empathie") == 0

        await pilot.press("v")
        await until(pilot, lambda: shown(screen) == {(3, "empathie", "bram")})
        other_terminal(team, "bram", "code", "vitens-q1", "5", "empathie")
        await until(pilot, lambda: (5, "empathie", "bram") in shown(screen))
        assert count(screen, "empathie") == 2
        other_terminal(team, "bram", "uncode", "vitens-q1", "3", "empathie")
        await until(pilot, lambda: shown(screen) == {(5, "empathie", "bram")})
        assert count(screen, "empathie") == 1

        await pilot.press("v")  # blind again: a new coding by bram stays hidden
        await pilot.app.queue.idle()
        other_terminal(team, "bram", "code", "vitens-q1", "6", "empathie")
        other_terminal(team, "anouk", "code", "vitens-q1", "2", "nabellen")  # anouk elsewhere: shown
        await until(pilot, lambda: shown(screen) == {(2, "nabellen", "anouk")})
        assert count(screen, "empathie") == 0

        await pilot.press("q")
        await pilot.app.queue.idle()
        listing = pilot.app.screen
        assert isinstance(listing, TranscriptsScreen)
        progress = {row.key: row.coded for row in listing.rows}
        assert progress["vitens-q1"] == 1
        other_terminal(team, "anouk", "code", "vitens-q1", "4", "nabellen")
        await until(pilot, lambda: {row.key: row.coded for row in listing.rows}["vitens-q1"] == 2)

        await pilot.press("t")
        await until(pilot, lambda: isinstance(pilot.app.screen, AnalysisScreen) and pilot.app.screen.tables)
        analysis = pilot.app.screen

        def passages(key: str) -> int:
            tables = analysis.tables
            code = next(c for c in tables.table.frequencies.codes if c.key == key)
            cell = tables.table.frequencies.cell(tables.table.frequencies.groups[0], code.id)
            return cell.passages if cell else 0

        assert passages("nabellen") == 2
        other_terminal(team, "anouk", "code", "vitens-q1", "7", "nabellen")
        await until(pilot, lambda: passages("nabellen") == 3)
