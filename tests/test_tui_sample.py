"""The workbench on the bundled sample study, as a new user meets it with ``make run``."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select
from tui_support import headless

from codeer.config import read_settings
from codeer.model import Code, Coder, Coding, Passage, Transcript
from codeer.store.database import open_database
from codeer.tui.app import make_app
from codeer.tui.screens.coding import CodingScreen
from codeer.tui.screens.transcripts import TranscriptsScreen


async def settle(pilot) -> None:
    await pilot.app.queue.idle()
    await pilot.pause()


def count(project: Path, coder: str) -> int:
    db = open_database(read_settings(project).db_url)
    try:
        with db.session() as s:
            return s.scalar(select(func.count()).select_from(Coding).join(Coder).where(Coder.name == coder))
    finally:
        db.close()


@headless
async def test_a_new_coder_codes_the_sample_blind_and_finds_it_after_reopening(sample_project: Path) -> None:
    settings = read_settings(sample_project, coder="carla")
    async with make_app(settings).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, TranscriptsScreen) and len(screen.rows) == 16
        await pilot.press("slash", *"vitens-q1", "enter", "enter")
        await settle(pilot)
        coding = pilot.app.screen
        assert isinstance(coding, CodingScreen) and coding.transcript.key == "vitens-q1"
        assert not coding.view.codings  # anouk and bram coded this transcript, carla sees none of it
        assert coding.active_book == "persoonlijke-dienstverlening"
        for key in ("n", "d", "n", "i", "p", *"empathie", "enter"):
            await pilot.press(key)
            await settle(pilot)
        assert count(sample_project, "carla") == 3
    async with make_app(settings).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"vitens-q1", "enter", "enter")
        await settle(pilot)
        view = pilot.app.screen.view
        assert sum(len(v) for v in view.codings.values()) == 3
        await pilot.press("v")  # the sample allows showing the others
        await settle(pilot)
        assert {c.coder for cs in view.codings.values() for c in cs} == {"anouk", "bram", "carla"}


@headless
async def test_anouk_sees_exactly_her_sample_codings(sample_project: Path) -> None:
    settings = read_settings(sample_project, coder="anouk")
    db = open_database(settings.db_url)
    with db.session() as s:
        expected = s.scalar(
            select(func.count())
            .select_from(Coding)
            .join(Coder)
            .join(Passage)
            .join(Transcript)
            .where(Coder.name == "anouk", Transcript.key == "vitens-q1")
        )
        codes = s.scalar(select(func.count(Code.id)))
    db.close()
    async with make_app(settings).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"vitens-q1", "enter", "enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert sum(len(v) for v in screen.view.codings.values()) == expected > 0
        assert len(screen.codes) == codes


@headless
async def test_the_guided_tour_in_readme_is_what_the_workbench_does(sample_project: Path) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    tour = " ".join(readme.split("## A guided tour")[1].split("2. **Second coder")[0].split())
    opened = re.search(r"Enter opens the first, `([^`]+)`", tour)
    keys = re.findall(r"`(\w)` ([a-z ]+)", tour.split("a code's key (")[1].split(")")[0])
    assert opened and len(keys) >= 3, "README's tour no longer says what Enter opens and which keys code"
    settings = read_settings(sample_project, coder="chris")
    async with make_app(settings).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        coding = pilot.app.screen
        assert isinstance(coding, CodingScreen) and coding.transcript.key == opened.group(1)
        for key, name in keys:
            code = next(c for c in coding.codes if c.id == coding.hotkeys[key])
            assert code.name.lower() == name.strip()
