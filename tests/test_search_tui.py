"""The workbench's search screen, driven by key presses; what matters is asserted on the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from textual.pilot import Pilot
from textual.widgets import OptionList, Static
from tui_support import headless, make_project

from codeer.config import Settings
from codeer.model import Code, Coding, CodingEvent, Passage, Transcript
from codeer.store.database import open_database
from codeer.store.search_index import FTS_COUNTED, FTS_GROUPS, index_needs_work
from codeer.tui.app import make_app
from codeer.tui.screens.coding import CodingScreen
from codeer.tui.screens.search import SearchScreen
from codeer.tui.screens.transcripts import TranscriptsScreen


@pytest.fixture
def settings(project: Path) -> Settings:
    return make_project(project)


def codings(settings: Settings) -> set[tuple[str, int, str, str]]:
    """(transcript, passage number, code key, history note) of every coding."""
    db = open_database(settings.db_url)
    try:
        with db.session() as s:
            query = (
                select(Transcript.key, Passage.number, Code.key, CodingEvent.note)
                .select_from(Coding)
                .join(Passage, Passage.id == Coding.passage_id)
                .join(Transcript, Transcript.id == Passage.transcript_id)
                .join(Code, Code.id == Coding.code_id)
                .join(CodingEvent, CodingEvent.coding_id == Coding.id)
                .where(CodingEvent.action == "apply")
            )
            return {tuple(row) for row in s.execute(query)}
    finally:
        db.close()


def index_ready(settings: Settings) -> bool:
    db = open_database(settings.db_url)
    try:
        with db.read_connection() as connection:
            return not index_needs_work(connection)
    finally:
        db.close()


async def settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.app.queue.idle()
    await pilot.pause()


async def type_in(pilot: Pilot, text: str) -> None:
    for character in text:
        await pilot.press("space" if character == " " else character)
    await settle(pilot)


def title(screen: SearchScreen) -> str:
    return str(screen.query_one("#search-title", Static).render())


@headless
async def test_search_from_the_transcripts_list_codes_a_hit_and_opens_it(settings: Settings) -> None:
    db = open_database(settings.db_url)
    try:
        with db.session() as session:  # words not counted yet, as after a QDPX import
            session.execute(text(f"DELETE FROM {FTS_COUNTED}"))
            session.execute(text(f"DELETE FROM {FTS_GROUPS}"))
    finally:
        db.close()
    assert index_ready(settings) is False
    async with make_app(settings).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, TranscriptsScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SearchScreen)
        assert index_ready(settings) is True  # every transcript's words counted on opening
        await type_in(pilot, "terugbellen")
        assert [(h.transcript, h.number, h.word) for h in screen.hits] == [("vitens-q1", 5, "terugbellen")]
        assert "1 hits in 1 passages of 1 transcripts" in title(screen)
        await pilot.press("enter")  # from the box to the list
        await settle(pilot)
        assert screen.query_one(OptionList).has_focus
        await pilot.press("e")  # empathie's key: codes the hit's passage
        await settle(pilot)
        assert codings(settings) == {("vitens-q1", 5, "empathie", "workbench")}
        await pilot.press("enter")  # opens the passage in its transcript
        await settle(pilot)
        coding = pilot.app.screen
        assert isinstance(coding, CodingScreen)
        assert coding.transcript.key == "vitens-q1" and coding.view.current.number == 5
        await pilot.press("u")  # the search screen's coding is an ordinary workbench action
        await settle(pilot)
        assert codings(settings) == set()


@headless
async def test_the_coded_segment_query_from_the_coding_screen(settings: Settings) -> None:
    async with make_app(settings).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # vitens-q1
        await settle(pilot)
        assert isinstance(pilot.app.screen, CodingScreen)
        await pilot.press("j", "e", "j", "j", "j", "e", "d")  # empathie on 2 and 5, deskundigheid on 5
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press("tab")
        await type_in(pilot, "empathie NOT deskundigheid")
        assert [(h.transcript, h.number) for h in screen.hits] == [("vitens-q1", 2)]
        await pilot.press("shift+tab")
        await type_in(pilot, "tram")
        assert [(h.number, h.word) for h in screen.hits] == [(2, "tram")]
        await pilot.press("tab")
        await type_in(pilot, "empathie AND")  # focusing a box selects its text: typing replaces it
        assert "ends too early" in title(screen) and screen.hits == []
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CodingScreen)


@headless
async def test_a_codes_key_puts_on_what_the_line_does_not_show_and_takes_off_what_it_does(
    settings: Settings,
) -> None:
    async with make_app(settings).run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SearchScreen)
        await type_in(pilot, "terugbellen")
        await pilot.press("enter")
        await settle(pilot)
        options = screen.query_one(OptionList)
        assert "[empathie]" not in str(options.get_option_at_index(0).prompt)
        await pilot.press("e")
        await settle(pilot)
        assert codings(settings) == {("vitens-q1", 5, "empathie", "workbench")}
        assert "[empathie]" in str(options.get_option_at_index(0).prompt)
        await pilot.press("e")  # the line shows it: the key takes it off
        await settle(pilot)
        assert codings(settings) == set()
        assert "[empathie]" not in str(options.get_option_at_index(0).prompt)
