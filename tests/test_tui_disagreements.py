"""The agreement screen and the disagreement queue, driven by key presses; assertions on the database.

The small study of tui_support, coded by anouk and bram on vitens-q1 (ret-q2 by anouk alone):

    p2  anouk deskundigheid        bram deskundigheid          agree
    p3  anouk deskundigheid        bram informatie             differ
    p5  anouk nabellen             bram -                      differ
    p6  anouk informatie           bram informatie (a span)    agree
    p7  anouk empathie (memo)      bram empathie, informatie   differ
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import OptionList
from tui_support import headless, make_project

from codeer.config import Settings
from codeer.model import Code, Coder, Coding, CodingEvent, Passage, Setting, Settlement, Transcript
from codeer.store.blinding import FORBID_SHOW_OTHERS
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.database import open_database
from codeer.tui.app import make_app
from codeer.tui.screens.agreement import AgreementScreen
from codeer.tui.screens.dialogs import ChoiceScreen, ConfirmScreen
from codeer.tui.screens.disagreements import CodesScreen, DisagreementsScreen
from codeer.tui.screens.transcripts import TranscriptsScreen

SIZE = (110, 32)
CODINGS = [
    (1, "anouk", 2, "deskundigheid", None, ""),
    (1, "bram", 2, "deskundigheid", None, ""),
    (1, "anouk", 3, "deskundigheid", None, ""),
    (1, "bram", 3, "informatie", None, ""),
    (1, "anouk", 5, "nabellen", None, ""),
    (1, "anouk", 6, "informatie", None, ""),
    (1, "bram", 6, "informatie", (0, 22), ""),
    (1, "anouk", 7, "empathie", None, "voelt oprecht"),
    (1, "bram", 7, "empathie", None, ""),
    (1, "bram", 7, "informatie", None, ""),
    (2, "anouk", 2, "empathie", None, ""),
]


@pytest.fixture
def settings(project: Path) -> Settings:
    return coded_project(project)


def coded_project(project: Path) -> Settings:
    """The small study with the codings above."""
    settings = make_project(project)
    db = open_database(settings.db_url)
    try:
        with db.session() as session:
            codes = dict(session.execute(select(Code.key, Code.id)).all())
            passages = {
                (t, n): pid
                for pid, t, n in session.execute(
                    select(Passage.id, Transcript.key, Passage.number).join(Transcript)
                )
            }
            for transcript, coder, number, code, span, memo in CODINGS:
                key = ("vitens-q1", "ret-q2")[transcript - 1]
                who = get_or_create_coder(session, coder).id
                start, end = span or (None, None)
                apply_coding(session, CodingKey(passages[key, number], codes[code], who, start, end), memo)
    finally:
        db.close()
    return settings


def consensus(settings: Settings) -> set[tuple[int, str]]:
    """(passage number, code key) of the consensus coder's codings."""
    db = open_database(settings.db_url)
    try:
        with db.session() as session:
            rows = session.execute(
                select(Passage.number, Code.key)
                .select_from(Coding)
                .join(Passage, Passage.id == Coding.passage_id)
                .join(Code, Code.id == Coding.code_id)
                .join(Coder, Coder.id == Coding.coder_id)
                .where(Coder.name == "consensus")
            )
            return {tuple(r) for r in rows}
    finally:
        db.close()


def settlements(settings: Settings) -> list[tuple[int, str, str]]:
    db = open_database(settings.db_url)
    try:
        with db.session() as session:
            rows = session.execute(
                select(Passage.number, Settlement.choice, Settlement.note)
                .join(Passage, Passage.id == Settlement.passage_id)
                .order_by(Passage.number)
            )
            return [tuple(r) for r in rows]
    finally:
        db.close()


async def wait(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.app.queue.idle()
    await pilot.pause()


async def press(pilot: Pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await wait(pilot)


async def agreement(pilot: Pilot) -> AgreementScreen:
    """From the transcripts list, ``a`` then ``y`` (yes, show other coders) opens the agreement screen."""
    await wait(pilot)
    assert isinstance(pilot.app.screen, TranscriptsScreen)
    await press(pilot, "a")
    assert isinstance(pilot.app.screen, ConfirmScreen)  # blind by default: asked first
    await press(pilot, "y")
    screen = pilot.app.screen
    assert isinstance(screen, AgreementScreen) and screen.report is not None
    return screen


@headless
async def test_agreement_table_then_settle_the_queue_with_one_key_each(settings: Settings) -> None:
    async with make_app(settings).run_test(size=SIZE) as pilot:
        screen = await agreement(pilot)
        assert screen.report.coders == ("anouk", "bram")
        refs = [row.code.key if row.code else "ALL" for row in screen.report.rows]
        assert refs == ["deskundigheid", "informatie", "empathie", "nabellen", "ALL"]
        assert screen.report.rows[-1].disagreements == 4  # p3 twice, p5, p7

        await press(pilot, "d")
        queue = pilot.app.screen
        assert isinstance(queue, DisagreementsScreen)
        assert [d.number for d in queue.items] == [3, 5, 7]
        await press(pilot, "1")  # p3: keep anouk
        assert consensus(settings) == {(3, "deskundigheid")}
        assert [d.number for d in queue.items] == [5, 7]
        await press(pilot, "n")  # p5: neither
        await press(pilot, "c")
        await pilot.press(*"beide kloppen")
        await press(pilot, "enter", "b")  # p7: both, with a note
        assert queue.items == []
        assert consensus(settings) == {(3, "deskundigheid"), (7, "empathie"), (7, "informatie")}
        assert settlements(settings) == [
            (3, "keep anouk", ""),
            (5, "neither", ""),
            (7, "both", "beide kloppen"),
        ]
        await press(pilot, "q")
        assert pilot.app.screen is screen
        await press(pilot, "q")
        assert isinstance(pilot.app.screen, TranscriptsScreen)
    db = open_database(settings.db_url)
    try:
        with db.session() as session:
            notes = session.scalars(select(CodingEvent.note).where(CodingEvent.action == "settle")).all()
    finally:
        db.close()
    assert sorted(notes) == ["", "beide kloppen", "beide kloppen"]


@headless
async def test_enter_on_a_code_opens_its_disagreements_and_skipping_and_keeping_bram(
    settings: Settings,
) -> None:
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await agreement(pilot)
        await press(pilot, "down", "enter")  # informatie: p3 (bram) and p7 (bram)
        queue = pilot.app.screen
        assert isinstance(queue, DisagreementsScreen) and queue.code_name == "Kwaliteit van informatie"
        assert [d.number for d in queue.items] == [3, 7]
        await press(pilot, "j", "2")  # skip p3, keep bram on p7
        assert consensus(settings) == {(7, "empathie"), (7, "informatie")}
        assert [d.number for d in queue.items] == [3]


@headless
async def test_edit_chooses_the_codes(settings: Settings) -> None:
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await agreement(pilot)
        await press(pilot, "d", "e")
        dialog = pilot.app.screen
        assert isinstance(dialog, CodesScreen)
        # p3: anouk deskundigheid, bram informatie: nothing they agree on starts ticked
        assert dialog.ticked == set()
        assert lines(dialog)[dialog_index(dialog, "informatie")].endswith("by bram")
        await press(pilot, "space")  # the first code in the list (dienstverlening) on
        await press(pilot, "down", "down", "space", "space")  # informatie on and off again
        marks = [line[:3] for line in lines(dialog)]
        assert marks[0] == "[x]" and marks.count("[x]") == 1 and marks.count("[ ]") == len(marks) - 1
        await press(pilot, "ctrl+s")
        assert consensus(settings) == {(3, "dienstverlening")}
        assert settlements(settings) == [(3, "edit", "")]


def lines(dialog: CodesScreen) -> list[str]:
    """The edit list as it reads in monochrome: the characters of every line."""
    options = dialog.query_one(OptionList)
    return [options.get_option_at_index(i).prompt.plain for i in range(options.option_count)]


def dialog_index(dialog: CodesScreen, key: str) -> int:
    return next(i for i, c in enumerate(dialog.codes) if c.key == key)


@headless
async def test_the_queue_refuses_to_open_where_blind_coding_is_enforced(settings: Settings) -> None:
    async with make_app(replace(settings, show_others_allowed=False)).run_test(size=SIZE) as pilot:
        await wait(pilot)
        screen = pilot.app.screen
        await press(pilot, "a")
        assert pilot.app.screen is screen  # neither asked nor shown
        assert any("codes blind" in n.message for n in pilot.app._notifications)
        await press(pilot, "1")
    assert consensus(settings) == set() and settlements(settings) == []


@headless
async def test_a_blind_coder_is_asked_before_others_codes_are_shown(settings: Settings) -> None:
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await wait(pilot)
        await press(pilot, "a")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert isinstance(pilot.app.screen, TranscriptsScreen) and not pilot.app.others_shown
        pilot.app.push_screen(DisagreementsScreen(("anouk", "bram")))  # even reached another way
        await wait(pilot)
        assert isinstance(pilot.app.screen, TranscriptsScreen)
        screen = await agreement(pilot)
        assert "OTHER CODERS SHOWN" in screen.query_one("#agreement-title").render().plain
        await press(pilot, "d")
        assert "OTHER CODERS SHOWN" in pilot.app.screen.query_one("#disagreements-title").render().plain


@headless
async def test_the_table_can_be_limited_to_a_pair_of_coders(settings: Settings) -> None:
    db = open_database(settings.db_url)
    try:
        with db.session() as session:  # a third coder, so that a pair is a real choice
            carla = Coder(name="carla")
            session.add(carla)
            session.flush()
            coding = session.scalars(select(Coding)).first()
            session.add(Coding(passage_id=coding.passage_id, code_id=coding.code_id, coder_id=carla.id))
    finally:
        db.close()
    async with make_app(settings).run_test(size=SIZE) as pilot:
        screen = await agreement(pilot)
        assert screen.report.coders == ("anouk", "bram", "carla")
        await press(pilot, "c")
        choices = pilot.app.screen
        assert isinstance(choices, ChoiceScreen)
        assert [label for _, label in choices.choices] == [
            "All coders",
            "anouk and bram",
            "anouk and carla",
            "bram and carla",
        ]
        await press(pilot, "down", "down", "enter")
        assert pilot.app.screen is screen and screen.report.coders == ("anouk", "carla")
        await press(pilot, "d")
        assert pilot.app.screen.coders == ("anouk", "carla")


@headless
async def test_the_queue_refuses_where_the_database_forbids_showing_others(settings: Settings) -> None:
    db = open_database(settings.db_url)
    try:
        with db.session() as session:
            session.add(Setting(key=FORBID_SHOW_OTHERS, value="true"))
    finally:
        db.close()
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await wait(pilot)
        screen = pilot.app.screen
        await press(pilot, "a", "y")
        assert pilot.app.screen is screen
    assert settlements(settings) == []
