"""The agreement screen: the per-code table of ``codeer agreement``; Enter opens a code's disagreements.

The report is computed on the database worker (it reads every coding of the compared coders), so the screen
opens at once and fills when the numbers are there. Coming back from the disagreement queue recomputes it.
``c`` limits the table (and the queue) to two coders, as ``codeer agreement --coders A,B`` does, or back to
all of them. It shows other coders' codes, so it opens only once the person chose to see them (the title says
OTHER CODERS SHOWN).
``u`` switches the unit of analysis: passage, sentence, characters (``--unit char``: |u-alpha per code and
cu-alpha per parent code); every alpha shows its 95% bootstrap interval.
"""

from __future__ import annotations

import math
from itertools import combinations

from rich.text import Text
from sqlalchemy import select
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist

from codeer.analysis.agreement_report import UNITS, AgreementReport, AgreementRow, agreement_report
from codeer.model import Coder, Coding
from codeer.store.consensus import CONSENSUS
from codeer.tui import keymap
from codeer.tui.dbqueue import describe_error
from codeer.tui.screens.base import CodeerScreen
from codeer.tui.screens.dialogs import Choice, ChoiceScreen
from codeer.tui.screens.disagreements import DisagreementsScreen
from codeer.tui.widgets.key_bar import KeyBar

BOOTSTRAP = 1000
EVERYONE = ()
UNIT_LABELS = {"passage": "passage × code", "sentence": "sentence × code", "char": "characters (|u-alpha)"}


def coders_with_codings(session: Session, consensus: str) -> list[str]:
    """Every coder who applied a code, the consensus coder left out: whom the table can compare."""
    query = select(Coder.name).join(Coding, Coding.coder_id == Coder.id).where(Coder.name != consensus)
    return sorted(set(session.scalars(query)))


def number(value: float) -> Text:
    return Text("–", style="dim") if math.isnan(value) else Text(f"{value:.3f}")


def _kappa_style(value: float) -> str:
    """A reader's cue, not a verdict: below 0.667 (Krippendorff's floor for tentative conclusions) in red."""
    if math.isnan(value):
        return "dim"
    return "bold green" if value >= 0.8 else ("" if value >= 0.667 else "red")


class AgreementScreen(CodeerScreen[None]):
    KEYS = keymap.AGREEMENT
    BINDINGS = keymap.bindings(KEYS)
    DEFAULT_CSS = """
    #agreement-table { height: 1fr; }
    """
    AUTO_FOCUS = "#agreement-table"

    def __init__(self, coders: tuple[str, ...] = EVERYONE, consensus: str = CONSENSUS) -> None:
        super().__init__()
        self.coders = coders
        self.asked = coders  # the coders chosen (empty: everyone), as opposed to those the report found
        self.consensus = consensus
        self.report: AgreementReport | None = None
        self.resumed = False
        self.unit = UNITS[0]

    def compose(self) -> ComposeResult:
        yield Static("Agreement: computing…", id="agreement-title", classes="title-bar")
        yield DataTable(id="agreement-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="agreement-status", classes="status-bar")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        if self.resumed:  # back from settling: the numbers have not changed, but the queue has
            self.reload()
        self.resumed = True

    def reload(self) -> None:
        coders, unit = self.asked, self.unit
        self.app.queue.start(
            lambda session: agreement_report(session, coders, bootstrap=BOOTSTRAP, unit=unit),
            self._loaded,
            self._failed,
            self.call_next,
        )

    def _failed(self, exc: BaseException) -> None:
        self.query_one("#agreement-title", Static).update(Text("Agreement", style="bold"))
        self.query_one("#agreement-status", Static).update(describe_error(exc))

    def _loaded(self, report: AgreementReport) -> None:
        self.report = report
        self.coders = report.coders
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for label in (
            "Code",
            "Units",
            "Agree",
            "κ",
            "α",
            "α 95% CI",
            "Differ",
            *(f"only {c}" for c in report.coders),
        ):
            table.add_column(label)
        for index, row in enumerate(report.rows):
            table.add_row(*self._cells(row), key=str(index))
        for index, row in enumerate(report.cu):
            cells = self._cells(row)
            cells[0] = Text(f"{row.code.name if row.code else ''} (cu-α, sub-codes)", style="italic")
            table.add_row(*cells, key=f"cu{index}")
        who = "all of them" if report.unit == "char" else "two of them or more"
        what = "characters" if report.unit == "char" else f"{report.unit}s"
        counted = f"{report.units:,} {what} of {report.transcripts} transcript(s) coded by {who}"
        self.query_one("#agreement-title", Static).update(
            Text.assemble(
                (" OTHER CODERS SHOWN ", "bold reverse"),
                " ",
                ("Agreement", "bold"),
                f"  {', '.join(report.coders)} · {counted}",
            )
        )
        self.query_one("#agreement-status", Static).update(
            f"Unit: {UNIT_LABELS[report.unit]} (u: switch) · κ Cohen (mean of pairs) · α Krippendorff with "
            "95% interval · Enter: settle a code's disagreements · c: which coders"
        )

    def _cells(self, row: AgreementRow) -> list[Text | str | int]:
        name = Text(row.code.name if row.code else "All codes (pooled)", style="" if row.code else "bold")
        ci = "–" if math.isnan(row.alpha_low) else f"{row.alpha_low:.2f}–{row.alpha_high:.2f}"
        return [
            name,
            row.units,
            number(row.percent_agreement),
            Text(number(row.cohen_kappa).plain, style=_kappa_style(row.cohen_kappa)),
            Text(number(row.krippendorff_alpha).plain, style=_kappa_style(row.krippendorff_alpha)),
            ci,
            row.disagreements,
            *row.only,
        ]

    def _selected(self) -> AgreementRow | None:
        table = self.query_one(DataTable)
        if self.report is None or not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None
        if key and key.startswith("cu"):
            return self.report.cu[int(key[2:])]
        return self.report.rows[int(key or 0)]

    def action_unit(self) -> None:
        """The next unit of analysis; the table recomputes on the worker."""
        self.unit = UNITS[(UNITS.index(self.unit) + 1) % len(UNITS)]
        self.query_one("#agreement-title", Static).update(
            f"Agreement: computing on {UNIT_LABELS[self.unit]}…"
        )
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        row = self._selected()
        if row is None:
            return
        if row.code is None or (self.report is not None and row in self.report.cu):
            self._queue(None, "")  # ALL, or a parent's sub-codes together: the disagreements on any code
        else:
            self._queue(row.code.id, row.code.name)

    def action_open_all(self) -> None:
        if self.report is not None:
            self._queue(None, "")

    def _queue(self, code: int | None, name: str) -> None:
        self.app.push_screen(
            DisagreementsScreen(self.coders, code=code, code_name=name, consensus=self.consensus)
        )

    def action_choose_coders(self) -> None:
        """Compare two coders (every pair is offered) or everyone again."""
        consensus = self.consensus

        def shown(names: list[str]) -> None:
            choices: list[Choice[tuple[str, ...]]] = [(EVERYONE, "All coders")]
            choices += [((a, b), f"{a} and {b}") for a, b in combinations(names, 2)]
            self.app.push_screen(ChoiceScreen("Compare which coders?", choices), chosen)

        def chosen(coders: tuple[str, ...] | None) -> None:
            if coders is not None:
                self.asked = self.coders = coders
                self.query_one("#agreement-title", Static).update("Agreement: computing…")
                self.reload()

        self.app.queue.start(
            lambda session: coders_with_codings(session, consensus),
            shown,
            self._failed,
            self.call_next,
        )

    def action_back(self) -> None:
        self.app.pop_screen()
