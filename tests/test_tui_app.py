"""The workbench driven headlessly by key presses; every assertion that matters is on the database."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from rich.console import Console
from sqlalchemy import select
from textual.pilot import Pilot
from tui_support import headless, make_project

from codeer.config import Settings, read_settings
from codeer.errors import CodeerError
from codeer.model import Code, Coder, Coding, CodingEvent, Memo, Passage, Setting
from codeer.store.database import open_database
from codeer.tui.app import CodeerApp, make_app
from codeer.tui.screens.coding import CodingScreen
from codeer.tui.screens.help import HelpScreen
from codeer.tui.screens.transcripts import TranscriptsScreen

SIZE = (80, 24)


@pytest.fixture
def settings(project: Path) -> Settings:
    return make_project(project)


def rows(settings: Settings, query):
    db = open_database(settings.db_url)
    try:
        with db.session() as s:
            return [tuple(r) for r in s.execute(query)]
    finally:
        db.close()


def codings(settings: Settings) -> set[tuple[int, str, int | None, int | None]]:
    """(passage number, code key, start, end) of every coding."""
    return set(
        rows(
            settings,
            select(Passage.number, Code.key, Coding.start, Coding.end)
            .join(Passage, Passage.id == Coding.passage_id)
            .join(Code, Code.id == Coding.code_id),
        )
    )


def help_text(screen: HelpScreen) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(screen.content)
    return console.export_text()


async def settle(pilot: Pilot) -> None:
    """Wait until queued database work has committed and the screen shows it."""
    await pilot.app.workers.wait_for_complete()
    if hasattr(pilot.app, "queue"):
        await pilot.app.queue.idle()
    await pilot.pause()


async def open_vitens(pilot: Pilot) -> CodingScreen:
    """From the transcripts list (sorted by key: ret-q2, vitens-q1), open vitens-q1."""
    await settle(pilot)
    assert isinstance(pilot.app.screen, TranscriptsScreen)
    await pilot.press("down", "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    assert screen.ready.is_set()
    return screen


@asynccontextmanager
async def workbench(
    settings: Settings, size: tuple[int, int] = SIZE
) -> AsyncIterator[tuple[Pilot, CodingScreen]]:
    """The app on ``settings``, with vitens-q1 open on the coding screen."""
    async with make_app(settings).run_test(size=size) as pilot:
        yield pilot, await open_vitens(pilot)


async def press(pilot: Pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def typed(pilot: Pilot, opener: str | None, text: str, closer: str) -> None:
    """Open a dialog (``opener``), type ``text`` into it, close it with ``closer``."""
    if opener:
        await press(pilot, opener)
    await pilot.press(*text)
    await press(pilot, closer)


@headless
async def test_one_key_toggles_a_code_on_the_current_passage(settings: Settings) -> None:
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "j", "d")
        assert codings(settings) == {(2, "deskundigheid", None, None)}
        assert [c.code_id for c in screen.view.own_codings(screen.view.current.id)]
        await press(pilot, "d")
        assert codings(settings) == set()
        await press(pilot, "j", "i", "1")
        assert codings(settings) == {(3, "informatie", None, None), (3, "nabellen", None, None)}
    coder = rows(settings, select(Coder.name).join(Coding, Coding.coder_id == Coder.id))
    assert set(coder) == {("anouk",)}
    assert set(rows(settings, select(CodingEvent.note))) == {("workbench",)}


@headless
async def test_moving_paging_ends_and_next_uncoded(settings: Settings) -> None:
    async with workbench(settings) as (pilot, screen):
        view = screen.view
        await press(pilot, "G")
        assert view.current.number == 8
        await press(pilot, "g")
        assert view.current.number == 1
        await press(pilot, "down", "down", "up")
        assert view.current.number == 2
        await press(pilot, "pagedown")
        assert view.current.number > 2
        await press(pilot, "home", "e", "j", "e", "g", "n")
        assert view.current.number == 3  # 1 and 2 are coded
        await press(pilot, "end", "n")
        assert view.current.number == 3  # wraps round to the first uncoded one


@headless
async def test_code_picker_matches_fuzzily_and_enter_applies(settings: Settings) -> None:
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "j")
        await typed(pilot, "p", "zonder snel", "enter")
        await press(pilot, "j")
        await typed(pilot, "p", "empahtie", "enter")  # a typo still finds "Oprechte empathie"
        await press(pilot, "p", "escape")
    assert codings(settings) == {(2, "zonder-toets", None, None), (3, "empathie", None, None)}


@headless
async def test_sentence_and_word_selection_codes_a_span(settings: Settings) -> None:
    text = "Dat het gewoon werkt. Dat de tram rijdt, dat de kaart het doet."
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "j", "s")
        assert screen.view.selection == (0, 21)
        await press(pilot, "d")  # first sentence
        assert screen.view.selection is None
        await press(pilot, "s", "s")  # the second sentence
        assert screen.view.selection == (22, len(text))
        await press(pilot, "ctrl+left", "ctrl+left", "alt+right")  # drop two words, start one word later
        start, end = screen.view.selection
        assert text[start:end] == "de tram rijdt, dat de kaart"
        await press(pilot, "i")
        await press(pilot, "s", "shift+right", "escape")
        assert screen.view.selection is None
    span = (text.index("de tram"), text.index("kaart") + len("kaart"))
    assert codings(settings) == {(2, "deskundigheid", 0, 21), (2, "informatie", *span)}


@headless
async def test_memos_on_a_passage_and_on_a_coding(settings: Settings) -> None:
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "j")
        await typed(pilot, "m", "eerste indruk", "ctrl+s")
        await press(pilot, "d", "m")  # now the passage has a coding: choose it in the list
        await pilot.press("shift+tab", "down", "tab")
        await typed(pilot, None, "twijfel", "ctrl+s")
        assert screen.view.memos == {screen.view.current.id: "eerste indruk"}
    assert rows(settings, select(Memo.text, Memo.code_id)) == [("eerste indruk", None)]
    assert rows(settings, select(Coding.memo)) == [("twijfel",)]


@headless
async def test_remove_a_code_with_x(settings: Settings) -> None:
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "j", "d", "i", "x", "down", "enter")
    assert codings(settings) == {(2, "deskundigheid", None, None)}


@headless
async def test_undo_and_redo_also_after_a_restart(settings: Settings) -> None:
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "j", "d", "j", "i", "u")
        assert codings(settings) == {(2, "deskundigheid", None, None)}
        assert screen.view.current.number == 3 and not screen.view.own_codings(screen.view.current.id)
        await press(pilot, "U")
        assert codings(settings) == {(2, "deskundigheid", None, None), (3, "informatie", None, None)}
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "u", "u")
        assert codings(settings) == set()
        assert not screen.view.codings
        await press(pilot, "ctrl+r")
        assert codings(settings) == {(2, "deskundigheid", None, None)}


@pytest.mark.parametrize("quick_wait", [0.25, 0], ids=["awaited", "background"])
@headless
async def test_a_failed_write_is_reported_and_not_shown_as_applied(
    settings: Settings, quick_wait: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("codeer.tui.dbqueue.QUICK_WAIT", quick_wait)
    async with workbench(settings) as (pilot, screen):
        app = pilot.app
        other = sqlite3.connect(settings.project / "codeer.db")
        other.execute(
            "CREATE TRIGGER no_space BEFORE INSERT ON codings BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
        other.commit()
        other.close()
        await press(pilot, "j", "d")
        assert not screen.view.codings
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "disk full" in errors[-1].message
        assert screen.panel.counts == {}
    assert codings(settings) == set()
    assert rows(settings, select(CodingEvent.id)) == []


@headless
async def test_when_the_database_is_slow_results_arrive_later_in_order(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("codeer.tui.dbqueue.QUICK_WAIT", 0)  # every write finishes in the background
    async with workbench(settings) as (pilot, screen):
        await pilot.press("j", "d", "d", "d", "i")  # no waiting between the keys
        await settle(pilot)
        assert [c.code_id for c in screen.view.own_codings(screen.view.current.id)] == [
            c.id for c in screen.codes if c.key in ("deskundigheid", "informatie")
        ]
    assert codings(settings) == {(2, "deskundigheid", None, None), (2, "informatie", None, None)}


@headless
async def test_quit_and_reopen_shows_every_coding(settings: Settings) -> None:
    async with workbench(settings) as (pilot, screen):
        app = pilot.app
        await press(pilot, "j", "d", "s", "i", "q")
        assert isinstance(app.screen, TranscriptsScreen)
        table = app.screen.query_one("DataTable")
        assert "1/8" in str(table.get_row_at(1)[1])
        await press(pilot, "q")
    assert not app.is_running
    async with workbench(settings) as (pilot, screen):
        app = pilot.app
        shown = {(c.code_id, c.start) for cs in screen.view.codings.values() for c in cs}
        assert len(shown) == 2 and screen.panel.counts


@headless
async def test_blind_by_default_and_others_only_on_request(settings: Settings) -> None:
    db = open_database(settings.db_url)
    with db.session() as s:
        bram = Coder(name="bram")
        s.add(bram)
        s.flush()
        passage = s.scalar(select(Passage).where(Passage.number == 2, Passage.transcript_id == 1))
        code = s.scalar(select(Code).where(Code.key == "empathie"))
        s.add(Coding(passage_id=passage.id, code_id=code.id, coder_id=bram.id))
    db.close()
    async with workbench(settings) as (pilot, screen):
        app = pilot.app
        assert not screen.view.codings
        assert "blind" in screen.query_one("#coding-status").render().plain
        await press(pilot, "v")
        assert {c.coder for cs in screen.view.codings.values() for c in cs} == {"bram"}
        assert "OTHER CODERS SHOWN" in screen.query_one("#coding-status").render().plain
        await press(pilot, "n")  # "uncoded" means uncoded by me, whoever else coded it
        assert screen.view.current.number == 2
        await press(pilot, "v")
        assert not screen.view.codings
    async with workbench(replace(settings, show_others_allowed=False)) as (pilot, screen):
        app = pilot.app
        await press(pilot, "v")
        assert not screen.view.codings and not screen.show_others
    db = open_database(settings.db_url)
    with db.session() as s:
        s.add(Setting(key="forbid_show_others", value="1"))
    db.close()
    async with workbench(settings) as (pilot, screen):
        app = pilot.app
        await press(pilot, "v")
        assert not screen.view.codings
        assert any("blind" in n.message for n in app._notifications)


@headless
async def test_filter_uncoded_and_by_code_and_search(settings: Settings) -> None:
    async with workbench(settings, (120, 40)) as (pilot, screen):
        view = screen.view
        await press(pilot, "j", "d", "j", "j", "d", "f", "down", "enter")  # passages you have not coded
        assert [view.passages[i].number for i in view.rows] == [1, 3, 5, 6, 7, 8]
        await press(
            pilot, "f", "down", "down", "down", "enter"
        )  # all, uncoded, dienstverlening, deskundigheid
        assert [view.passages[i].number for i in view.rows] == [2, 4]
        await press(pilot, "slash")
        await pilot.press(*"website")
        await press(pilot, "enter")
        assert view.current.number == 6 and len(view.rows) == 8  # the filter made way for the hit


@headless
async def test_keys_can_be_remapped_in_settings_and_help_shows_them(settings: Settings) -> None:
    async with workbench(
        replace(settings, keys={"coding.next_uncoded": "N", "coding.pick": "d"}), (120, 40)
    ) as (pilot, screen):
        app = pilot.app
        assert any("Deskundigheid" in n.message for n in app._notifications)  # the clash is reported
        await press(pilot, "N")
        assert screen.view.current.number == 2
        await press(pilot, "d")  # now the picker, not the code Deskundigheid
        assert app.screen.__class__.__name__ == "ChoiceScreen"
        await press(pilot, "escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = help_text(app.screen)
        assert "coding.next_uncoded" in text and "N " in text
        await press(pilot, "escape")
        assert codings(settings) == set()
    with pytest.raises(CodeerError, match="unknown key binding"):
        make_app(replace(settings, keys={"coding.teleport": "t"}))


@headless
async def test_the_coder_is_asked_once_and_remembered(project: Path) -> None:
    settings = make_project(project, coder="")
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"bram", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TranscriptsScreen)
        assert app.coder_name == "bram"
    assert yaml.safe_load((project / "codeer.yaml").read_text())["coder"] == "bram"
    assert read_settings(project).coder == "bram"


@headless
async def test_transcripts_screen_filters_sorts_and_shows_progress(settings: Settings) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("DataTable")
        assert table.row_count == 2
        await press(pilot, "slash")
        await pilot.press(*"vitens")
        await press(pilot, "enter")
        assert table.row_count == 1 and table.has_focus
        await press(pilot, "enter")
        assert isinstance(app.screen, CodingScreen) and app.screen.transcript.key == "vitens-q1"
        await press(pilot, "q")
        await press(pilot, "slash", *["backspace"] * len("vitens"), "enter", "s", "s", "r")
        assert screen.columns[screen.sort_column] == "organisation" and screen.reverse
        assert [table.get_row_at(i)[0] for i in range(2)] == ["vitens-q1", "ret-q2"]


@headless
async def test_help_lists_every_binding_and_the_code_keys(settings: Settings) -> None:
    async with workbench(settings) as (pilot, screen):
        app = pilot.app
        await press(pilot, "question_mark")
        text = help_text(app.screen)
        for binding_id in ("coding.undo", "coding.pick", "select.grow_word", "transcripts.sort"):
            assert binding_id in text
        assert "Deskundigheid" in text
        await press(pilot, "escape")
        assert isinstance(app.screen, CodingScreen)


@headless
async def test_command_palette_offers_the_coding_actions(settings: Settings) -> None:
    async with workbench(settings) as (pilot, screen):
        app = pilot.app
        titles = [c.title for c in app.get_system_commands(screen)]
        assert "Next passage you have not coded" in titles and "Undo your last coding action" in titles
        app.call_later(
            dict(zip(titles, app.get_system_commands(screen), strict=True))["Last passage"].callback
        )
        await settle(pilot)
        assert screen.view.current.number == 8


def test_codeer_without_a_command_opens_the_workbench(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, cli
) -> None:
    opened: list[CodeerApp] = []
    monkeypatch.setattr(CodeerApp, "run", lambda self: opened.append(self))
    assert cli("--coder", "anouk").code == 0
    assert cli("--coder", "anouk", "tui").code == 0
    assert [a.coder_name for a in opened] == ["anouk", "anouk"]
