"""How the main screens look (SVG snapshots in tests/snapshots/; update with ``--snapshot-update``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_textual_snapshot
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import make_project

from codeer.config import Settings
from codeer.tui.app import make_app

SNAPSHOTS = Path(__file__).parent / "snapshots"


class Snapshots(pytest_textual_snapshot.SVGImageExtension):
    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(SNAPSHOTS / test_location.basename)


@pytest.fixture(autouse=True)
def _snapshots_in_tests_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytest_textual_snapshot, "SVGImageExtension", Snapshots)


@pytest.fixture
def settings(project: Path) -> Settings:
    return make_project(project)


def keys(*presses: str):
    """Press keys one by one, each coding committed and shown before the next; then stop cursors blinking."""

    async def run(pilot: Pilot) -> None:
        for key in presses:
            await pilot.press(key)
            await pilot.app.queue.idle()
            await pilot.pause()
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return run


def test_transcripts_screen(snap_compare, settings: Settings) -> None:
    assert snap_compare(make_app(settings), terminal_size=(80, 24), run_before=keys("down"))


def test_coding_screen_80x24(snap_compare, settings: Settings) -> None:
    presses = ("down", "enter", "j", "d", "i", "j", "s", "e", "j", "j", "s")
    assert snap_compare(make_app(settings), terminal_size=(80, 24), run_before=keys(*presses))


def test_coding_screen_with_rules_120x40(snap_compare, settings: Settings) -> None:
    presses = ("down", "enter", "j", "d", "1", "n", "tab", "down", "r")
    assert snap_compare(make_app(settings), terminal_size=(120, 40), run_before=keys(*presses))


def test_code_picker(snap_compare, settings: Settings) -> None:
    presses = ("down", "enter", "j", "p", "e", "m", "p")
    assert snap_compare(make_app(settings), terminal_size=(80, 24), run_before=keys(*presses))
