"""The first screen: every transcript with its attributes and how far you are with it.

The progress follows the coding history while the list is shown (:class:`codeer.tui.live.EventWatch`): a
coding made in another window or with ``codeer code`` moves it within a second or two. The agreement screen
shows other coders' codes, so under blind coding ``a`` first asks whether to show them.
"""

from __future__ import annotations

from rich.text import Text
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import CellDoesNotExist

from codeer.store.changes import latest_event_id
from codeer.store.workbench import TranscriptRow, list_transcripts
from codeer.tui import keymap
from codeer.tui.dbqueue import describe_error
from codeer.tui.live import EventWatch
from codeer.tui.screens.agreement import AgreementScreen
from codeer.tui.screens.analysis import AnalysisScreen
from codeer.tui.screens.base import CodeerScreen
from codeer.tui.screens.codebook import CodebookScreen
from codeer.tui.screens.coding import CodingScreen
from codeer.tui.screens.dialogs import ask_to_show_others
from codeer.tui.screens.search import SearchScreen
from codeer.tui.widgets.key_bar import KeyBar


def progress(row: TranscriptRow) -> Text:
    if not row.passages:
        return Text("-", style="dim")
    share = row.coded / row.passages
    style = "bold green" if share >= 1 else ("" if share else "dim")
    return Text(f"{row.coded}/{row.passages}", style=style)


class TranscriptTable(DataTable):
    """The list of transcripts: Home and End go to the first and last transcript (a table of rows; the
    plain DataTable scrolls sideways)."""

    def action_scroll_home(self) -> None:
        self.move_cursor(row=0, column=0)

    def action_scroll_end(self) -> None:
        self.move_cursor(row=self.row_count - 1, column=0)


class TranscriptsScreen(CodeerScreen[None]):
    KEYS = keymap.TRANSCRIPTS
    BINDINGS = keymap.bindings(KEYS)
    AUTO_FOCUS = "#transcripts-table"

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[TranscriptRow] = []
        self.columns: list[str] = []
        self.sort_column = 0
        self.reverse = False
        self.resumed = False

    def compose(self) -> ComposeResult:
        yield Static(id="transcripts-title", classes="title-bar")
        yield Input(placeholder="/ filter: organisation, quadrant, name…", id="transcripts-filter")
        yield TranscriptTable(id="transcripts-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.event_watch = EventWatch(self, self.reload)
        self._loaded(self.app.queue.call(self._read()))

    def _read(self):
        coder = self.app.coder_id

        def read(session: Session) -> tuple[list[TranscriptRow], int]:
            return list_transcripts(session, coder), latest_event_id(session)

        return read

    def on_screen_resume(self) -> None:
        if self.resumed:  # back from coding: progress changed
            self.reload()
        self.resumed = True

    def reload(self) -> None:
        self.app.queue.start(
            self._read(),
            self._loaded,
            lambda exc: self.notify(f"Cannot read the transcripts: {describe_error(exc)}", severity="error"),
            self.call_next,
        )

    def _loaded(self, result: tuple[list[TranscriptRow], int]) -> None:
        self.rows, latest = result
        self.event_watch.saw(latest)
        self._fill()

    def _value(self, row: TranscriptRow, column: str) -> str:
        if column == "transcript":
            return row.key
        if column == "progress":
            return f"{row.coded / row.passages if row.passages else 0:09.4f}"
        return row.attributes.get(column, "")

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        names: list[str] = []
        for row in self.rows:
            names += [n for n in row.attributes if n not in names]
        columns = ["transcript", "progress", *names]  # progress early: visible in 80 columns
        if columns != self.columns:
            self.columns = columns
            self.sort_column = min(self.sort_column, len(columns) - 1)
            table.clear(columns=True)
            for name in columns:
                table.add_column(name.capitalize() if name != "progress" else "Coded", key=name)
        selected = self._selected_key()
        table.clear()
        needle = self.query_one(Input).value.strip().lower()
        column = self.columns[self.sort_column]
        shown = sorted(self.rows, key=lambda r: self._value(r, column).lower(), reverse=self.reverse)
        for row in shown:
            cells = [row.key, *(row.attributes.get(n, "") for n in names)]
            if needle and not any(needle in c.lower() for c in [*cells, row.title]):
                continue
            table.add_row(cells[0], progress(row), *cells[1:], key=str(row.id))
        if selected is not None and str(selected) in table.rows:
            table.move_cursor(row=table.get_row_index(str(selected)))
        coder = self.app.coder_name
        order = f"sorted by {column}{' (reversed)' if self.reverse else ''}"
        self.query_one("#transcripts-title", Static).update(
            Text.assemble(
                ("codeer", "bold"),
                f"  {table.row_count} of {len(self.rows)} transcripts · {order} · coder ",
                (coder, "bold"),
            )
        )

    def _selected_key(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)
        except CellDoesNotExist:
            return None

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        key = self._selected_key()
        row = next((r for r in self.rows if r.id == key), None)
        if row is not None:
            self.app.push_screen(CodingScreen(row))

    def action_filter(self) -> None:
        self.query_one(Input).focus()

    def action_agreement(self) -> None:
        ask_to_show_others(self.app, "The agreement table", lambda: self.app.push_screen(AgreementScreen()))

    def action_cursor(self, delta: int) -> None:
        table = self.query_one(DataTable)
        table.focus()
        table.move_cursor(row=max(0, min(table.cursor_row + delta, table.row_count - 1)))

    def action_ends(self, end: int) -> None:
        """First or last transcript (g/G; Home/End in the table)."""
        table = self.query_one(TranscriptTable)
        table.focus()
        table.action_scroll_end() if end else table.action_scroll_home()

    def action_codebook(self) -> None:
        self.app.push_screen(CodebookScreen())

    def action_analysis(self) -> None:
        self.app.push_screen(AnalysisScreen())

    def action_search_project(self) -> None:
        self.app.push_screen(SearchScreen())

    def action_sort(self) -> None:
        if self.columns:
            self.sort_column = (self.sort_column + 1) % len(self.columns)
            self._fill()

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self._fill()
