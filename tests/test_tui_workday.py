"""A full day of coding in the workbench (issue 21): nothing typed is lost, no key acts on a stale view, a
moved database is said loudly, long turns are reachable by keyboard, remaps and blinding tell the truth.

Driven headlessly with Pilot; every assertion that matters is on the database.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from rich.text import Text
from sqlalchemy import select, update
from test_tui_app import codings, press, rows, settle, workbench
from tui_support import TURNS, add_codebook, add_transcript, headless, make_project

from codeer.config import Settings
from codeer.errors import CodeerError
from codeer.model import Code, Coder, Coding, CodingEvent, Memo, Passage
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.database import open_database
from codeer.tui.app import make_app
from codeer.tui.screens.coding import CodingScreen
from codeer.tui.screens.dialogs import ChoiceScreen, CoderPrompt, MemoScreen
from codeer.tui.screens.help import HelpScreen
from codeer.tui.screens.transcripts import TranscriptsScreen
from codeer.tui.widgets.key_bar import KeyBar
from codeer.tui.wrap import shown_name

SIZE = (80, 24)


@pytest.fixture
def settings(project: Path) -> Settings:
    return make_project(project)


def others_apply(settings: Settings, coder: str, number: int, code_key: str) -> None:
    """Another window (or process) puts a code on vitens-q1's passage ``number``."""
    db = open_database(settings.db_url)
    try:
        with db.session() as s:
            who = get_or_create_coder(s, coder).id
            passage = s.scalar(select(Passage.id).where(Passage.transcript_id == 1, Passage.number == number))
            code = s.scalar(select(Code.id).where(Code.key == code_key))
            apply_coding(s, CodingKey(passage, code, who), note="workbench")
    finally:
        db.close()


# -- 1. typed text is never dropped -------------------------------------------------------------------------


@headless
async def test_memo_drafts_of_every_target_are_saved(settings: Settings) -> None:
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "j", "d", "m")
        dialog = pilot.app.screen
        assert isinstance(dialog, MemoScreen)
        await press(pilot, "tab", "down", "tab")  # the target list: the code; then the text
        await pilot.press(*"code memo")
        await press(pilot, "shift+tab", "up", "tab")  # back to the passage
        await pilot.press(*"passage memo")
        await press(pilot, "ctrl+s")
        assert not isinstance(pilot.app.screen, MemoScreen)
    assert rows(settings, select(Coding.memo).where(Coding.memo != "")) == [("code memo",)]
    assert rows(settings, select(Memo.text)) == [("passage memo",)]


# -- 2. a key acts on what the screen shows -----------------------------------------------------------------


@headless
async def test_a_key_applies_what_the_screen_does_not_show_even_if_another_window_did(
    settings: Settings,
) -> None:
    async with workbench(settings) as (pilot, screen):
        screen.feed = None  # this window has not seen the other's change yet
        await press(pilot, "j")
        others_apply(settings, "anouk", 2, "deskundigheid")  # window A, same coder
        assert not screen.view.own_codings(screen.view.current.id)
        await press(pilot, "d")  # window B means: apply
        assert codings(settings) == {(2, "deskundigheid", None, None)}  # still there, not removed
        assert [c.code_id for c in screen.view.own_codings(screen.view.current.id)]  # now shown
        assert any("already" in n.message for n in pilot.app._notifications)
        await press(pilot, "d")  # what it shows now: remove
        assert codings(settings) == set()
        others_apply(settings, "anouk", 2, "deskundigheid")
        others_apply(settings, "anouk", 2, "deskundigheid")  # idempotent elsewhere too
        assert codings(settings) == {(2, "deskundigheid", None, None)}


# -- 3. a database moved away is said loudly ----------------------------------------------------------------


@headless
async def test_writes_refused_loudly_when_the_database_file_was_moved(
    settings: Settings, tmp_path: Path
) -> None:
    path = settings.project / "codeer.db"
    moved = tmp_path / "elsewhere.db"
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "j", "d")
        path.rename(moved)
        for extra in ("-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        await press(pilot, "j", "i")
        assert not screen.view.own_codings(screen.view.current.id)  # not shown as saved
        errors = [n.message for n in pilot.app._notifications if n.severity == "error"]
        assert any("is gone" in m and str(path) in m for m in errors)
    assert not path.exists()  # no empty new database either
    db = open_database(f"sqlite:///{moved}")
    try:
        with db.session() as s:
            assert s.scalar(select(Coding.id).join(Code).where(Code.key == "informatie")) is None
    finally:
        db.close()


@headless
async def test_a_database_replaced_by_another_file_is_refused(settings: Settings, tmp_path: Path) -> None:
    path = settings.project / "codeer.db"
    async with workbench(settings) as (pilot, screen):
        copy = tmp_path / "copy.db"
        copy.write_bytes(path.read_bytes())
        os.replace(copy, path)  # a sync tool puts its copy in place
        await press(pilot, "d")
        assert any("was replaced" in n.message for n in pilot.app._notifications)
    assert codings(settings) == set()


# -- 4. long turns ------------------------------------------------------------------------------------------


def long_turn_project(folder: Path) -> Settings:
    db = open_database(f"sqlite:///{folder / 'codeer.db'}")
    monologue = " ".join(f"Zin nummer {n} gaat over de dienstverlening van de gemeente." for n in range(400))
    try:
        add_codebook(db)
        add_transcript(db, "lang", [TURNS[0], ("Chris", monologue), TURNS[1]])
    finally:
        db.close()
    return Settings(project=folder, coder="anouk")


@headless
async def test_the_view_follows_the_selection_and_pages_within_a_long_turn(project: Path) -> None:
    settings = long_turn_project(project)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "j")
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen)
        view = screen.view
        height = view.scrollable_content_region.height
        assert view._heights[view.cursor] > 10 * height  # a passage of many screens

        def visible(lines: tuple[int, int]) -> bool:
            y = view.scroll_offset.y
            return y <= lines[0] and lines[1] <= y + height - 1

        await press(pilot, "s")
        for _ in range(60):  # far down the turn, one sentence at a time
            await press(pilot, "right")
            assert visible(view.selection_lines())
        await press(pilot, "d")
        ((start, end),) = [(c.start, c.end) for c in view.own_codings(view.current.id)]
        text = view.current.text
        assert text[start:end].startswith("Zin nummer 60 ")
        await press(pilot, "escape")

        await press(pilot, "g", "j")
        top = view.scroll_offset.y
        number = view.current.number
        await press(pilot, "pagedown")
        assert view.current.number == number and view.scroll_offset.y > top  # within the turn
        await press(pilot, "pagedown", "pageup", "pageup")
        assert view.current.number == number and view.scroll_offset.y == view._starts[view.cursor]
        for _ in range(view._heights[view.cursor] // (height - 1) + 3):
            if view.current.number != number:
                break
            last_y = view.scroll_offset.y
            await press(pilot, "pagedown")
        assert view.current.number == number + 1  # past its end, on to the next passage
        assert last_y == view._extent()[1] - height + 1 or last_y >= view._starts[view.cursor - 1]


@headless
async def test_a_chip_row_that_wraps_keeps_the_current_passage_in_view(settings: Settings) -> None:
    async with workbench(settings, (60, 20)) as (pilot, screen):
        view = screen.view
        await press(pilot, "G")
        for key in ("d", "i", "e", "1"):  # chips enough to wrap in 60 columns
            await press(pilot, key)
        first, last = view._extent()
        y, height = view.scroll_offset.y, view.scrollable_content_region.height
        assert y <= first and last <= y + height - 1


@headless
async def test_the_first_frame_of_an_opened_transcript_shows_its_text(settings: Settings) -> None:
    app = make_app(settings)
    frames: list[str] = []
    display = app._display

    def watched(screen, renderable) -> None:  # what the terminal is sent, frame by frame
        if isinstance(screen, CodingScreen) and renderable is not None and not frames:
            codes = renderable.render_segments(app.console)
            frames.append(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", codes))
        display(screen, renderable)

    app._display = watched
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
    assert "Welkom allemaal" in frames[0] and "Deskundigheid" in frames[0]


# -- the j+hotkey rhythm under a slow database ---------------------------------------------------------------


@headless
async def test_j_and_a_code_key_typed_while_commits_wait_land_on_the_intended_passages(
    settings: Settings,
) -> None:
    path = settings.project / "codeer.db"
    async with workbench(settings) as (pilot, screen):
        screen.feed = None
        blocker = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock: commits must wait
        release = threading.Timer(1.0, blocker.execute, ("COMMIT",))
        release.start()
        await pilot.press("j", "d", "j", "i", "j", "d", "j", "1", "j", "e", "k", "d")
        await settle(pilot)
        release.join()
        blocker.close()
        await settle(pilot)
        assert screen.view.current.number == 5
    assert codings(settings) == {
        (2, "deskundigheid", None, None),
        (3, "informatie", None, None),
        (4, "deskundigheid", None, None),
        (5, "nabellen", None, None),
        (6, "empathie", None, None),
        (5, "deskundigheid", None, None),
    }
    # each once: six applies in the history, nothing applied twice, removed or put on another passage
    assert sorted(rows(settings, select(CodingEvent.action, CodingEvent.passage_number))) == [
        ("apply", 2), ("apply", 3), ("apply", 4), ("apply", 5), ("apply", 5), ("apply", 6)
    ]  # fmt: skip


# -- 6. remapped keys tell the truth ------------------------------------------------------------------------


@headless
async def test_a_remap_onto_a_code_key_is_shown_as_such_everywhere(settings: Settings) -> None:
    remapped = replace(settings, keys={"coding.undo": "e"})
    async with workbench(remapped) as (pilot, screen):
        label = next(
            node.label.plain
            for node in screen.panel._code_nodes.values()
            if "Oprechte empathie" in node.label.plain
        )
        assert not label.strip().startswith("e ")
        await press(pilot, "question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        assert ("e", "empathie") not in [(k, c.key) for k, c in pilot.app.screen.hotkeys]
        assert ("d", "deskundigheid") in [(k, c.key) for k, c in pilot.app.screen.hotkeys]


@headless
async def test_the_key_bar_shows_the_keys_in_force_and_a_click_presses_one(settings: Settings) -> None:
    remapped = replace(settings, keys={"coding.next_uncoded": "N"})
    async with workbench(remapped) as (pilot, screen):
        bar = screen.query_one(KeyBar)
        line = str(bar.render())
        assert "N Next uncoded" in line and "n Next uncoded" not in line and "? Help" in line
        assert screen.view.current.number == 1
        at = line.index("N Next uncoded")
        await pilot.click(KeyBar, offset=(at + 1, 0))
        await settle(pilot)
        assert screen.view.current.number == 2  # the first passage that is not the moderator's, uncoded


def test_a_key_name_that_is_no_key_is_refused(settings: Settings) -> None:
    with pytest.raises(CodeerError, match="ctrl\\+shift\\+zz"):
        make_app(replace(settings, keys={"coding.undo": "ctrl+shift+zz"}))
    make_app(replace(settings, keys={"coding.undo": "ctrl+z", "coding.redo": "ctrl+shift+z,f2"}))


# -- 8. the smaller ones ------------------------------------------------------------------------------------


@headless
async def test_the_first_start_prompt_refuses_consensus_and_a_blank_name(settings: Settings) -> None:
    async with make_app(replace(settings, coder="")).run_test(size=SIZE) as pilot:
        await settle(pilot)
        prompt = pilot.app.screen
        assert isinstance(prompt, CoderPrompt)
        await press(pilot, "enter")
        assert pilot.app.screen is prompt
        assert "needed" in prompt.query_one("#coder-help").render().plain
        await pilot.press(*"consensus")
        await press(pilot, "enter")
        assert pilot.app.screen is prompt
        assert "settled" in prompt.query_one("#coder-help").render().plain
    assert rows(settings, select(Coder.name)) == []


@headless
async def test_the_transcripts_list_moves_with_j_k_and_end_goes_to_the_last(settings: Settings) -> None:
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, TranscriptsScreen)
        await press(pilot, "j")
        assert screen._selected_key() == 1  # vitens-q1, second by key
        await press(pilot, "k")
        assert screen._selected_key() == 2
        await press(pilot, "end")
        assert screen._selected_key() == 1 and screen.query_one("#transcripts-table").scroll_x == 0
        await press(pilot, "home", "G")
        assert screen._selected_key() == 1


@headless
async def test_search_finds_words_apart_and_near_spellings_and_shows_them(settings: Settings) -> None:
    async with workbench(settings, (120, 40)) as (pilot, screen):

        async def found(query: str) -> list[tuple[str, set[str]]]:
            await press(pilot, "slash")
            await pilot.press(*query)
            await settle(pilot)
            dialog = pilot.app.screen
            assert isinstance(dialog, ChoiceScreen)
            shown = []
            for _, label in dialog._shown:
                assert isinstance(label, Text)
                marked = {label.plain[s.start : s.end] for s in label.spans if "underline" in str(s.style)}
                shown.append((label.plain.split(" ")[0], marked))
            return shown

        assert await found("wil terugbellen") == [("#5", {"wil", "terugbellen"})]  # not adjacent
        await press(pilot, "escape")
        assert await found("terugbelen") == [("#5", {"terugbellen"})]  # a typo: the word it found
        await press(pilot, "enter")
        assert screen.view.current.number == 5


@headless
async def test_x_lists_span_codings_by_their_words(settings: Settings) -> None:
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "j", "s", "d", "x")
        dialog = pilot.app.screen
        assert isinstance(dialog, ChoiceScreen)
        assert [label for _, label in dialog.choices] == ["Deskundigheid  “Dat het gewoon werkt.”"]


@headless
async def test_the_title_keeps_the_coder_at_80_columns(settings: Settings) -> None:
    async with workbench(settings) as (pilot, screen):
        title = screen.query_one("#coding-title")
        assert "anouk" in title.render().plain[: title.size.width]


def test_names_drop_zero_width_joiners() -> None:
    assert shown_name("Boos 👩\u200d💻\ufe0f") == "Boos 👩💻"


@headless
async def test_a_zwj_emoji_in_a_code_name_reaches_no_panel_or_chip(settings: Settings) -> None:
    db = open_database(settings.db_url)
    try:
        with db.session() as s:
            s.execute(update(Code).where(Code.key == "empathie").values(name="Boos 👩\u200d💻\ufe0f"))
    finally:
        db.close()
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "j", "e")
        tree = screen.panel.code_tree
        view = screen.view
        drawn = [tree.render_line(y) for y in range(tree.size.height)]
        drawn += [view.render_line(y) for y in range(view.size.height)]
        assert any("👩💻" in strip.text for strip in drawn)  # the name is there, in the panel and the chip
        assert not any("\u200d" in strip.text or "\ufe0f" in strip.text for strip in drawn)


# -- 22: restore and start-up failures ----------------------------------------------------------------------


@headless
async def test_restore_refuses_while_a_workbench_is_open(settings: Settings) -> None:
    from conftest import run_cli

    assert run_cli(settings.project, "backup").code == 0
    (backup,) = (settings.project / "backups").glob("*.db")
    async with workbench(settings) as (pilot, screen):
        result = run_cli(settings.project, "restore", backup.name)
        assert result.code == 2 and "workbench" in result.err and "Traceback" not in result.err
        await press(pilot, "j", "d")
    assert codings(settings) == {(2, "deskundigheid", None, None)}  # nothing restored over it
    assert run_cli(settings.project, "restore", backup.name).code == 0  # closed: restore goes ahead
    assert codings(settings) == set()


@headless
async def test_a_workbench_notices_a_database_restored_under_it(settings: Settings, tmp_path: Path) -> None:
    from codeer.store.backup import restore_backup

    backup = tmp_path / "before.db"
    with sqlite3.connect(settings.project / "codeer.db") as src, sqlite3.connect(backup) as dst:
        src.backup(dst)
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "j", "d")
        screen.poll()
        await settle(pilot)
        restore_backup(backup, settings.project / "codeer.db")  # forced past the refusal
        screen.poll()
        await settle(pilot)
        assert any("replaced" in n.message for n in pilot.app._notifications)
        assert not screen.view.codings  # what the restored database holds
        await press(pilot, "j", "d")  # and the next key does what the screen shows
    assert codings(settings) == {(2, "deskundigheid", None, None)}


@pytest.mark.parametrize(
    "damage",
    ["damaged", "read-only", "long name", "consensus"],
)
def test_start_up_failures_are_one_line_and_status_2(settings: Settings, damage: str, tmp_path: Path) -> None:
    from conftest import run_cli

    path = settings.project / "codeer.db"
    coder = "nieuwe-coder"
    args: list[str] = []
    if damage == "damaged":
        data = bytearray(path.read_bytes())
        data[0:16] = b"not a database!!"
        path.write_bytes(bytes(data))
    elif damage == "read-only":
        url = f"sqlite:///file:{path}?mode=ro&uri=true"
        (settings.project / "codeer.yaml").write_text(f"db: '{url}'\n", encoding="utf-8")
    elif damage == "long name":
        coder = "x" * 201
    else:
        coder = "consensus"
    result = run_cli(settings.project, "--coder", coder, *args, "tui")
    assert result.code == 2, result
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1, result.err
    assert "Welkom" not in result.err + result.out
