"""The workbench's agreement screen switches the unit of analysis with ``u`` (passage, sentence,
characters) and shows alpha's 95% interval; the numbers are those of ``agreement_report`` on the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_disagreements import SIZE, agreement, coded_project, press
from textual.widgets import DataTable, Static
from tui_support import headless

from codeer.analysis.agreement_report import agreement_report
from codeer.config import Settings
from codeer.store.database import open_database
from codeer.tui.app import make_app

LABELS = {"sentence": "sentence × code", "char": "characters", "passage": "passage × code"}


LABELS = {"sentence": "sentence × code", "char": "characters", "passage": "passage × code"}


@pytest.fixture
def settings(project: Path) -> Settings:
    return coded_project(project)


def expected(settings: Settings, unit: str) -> tuple[float, ...]:
    db = open_database(settings.db_url)
    try:
        with db.session() as session:
            report = agreement_report(session, ("anouk", "bram"), bootstrap=1000, unit=unit)
        return tuple(r.krippendorff_alpha for r in report.rows)
    finally:
        db.close()


@headless
async def test_u_switches_the_unit_and_the_interval_is_shown(settings: Settings) -> None:
    async with make_app(settings).run_test(size=SIZE) as pilot:
        screen = await agreement(pilot)
        assert screen.report.unit == "passage"
        table = screen.query_one(DataTable)
        assert "α 95% CI" in [str(c.label) for c in table.columns.values()]
        for unit in ("sentence", "char", "passage"):
            await press(pilot, "u")
            assert screen.report.unit == unit
            alphas = tuple(r.krippendorff_alpha for r in screen.report.rows)
            assert alphas == pytest.approx(expected(settings, unit), nan_ok=True)
            status = str(screen.query_one("#agreement-status", Static).content)
            assert LABELS[unit] in status
        pooled = screen.report.rows[-1]
        ci = table.get_row_at(len(screen.report.rows) - 1)[5]
        assert ci == f"{pooled.alpha_low:.2f}–{pooled.alpha_high:.2f}"
