"""The analysis screen: code frequencies by a chosen attribute, a co-occurrence heat map, and their quotes.

The tables are those of ``codeer export`` (:mod:`codeer.analysis`), computed on the database worker, so the
screen opens at once and fills when the numbers are there, and again when the coding history moves on (the
team codes while the table is open; :class:`codeer.tui.live.EventWatch`). While the person codes blind (the
default: other coders' work not shown; always where ``show_others_allowed: false`` in codeer.yaml or the
database setting ``forbid_show_others`` forbids it) the tables and quotes count only the current coder's
codings: a table of everyone's codes would show what the others coded. The title says whose codings are
counted, and OTHER CODERS SHOWN when they are others' too.

The heat map shades a cell by a few steps of its value relative to the largest off-diagonal one, with the
eight ANSI colours, so it reads the same in a 16-colour terminal; the numbers stay in the cells.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from sqlalchemy import select
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from codeer.analysis import (
    CodeInfo,
    CooccurrenceMatrix,
    CooccurrenceTable,
    Group,
    Quote,
    Selection,
    cooccurrence,
    quotes,
)
from codeer.model import Coder, Coding
from codeer.store.blinding import others_shown, show_others_forbidden
from codeer.store.changes import latest_event_id
from codeer.store.groups import known_attributes
from codeer.tui import keymap
from codeer.tui.dbqueue import describe_error
from codeer.tui.live import EventWatch
from codeer.tui.screens.base import CodeerScreen
from codeer.tui.screens.dialogs import ask_to_show_others
from codeer.tui.widgets.frequency_bars import FrequencyBars
from codeer.tui.widgets.key_bar import KeyBar

# Heat steps, lowest first: (upper bound of the share of the maximum, Rich style); ANSI colours only.
HEAT = ((0.25, "white on blue"), (0.5, "black on cyan"), (0.75, "black on yellow"), (1.0, "white on red"))
EXCERPT = 160  # characters of a quote shown in the list


@dataclass(frozen=True)
class Tables:
    """What the screen shows, read in one job: plain data only."""

    attributes: list[str]  # the project's transcript attributes
    coders: list[str]  # whose codings the tables count
    blind: bool
    table: CooccurrenceTable  # with its frequencies
    event_id: int  # the newest coding event when they were read


def load_tables(session: Session, by: str | None, me: str, shown: bool) -> Tables:
    """The tables grouped ``by`` an attribute (None: overall), of ``me`` alone unless others are ``shown``
    (and the database does not forbid it)."""
    blind = not others_shown(show_others_forbidden(session), shown)
    if blind:
        coders = [me]
    else:
        coders = list(
            session.scalars(select(Coder.name).join(Coding, Coding.coder_id == Coder.id).distinct())
        )
    selection = Selection(by=(by,) if by else (), coders=(me,) if blind else ())
    table = cooccurrence(session, selection)
    return Tables(
        known_attributes(session)["transcript"], sorted(coders), blind, table, latest_event_id(session)
    )


def value_label(value: str) -> str:
    return value or "(none)"


def heat_style(value: float, top: float) -> str:
    if value <= 0 or top <= 0:
        return "dim"
    share = value / top
    return next(style for bound, style in HEAT if share <= bound or bound == 1.0)


class QuotesScreen(ModalScreen[None]):
    """The quotes behind one cell: transcript, passage, speaker, code, coder and the text."""

    BINDINGS = keymap.bindings(keymap.QUOTES)
    DEFAULT_CSS = """
    QuotesScreen { align: center middle; }
    #quotes-box { width: 95%; height: 90%; background: $surface; border: round $accent; }
    #quotes-table { height: 1fr; }
    """
    AUTO_FOCUS = "#quotes-table"

    def __init__(self, title: str, found: list[Quote]) -> None:
        super().__init__()
        self.title_text = title
        self.quotes = found

    def compose(self) -> ComposeResult:
        table: DataTable = DataTable(id="quotes-table", cursor_type="row", zebra_stripes=True)
        table.border_title = f"{self.title_text} · {len(self.quotes)} quote(s)"
        table.add_columns("Transcript", "#", "Speaker", "Code", "Coder", "Text")
        for quote in self.quotes:
            text = " ".join(quote.text.split())
            excerpt = text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"
            table.add_row(
                quote.transcript, quote.passage, quote.speaker, quote.code.key, quote.coder, excerpt
            )
        with Vertical(id="quotes-box"):
            yield table
            yield KeyBar()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


class AnalysisScreen(CodeerScreen[None]):
    KEYS = keymap.ANALYSIS
    BINDINGS = keymap.bindings(KEYS)
    DEFAULT_CSS = """
    #analysis-frequencies, #analysis-heatmap, #analysis-bars { height: 1fr; }
    """
    AUTO_FOCUS = "#analysis-frequencies"

    def __init__(self) -> None:
        super().__init__()
        self.by: str | None = None
        self.tables: Tables | None = None
        self.heatmap = False
        self.chart = False  # the frequencies as a bar chart
        self.jaccard = False
        self.group_index = 0
        self.row_codes: list[CodeInfo] = []  # the frequency table's rows

    def compose(self) -> ComposeResult:
        yield Static("Analysis: computing…", id="analysis-title", classes="title-bar")
        yield DataTable(id="analysis-frequencies", cursor_type="cell", zebra_stripes=True)
        heat: DataTable[str | Text] = DataTable(id="analysis-heatmap", cursor_type="cell")
        heat.display = False
        yield heat
        bars = FrequencyBars(id="analysis-bars")
        bars.display = False
        yield bars
        yield Static(id="analysis-status", classes="status-bar")
        yield KeyBar()

    def on_mount(self) -> None:
        self.event_watch = EventWatch(self, self.reload)
        self.reload()

    # -- loading ----------------------------------------------------------------------------------------

    def reload(self) -> None:
        by, me, shown = self.by, self.app.coder_name, self.app.others_shown
        self.app.queue.start(
            lambda session: load_tables(session, by, me, shown),
            self._loaded,
            lambda exc: self.query_one("#analysis-status", Static).update(describe_error(exc)),
            self.call_next,
            wait=0,
        )

    def _loaded(self, tables: Tables) -> None:
        self.tables = tables
        self.event_watch.saw(tables.event_id)
        self.group_index = min(self.group_index, max(len(self.groups) - 1, 0))
        self._fill_frequencies()
        self._fill_heatmap()
        self._show()

    @property
    def groups(self) -> list[Group]:
        return self.tables.table.frequencies.groups if self.tables else []

    @property
    def group(self) -> Group:
        return self.groups[self.group_index] if self.groups else ()

    # -- the tables -------------------------------------------------------------------------------------

    def _fill_frequencies(self) -> None:
        assert self.tables is not None
        freq = self.tables.table.frequencies
        table = self.query_one("#analysis-frequencies", DataTable)
        table.clear(columns=True)
        table.add_column("Code")
        for group in freq.groups:
            table.add_column(value_label(group[0]) if group else "All passages")
        self.row_codes = freq.codes
        for code in freq.codes:
            cells: list[Text | int] = []
            for group in freq.groups:
                row = freq.cell(group, code.id)
                cells.append(row.passages if row else Text("·", style="dim"))
            table.add_row(Text("  " * code.depth + code.name), *cells)
        self.query_one("#analysis-bars", FrequencyBars).show(freq)

    def _matrix(self) -> CooccurrenceMatrix:
        assert self.tables is not None
        return self.tables.table.matrix(self.group)

    def _fill_heatmap(self) -> None:
        matrix = self._matrix()
        size = len(matrix.codes)
        values = [
            [matrix.jaccard(i, j) if self.jaccard else float(matrix.counts[i][j]) for j in range(size)]
            for i in range(size)
        ]
        top = max((values[i][j] for i in range(size) for j in range(size) if i != j), default=0.0)
        table = self.query_one("#analysis-heatmap", DataTable)
        table.clear(columns=True)
        table.add_column("Code")
        for j in range(size):
            table.add_column(str(j + 1))
        for i, code in enumerate(matrix.codes):
            cells = []
            for j in range(size):
                label = f"{values[i][j]:.2f}" if self.jaccard else str(int(values[i][j]))
                style = "bold reverse" if i == j else heat_style(values[i][j], top)
                cells.append(Text(f" {label} ", style=style))
            table.add_row(Text(f"{i + 1} {code.name}"), *cells)

    def _show(self) -> None:
        if self.tables is None:
            return
        freq_table = self.query_one("#analysis-frequencies", DataTable)
        heat_table = self.query_one("#analysis-heatmap", DataTable)
        bars = self.query_one("#analysis-bars", FrequencyBars)
        shown = heat_table if self.heatmap else bars if self.chart else freq_table
        for widget in (freq_table, heat_table, bars):
            widget.display = widget is shown
        shown.focus()
        whose = (
            f"only your codings ({', '.join(self.tables.coders)}): blind coding"
            if self.tables.blind
            else f"OTHER CODERS SHOWN: codings of {', '.join(self.tables.coders) or 'nobody yet'}"
        )
        if self.heatmap:
            group = " / ".join(value_label(v) for v in self.group) if self.by else "all passages"
            measure = "Jaccard" if self.jaccard else "passages"
            what = f"Co-occurrence ({measure}) · {self.by or 'overall'}: {group}"
            status = (
                "Cells: passages with both codes (diagonal: with the code) · m: Jaccard/passages · g: group"
            )
        else:
            what = f"Code frequencies by {self.by or '(none)'}"
            status = "Cells: passages coded · b: next attribute · c: bars · h: heat map · Enter: the quotes"
            if self.chart:
                status = "Bars: passages coded · b: next attribute · c: the table · h: heat map"
        self.query_one("#analysis-title", Static).update(Text.assemble((what, "bold"), f"  · {whose}"))
        self.query_one("#analysis-status", Static).update(status)

    # -- actions ----------------------------------------------------------------------------------------

    def action_next_attribute(self) -> None:
        if self.tables is None:
            return
        choices: list[str | None] = [None, *self.tables.attributes]
        self.by = choices[(choices.index(self.by) + 1) % len(choices)] if self.by in choices else None
        self.group_index = 0
        self.reload()

    def action_toggle_others(self) -> None:
        """Count other coders' codings too (asked first, refused under enforced blind coding), or not."""
        if self.app.others_shown:
            self.app.others_chosen = False
            self.reload()
        else:
            ask_to_show_others(self.app, "Counting every coder", self.reload)

    def action_toggle_view(self) -> None:
        self.heatmap = not self.heatmap
        self._show()

    def action_toggle_chart(self) -> None:
        self.chart = not self.chart
        self.heatmap = False
        self._show()

    def action_next_group(self) -> None:
        if self.tables is not None and self.groups:
            self.group_index = (self.group_index + 1) % len(self.groups)
            self._fill_heatmap()
            self._show()

    def action_toggle_measure(self) -> None:
        if self.tables is not None:
            self.jaccard = not self.jaccard
            self._fill_heatmap()
            self._show()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_quotes()

    def action_quotes(self) -> None:
        """The quotes of the cell under the cursor: a code in a group, or two codes in the heat map's."""
        if self.tables is None or (self.chart and not self.heatmap):
            return
        table = self.query_one("#analysis-heatmap" if self.heatmap else "#analysis-frequencies", DataTable)
        row, column = table.cursor_coordinate
        if not table.row_count:
            return
        group: Group | None
        if self.heatmap:
            codes = self._matrix().codes
            code, other = codes[row], (codes[column - 1] if column else None)
            group = self.group
            if other is not None and other.id == code.id:
                other = None
        else:
            code, other = self.row_codes[row], None
            groups = self.tables.table.frequencies.groups
            group = groups[column - 1] if column else None
            if group is None:
                self.notify("Choose a cell of a group: the quotes of a code in it.")
                return
        selection = self.tables.table.frequencies.selection
        code_id, other_id = code.id, other.id if other else None
        where = " / ".join(value_label(v) for v in group) if group else "all passages"
        title = f"{code.name}{' + ' + other.name if other else ''} · {where}"
        self.app.queue.start(
            lambda session: quotes(session, selection, group, code_id, other_id),
            lambda found: self.app.push_screen(QuotesScreen(title, found)),
            lambda exc: self.notify(f"Cannot read the quotes: {describe_error(exc)}", severity="error"),
            self.call_next,
        )

    def action_back(self) -> None:
        self.app.pop_screen()
