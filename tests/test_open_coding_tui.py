"""Open coding in the workbench, driven by key presses: codes made from passages and selections, the codebook
screen's merge, split, delete and undo, and a code's definition and memo edited; asserted on the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from db_state import codebook_state
from sqlalchemy import select
from test_tui_app import SIZE, codings, press, rows, settle, workbench
from tui_support import TURNS, add_transcript, headless, make_project

from codeer.config import Settings
from codeer.model import Code, Codebook, CodebookEvent, Memo
from codeer.store.database import open_database
from codeer.tui.app import make_app
from codeer.tui.screens.codebook import CodebookScreen
from codeer.tui.screens.new_code import EditCodeScreen, NewCodeScreen


@pytest.fixture
def bare(project: Path) -> Settings:
    """A project with transcripts and no codebook at all."""
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    try:
        add_transcript(db, "vitens-q1", TURNS, organisation="Vitens", quadrant="Q1")
        add_transcript(db, "ret-q2", TURNS[:4], organisation="RET", quadrant="Q2")
    finally:
        db.close()
    return Settings(project=project, coder="anouk")


@headless
async def test_the_first_code_makes_a_codebook_and_is_applied_in_the_same_action(bare: Settings) -> None:
    async with workbench(bare) as (pilot, screen):
        await press(pilot, "j", "ctrl+k")
        assert isinstance(pilot.app.screen, NewCodeScreen)
        await pilot.press(*"Werkt gewoon")
        await press(pilot, "enter")
        assert not isinstance(pilot.app.screen, NewCodeScreen)
        assert rows(bare, select(Codebook.key)) == [("codes",)]
        assert codings(bare) == {(2, "werkt-gewoon", None, None)}
        assert [c.key for c in screen.codes] == ["werkt-gewoon"]
        await press(pilot, "u")  # one undo takes back the code with its coding, and the codebook it made
        assert codings(bare) == set() and rows(bare, select(Codebook.key)) == []
        assert screen.codes == []
        await press(pilot, "u")  # nothing older to undo
        assert codings(bare) == set()
    assert rows(bare, select(CodebookEvent.action, CodebookEvent.code_key)) == [
        ("add", "werkt-gewoon"),
        ("undo", "werkt-gewoon"),
    ]


@headless
async def test_a_selection_is_offered_as_the_name_and_the_new_hotkey_works_at_once(bare: Settings) -> None:
    async with workbench(bare) as (pilot, screen):
        await press(pilot, "j", "j", "s")  # passage 3, its first sentence selected
        start, end = screen.view.selection
        await press(pilot, "ctrl+k")
        form = pilot.app.screen
        assert form.query_one("#new-name").value == "Ik wil iemand die verstand van zaken heeft"
        await press(pilot, "tab", "tab", "w", "tab")
        await pilot.press(*"Deskundig personeel")
        await press(pilot, "enter")
        key = "ik-wil-iemand-die-verstand-van-zaken-heeft"
        assert codings(bare) == {(3, key, start, end)}
        assert rows(bare, select(Code.hotkey, Code.definition)) == [("w", "Deskundig personeel")]
        await press(pilot, "j", "w")  # the new hotkey applies the code to passage 4
        assert (4, key, None, None) in codings(bare)
        await press(pilot, "u")  # and the coding undo takes that back
        assert codings(bare) == {(3, key, start, end)}


@headless
async def test_a_refused_code_keeps_the_form_open_with_the_reason(project: Path) -> None:
    settings = make_project(project)
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "ctrl+k")
        await pilot.press(*"Nieuw")
        await press(pilot, "tab", "tab", "d", "enter")  # d is Deskundigheid's key
        form = pilot.app.screen
        assert isinstance(form, NewCodeScreen)
        assert "taken by 'deskundigheid'" in str(form.query_one("#new-error").render())
        assert not rows(settings, select(Code.id).where(Code.key == "nieuw"))


@headless
async def test_the_parent_is_chosen_by_typing(project: Path) -> None:
    settings = make_project(project)
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "ctrl+k")
        await pilot.press(*"Terugbellen")
        await press(pilot, "tab")
        await pilot.press(*"goede dienst")
        await press(pilot, "enter")
        await press(pilot, "j", "ctrl+k")
        await pilot.press(*"Doorverwezen")
        await press(pilot, "tab", "down", "down", "enter")  # top level, dienstverlening, deskundigheid
    parent = rows(settings, select(Code.id).where(Code.key == "dienstverlening"))[0][0]
    assert rows(settings, select(Code.parent_id).where(Code.key == "terugbellen")) == [(parent,)]
    parent = rows(settings, select(Code.id).where(Code.key == "deskundigheid"))[0][0]
    assert rows(settings, select(Code.parent_id).where(Code.key == "doorverwezen")) == [(parent,)]


async def _codebook_screen(pilot) -> CodebookScreen:
    await press(pilot, "ctrl+g")
    screen = pilot.app.screen
    assert isinstance(screen, CodebookScreen)
    return screen


async def _highlight(pilot, screen: CodebookScreen, key: str) -> None:
    code_id = next(c.id for c in screen.codes if c.key == key)
    screen.code_tree.move_cursor(screen.code_nodes[code_id])
    await settle(pilot)


@headless
async def test_merge_in_the_codebook_screen_and_undo_restores_exactly(project: Path) -> None:
    settings = make_project(project)
    async with workbench(settings) as (pilot, coding):
        await press(pilot, "j", "d", "i", "j", "i")  # #2 deskundigheid + informatie, #3 informatie
        before = snapshot(settings)
        screen = await _codebook_screen(pilot)
        await _highlight(pilot, screen, "informatie")
        await press(pilot, "m")
        await pilot.press(*"deskundigheid")
        await press(pilot, "enter")
        assert codings(settings) == {(2, "deskundigheid", None, None), (3, "deskundigheid", None, None)}
        assert not rows(settings, select(Code.id).where(Code.key == "informatie"))
        await press(pilot, "u")
        assert snapshot(settings) == before
        await press(pilot, "q")
        assert {c.key for c in coding.codes} >= {"informatie", "deskundigheid"}
    assert [a for (a,) in rows(settings, select(CodebookEvent.action).order_by(CodebookEvent.id))] == [
        "merge",
        "undo",
    ]


@headless
async def test_split_moves_the_marked_quotes_to_a_new_code(project: Path) -> None:
    settings = make_project(project)
    async with workbench(settings) as (pilot, coding):
        await press(pilot, "j", "e", "j", "e", "j", "e")  # empathie on #2, #3, #4
        screen = await _codebook_screen(pilot)
        await _highlight(pilot, screen, "empathie")
        await press(pilot, "s", "down", "space", "enter")  # mark the second quote (#3)
        await press(pilot, "enter")  # "(a new code…)"
        await pilot.press(*"Luisteren")
        await press(pilot, "enter")
        assert codings(settings) == {
            (2, "empathie", None, None),
            (3, "luisteren", None, None),
            (4, "empathie", None, None),
        }
        await press(pilot, "escape")
        assert any(c.key == "luisteren" for c in coding.codes)


@headless
async def test_delete_asks_first_when_the_code_has_codings(project: Path) -> None:
    settings = make_project(project)
    async with workbench(settings) as (pilot, coding):
        await press(pilot, "j", "1")
        screen = await _codebook_screen(pilot)
        await _highlight(pilot, screen, "nabellen")
        await press(pilot, "d", "enter")  # the first choice keeps it
        assert codings(settings) == {(2, "nabellen", None, None)}
        await press(pilot, "d", "down", "enter")
        assert codings(settings) == set()
        assert not rows(settings, select(Code.id).where(Code.key == "nabellen"))
        await press(pilot, "u")
        assert codings(settings) == {(2, "nabellen", None, None)}


@headless
async def test_definition_rules_examples_and_memo_are_edited_from_the_definition_view(project: Path) -> None:
    settings = make_project(project)
    async with workbench(settings) as (pilot, coding):
        await press(pilot, "r", "tab")  # rules shown, focus on the codebook
        coding.panel.highlight(next(c.id for c in coding.codes if c.key == "empathie"))
        await press(pilot, "ctrl+e")
        form = pilot.app.screen
        assert isinstance(form, EditCodeScreen)
        form.query_one("#edit-definition").text = "Gemeend begrip."
        form.query_one("#edit-examples").text = "Ze luisterden echt.\nDat voelde oprecht."
        form.query_one("#edit-memo").text = "Hangt samen met luisteren?"
        await press(pilot, "ctrl+s")
        code = next(c for c in coding.codes if c.key == "empathie")
        assert code.definition == "Gemeend begrip."
        shown = str(coding.panel.query_one("#code-rules-text").render())
        assert "Gemeend begrip." in shown and "Memo: Hangt samen met luisteren?" in shown
    assert rows(settings, select(Code.definition, Code.examples).where(Code.key == "empathie")) == [
        ("Gemeend begrip.", ["Ze luisterden echt.", "Dat voelde oprecht."])
    ]
    assert rows(settings, select(Memo.text).where(Memo.code_id.is_not(None))) == [
        ("Hangt samen met luisteren?",)
    ]
    assert [a for (a,) in rows(settings, select(CodebookEvent.action).order_by(CodebookEvent.id))] == [
        "edit",
        "memo",
    ]


@headless
async def test_the_codebook_screen_opens_from_the_transcripts_list_and_finds_codes_by_memo(
    project: Path,
) -> None:
    settings = make_project(project)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        screen = pilot.app.screen
        assert isinstance(screen, CodebookScreen)
        await _highlight(pilot, screen, "nabellen")
        await press(pilot, "e")
        pilot.app.screen.query_one("#edit-memo").text = "Vaak bij de gemeente"
        await press(pilot, "ctrl+s")
        await press(pilot, "slash")
        await pilot.press(*"gemeente")
        await press(pilot, "enter")
        assert list(screen.code_nodes) == [next(c.id for c in screen.codes if c.key == "nabellen")]
        assert "Memo: Vaak bij de gemeente" in str(screen.query_one("#codebook-detail-text").render())
    assert rows(
        settings, select(Memo.text).join(Code, Code.id == Memo.code_id).where(Code.key == "nabellen")
    ) == [("Vaak bij de gemeente",)]


def snapshot(settings: Settings) -> tuple:
    """What undo must give back (see db_state.codebook_state)."""
    db = open_database(settings.db_url)
    try:
        return codebook_state(db)
    finally:
        db.close()
