"""The analysis screen's bar chart: `c` switches the frequency table to bars and back, bars hold the counts
the database gives (blind coding holds: only your own codings until you ask), and the drawing scales to the
largest count."""

from __future__ import annotations

from pathlib import Path

from test_tui_analysis import SIZE, open_by_organisation, rows, settle, vitens_passages
from textual.widgets import DataTable
from tui_support import headless

from codeer.config import read_settings
from codeer.model import Code
from codeer.tui.app import make_app
from codeer.tui.widgets.frequency_bars import Bar, FrequencyBars, block, render_bars


@headless
async def test_c_shows_the_frequencies_as_bars_with_the_databases_counts(sample_project: Path) -> None:
    counts = dict(rows(sample_project, vitens_passages("anouk")))  # blind by default: anouk's own
    names = dict(rows(sample_project, Code.__table__.select().with_only_columns(Code.key, Code.name)))
    settings = read_settings(sample_project, coder="anouk")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        screen = await open_by_organisation(pilot)
        table = screen.query_one("#analysis-frequencies", DataTable)
        bars = screen.query_one("#analysis-bars", FrequencyBars)
        assert table.display and not bars.display
        await pilot.press("c")
        await settle(pilot)
        assert bars.display and not table.display and bars.has_focus
        shown = {(bar.code, bar.group): bar.value for bar in bars.bars}
        assert {code: shown[(names[code], "Vitens")] for code in counts} == counts
        assert {group for _, group in shown} == {"Belastingdienst", "Gemeente Utrecht", "RET", "Vitens"}
        drawn = str(bars.query_one("#frequency-bars-chart").render())
        assert "Vitens" in drawn and "█" in drawn
        await pilot.press("enter")  # no cell under a bar: nothing opens
        await settle(pilot)
        assert pilot.app.screen is screen
        await pilot.press("c")
        await settle(pilot)
        assert table.display and not bars.display


def test_bars_are_scaled_to_the_largest_count_in_eighths() -> None:
    assert block(10, 10, 20) == "█" * 20
    assert block(5, 10, 20) == "█" * 10
    assert block(1, 16, 2) == "▏"  # one eighth of a cell
    assert block(0, 10, 20) == ""
    text = render_bars([Bar("Snelheid", "Q1", 4), Bar("Snelheid", "Q2", 0)], 60).plain
    assert "■ Q1" in text and "■ Q2" in text and text.rstrip().endswith("0")
