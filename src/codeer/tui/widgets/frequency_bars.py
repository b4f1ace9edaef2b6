"""The frequency table as a horizontal bar chart in the terminal: one bar per code and group.

Drawn with Rich text (block characters, eighth blocks for the last part of a bar), so it needs no plotting
library and reads the same over SSH, in 16 colours and at 80 columns. Bars are scaled to the largest count
on screen, the count is written after each bar, and each group has its own colour from the eight ANSI
colours (with its name in a legend), so the chart keeps its meaning in a terminal without colour too.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from codeer.analysis import FrequencyTable

GROUP_STYLES = ("blue", "yellow", "green", "magenta", "cyan", "red", "bright_blue", "bright_yellow")
EIGHTHS = " ▏▎▍▌▋▊▉"
NAME_WIDTH = 32


@dataclass(frozen=True)
class Bar:
    code: str  # the code's name, as in the codebook
    group: str  # the group's label, or "" without grouping
    value: int  # passages


def frequency_bars(freq: FrequencyTable) -> list[Bar]:
    """Every applied code in codebook order, a bar per group (zeros included, so groups line up)."""
    applied = {row.code.id for row in freq.rows}
    grouped = bool(freq.labels)
    bars = []
    for code in freq.codes:
        if code.id not in applied:
            continue
        for group in freq.groups:
            row = freq.cell(group, code.id)
            label = " / ".join(value or "(none)" for value in group) if grouped else ""
            bars.append(Bar(code.name, label, row.passages if row else 0))
    return bars


def block(value: int, top: int, width: int) -> str:
    """A bar of ``value`` out of ``top`` in ``width`` cells, to an eighth of a cell."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(8 * width * value / top))
    return "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


def render_bars(bars: list[Bar], width: int) -> Text:
    groups = list(dict.fromkeys(bar.group for bar in bars))
    styles = {group: GROUP_STYLES[i % len(GROUP_STYLES)] for i, group in enumerate(groups)}
    top = max((bar.value for bar in bars), default=0)
    room = max(10, width - NAME_WIDTH - 10)
    text = Text()
    if len(groups) > 1:
        for group in groups:
            text.append("■ ", style=styles[group]).append(f"{group}  ")
        text.append("\n\n")
    previous = None
    for bar in bars:
        name = bar.code if bar.code != previous else ""
        previous = bar.code
        text.append(f"{name[: NAME_WIDTH - 1]:<{NAME_WIDTH}}")
        text.append(block(bar.value, top, room), style=styles[bar.group])
        text.append(f" {bar.value}\n", style="dim" if bar.value == 0 else "")
    return text


class FrequencyBars(VerticalScroll, can_focus=True):
    """A scrollable bar chart of a frequency table; :attr:`bars` holds what it shows."""

    DEFAULT_CSS = """
    FrequencyBars { height: 1fr; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.bars: list[Bar] = []

    def compose(self) -> ComposeResult:
        yield Static(id="frequency-bars-chart")

    def show(self, freq: FrequencyTable) -> None:
        self.bars = frequency_bars(freq)
        self.query_one("#frequency-bars-chart", Static).update(render_bars(self.bars, self.size.width or 100))
