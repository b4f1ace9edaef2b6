"""The analysis screen on the sample study: counts and quotes checked against SQL written here."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import and_, distinct, func, select
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from tui_support import headless

from codeer.config import read_settings
from codeer.model import Code, Coder, Coding, Passage, Setting, Transcript, TranscriptAttribute
from codeer.store.blinding import FORBID_SHOW_OTHERS
from codeer.store.database import open_database
from codeer.tui.app import make_app
from codeer.tui.screens.analysis import AnalysisScreen, QuotesScreen
from codeer.tui.screens.transcripts import TranscriptsScreen

SIZE = (120, 40)
VITENS = and_(
    TranscriptAttribute.transcript_id == Passage.transcript_id,
    TranscriptAttribute.name == "organisation",
    TranscriptAttribute.value == "Vitens",
)


def rows(project: Path, query) -> list[tuple]:
    db = open_database(read_settings(project).db_url)
    try:
        with db.session() as s:
            return [tuple(r) for r in s.execute(query)]
    finally:
        db.close()


def vitens_passages(coder: str | None = None):
    """(code key, distinct Vitens passages coded with it), most first."""
    query = (
        select(Code.key, func.count(distinct(Coding.passage_id)).label("n"))
        .select_from(Coding)
        .join(Code, Code.id == Coding.code_id)
        .join(Passage, Passage.id == Coding.passage_id)
        .join(TranscriptAttribute, VITENS)
        .join(Coder, Coder.id == Coding.coder_id)
        .group_by(Code.key)
        .order_by(func.count(distinct(Coding.passage_id)).desc(), Code.key)
    )
    return query.where(Coder.name == coder) if coder else query


async def settle(pilot) -> None:
    await pilot.app.queue.idle()
    await pilot.pause()


async def open_by_organisation(pilot) -> AnalysisScreen:
    await settle(pilot)
    assert isinstance(pilot.app.screen, TranscriptsScreen)
    await pilot.press("t")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AnalysisScreen) and screen.tables is not None
    while screen.by != "organisation":
        await pilot.press("b")
        await settle(pilot)
    return screen


def shown_count(screen: AnalysisScreen, code_key: str, group: tuple[str, ...]) -> object:
    table = screen.query_one("#analysis-frequencies", DataTable)
    row = next(i for i, c in enumerate(screen.row_codes) if c.key == code_key)
    column = screen.groups.index(group) + 1
    return table.get_cell_at(Coordinate(row, column))


@headless
async def test_frequencies_heat_map_and_quotes_match_the_database(sample_project: Path) -> None:
    key, expected = rows(sample_project, vitens_passages())[0]
    settings = read_settings(sample_project, coder="anouk")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        screen = await open_by_organisation(pilot)
        assert screen.tables.coders == ["anouk"] and screen.tables.blind  # blind until asked
        await pilot.press("v", "y")
        await settle(pilot)
        assert set(screen.tables.coders) == {"anouk", "bram"} and not screen.tables.blind
        assert "OTHER CODERS SHOWN" in str(screen.query_one("#analysis-title").render())
        assert shown_count(screen, key, ("Vitens",)) == expected

        await pilot.press("h")
        while screen.group != ("Vitens",):
            await pilot.press("g")
            await settle(pilot)
        heat = screen.query_one("#analysis-heatmap", DataTable)
        assert heat.display and heat.has_focus
        matrix = screen._matrix()
        size = len(matrix.codes)
        i, j = max(
            ((i, j) for i in range(size) for j in range(size) if i != j),
            key=lambda c: matrix.counts[c[0]][c[1]],
        )
        assert matrix.counts[i][j] > 0
        a, b = matrix.codes[i], matrix.codes[j]
        heat.move_cursor(row=i, column=j + 1)
        await pilot.press("enter")
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, QuotesScreen)
        shown = {(q.transcript, q.passage, q.code.key, q.coder) for q in modal.quotes}
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen

    with_both = (
        select(Coding.passage_id)
        .where(Coding.code_id == a.id)
        .intersect(select(Coding.passage_id).where(Coding.code_id == b.id))
    )
    expected_quotes = rows(
        sample_project,
        select(Transcript.key, Passage.number, Code.key, Coder.name)
        .select_from(Coding)
        .join(Passage, Passage.id == Coding.passage_id)
        .join(Transcript, Transcript.id == Passage.transcript_id)
        .join(TranscriptAttribute, VITENS)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.code_id.in_([a.id, b.id]), Coding.passage_id.in_(with_both)),
    )
    assert shown == set(expected_quotes)
    assert len({(t, n) for t, n, _, _ in shown}) == matrix.counts[i][j]


@headless
async def test_blind_coding_counts_only_your_own_codings(sample_project: Path) -> None:
    db = open_database(read_settings(sample_project).db_url)
    try:
        with db.session() as s:
            s.add(Setting(key=FORBID_SHOW_OTHERS, value="true"))
    finally:
        db.close()
    key, expected = rows(sample_project, vitens_passages("bram"))[0]
    settings = read_settings(sample_project, coder="bram")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        screen = await open_by_organisation(pilot)
        assert screen.tables.blind and screen.tables.coders == ["bram"]
        assert shown_count(screen, key, ("Vitens",)) == expected
        assert "blind" in str(screen.query_one("#analysis-title").render())
        await pilot.press("v", "y")  # refused: no question, still blind
        await settle(pilot)
        assert screen.tables.blind and screen.tables.coders == ["bram"]


@headless
async def test_a_second_coder_sees_only_their_own_counts_until_they_ask(sample_project: Path) -> None:
    key, expected = rows(sample_project, vitens_passages("bram"))[0]
    settings = read_settings(sample_project, coder="bram")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        screen = await open_by_organisation(pilot)
        assert screen.tables.blind and screen.tables.coders == ["bram"]
        assert shown_count(screen, key, ("Vitens",)) == expected
        table = screen.query_one("#analysis-frequencies", DataTable)
        row = next(i for i, c in enumerate(screen.row_codes) if c.key == key)
        table.move_cursor(row=row, column=1 + screen.groups.index(("Vitens",)))
        await pilot.press("enter")
        await settle(pilot)
        assert {q.coder for q in pilot.app.screen.quotes} == {"bram"}
