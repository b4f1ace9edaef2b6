"""The transcript as one scrolling widget drawn line by line (Textual's Line API).

No widget per passage: a 5,000-passage transcript would take seconds to mount. Instead a line index (the
first screen line of every shown passage) is computed from word-wrap offsets, ``render_line`` draws only the
lines on screen from a per-passage cache of strips, and a change (a code toggled, the cursor moved) drops the
cache of that passage and repaints its lines only, unless its height changed.

A passage is drawn as::

    ▌  12 Anna  03:15  Deskundigheid  Nabellen
    ▌     Dat het gewoon werkt. Dat de tram rijdt, dat de
    ▌     kaart het doet.
    (blank)

The widget holds what it shows (passages, codings, memos, cursor, filter, selection); it never touches the
database. The coding screen tells it what changed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from codeer.store.suggestions import SuggestionRow
from codeer.store.workbench import CodeInfo, CodingRow, PassageRow
from codeer.tui.wrap import chip_rows, line_count, shown_name, shown_text, wrap

GUTTER = 2
NUMBER = 5
INDENT = GUTTER + NUMBER
CHIP_NAME = 22
SPEAKER_COLORS = ("cyan", "green", "magenta", "yellow", "blue", "red")
DEFAULT_CODE_COLOR = "#888888"
SUGGESTION = Style(dim=True, italic=True)
_CONTROL = {i: " " for i in (*range(0, 10), *range(11, 32), 127)}


def clock(ms: int | None) -> str:
    """``1:02:03`` or ``02:03`` for a time in milliseconds; empty without one."""
    if ms is None:
        return ""
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def chip_style(color: str | None) -> Style:
    """A code's colour as a chip background, with black or white text, whichever reads better."""
    hexa = (color or DEFAULT_CODE_COLOR).lstrip("#")
    try:
        r, g, b = (int(hexa[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return Style(reverse=True)
    light = 0.299 * r + 0.587 * g + 0.114 * b > 140
    return Style(bgcolor=f"#{hexa}", color="black" if light else "white")


def _short(name: str) -> str:
    return name if len(name) <= CHIP_NAME else name[: CHIP_NAME - 1] + "…"


class TranscriptView(ScrollView, can_focus=True, inherit_bindings=False):
    """Every passage of one transcript, the current one marked, codes as coloured chips."""

    COMPONENT_CLASSES = {
        "transcript-view--cursor",
        "transcript-view--gutter",
        "transcript-view--number",
        "transcript-view--time",
        "transcript-view--moderator",
        "transcript-view--selection",
        "transcript-view--memo",
        "transcript-view--empty",
    }

    class Moved(Message):
        """The current passage changed (the screen updates its status line)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.passages: list[PassageRow] = []
        self.codings: dict[int, list[CodingRow]] = {}
        self.memos: dict[int, str] = {}
        self.suggestions: dict[int, list[SuggestionRow]] = {}  # open auto-coding suggestions, best first
        self.codes: dict[int, CodeInfo] = {}
        self._code_order: dict[int, int] = {}
        self.me = 0
        self.rows: list[int] = []  # indices into passages of the shown passages (a filter hides others)
        self.cursor = 0  # index into rows
        self.selection: tuple[int, int] | None = None  # span of the current passage
        self.dim_moderator = True
        self.empty_text = "Loading…"
        self._speaker_colors: dict[str, str] = {}
        self._width = 0
        self._wraps: dict[int, list[tuple[int, int]]] = {}
        self._heights: list[int] = []
        self._starts: list[int] = [0]
        self._strips: dict[int, list[Strip]] = {}
        self._styles: dict[str, Style] = {}
        self._rows_by_id: dict[int, int] = {}

    # -- data -------------------------------------------------------------------------------------------

    def load(
        self,
        passages: list[PassageRow],
        codings: list[CodingRow],
        memos: dict[int, str],
        codes: list[CodeInfo],
        me: int,
    ) -> None:
        """Show a transcript (replacing whatever was shown)."""
        self.passages = [
            p
            if p.text.isprintable() and shown_text(p.text) == p.text
            else PassageRow(
                p.id, p.number, p.speaker, p.start_ms, shown_text(p.text.translate(_CONTROL)), p.moderator
            )
            for p in passages
        ]
        self.set_codes(codes)
        self.me = me
        self.memos = dict(memos)
        self._speaker_colors = {}
        for p in self.passages:
            if p.speaker not in self._speaker_colors and not p.moderator:
                self._speaker_colors[p.speaker] = SPEAKER_COLORS[
                    len(self._speaker_colors) % len(SPEAKER_COLORS)
                ]
        self._show(list(range(len(self.passages))))
        self.cursor = 0
        self.selection = None
        self.empty_text = "This transcript has no passages."
        self._wraps.clear()
        self.replace_codings(codings)

    def set_codes(self, codes: list[CodeInfo]) -> None:
        """The codes the chips name, in codebook order (again after the codebook changed while coding)."""
        self.codes = {c.id: c for c in codes}
        self._code_order = {c.id: i for i, c in enumerate(codes)}

    def replace_codings(self, codings: list[CodingRow]) -> None:
        """Show these codings instead of the current ones (e.g. other coders' shown or hidden)."""
        self.codings = {}
        for coding in codings:
            self.codings.setdefault(coding.passage_id, []).append(coding)
        self.relayout()

    def set_codings(self, passage_id: int, codings: list[CodingRow]) -> None:
        """The codings of one passage changed: repaint it only (and what is below, if its height changed)."""
        self._set(self.codings, passage_id, codings)

    def set_memo(self, passage_id: int, text: str) -> None:
        self._set(self.memos, passage_id, text)

    def set_suggestions(self, passage_id: int, rows: list[SuggestionRow]) -> None:
        """The open suggestions of one passage changed (one was accepted or rejected)."""
        self._set(self.suggestions, passage_id, rows)

    def _set(self, by_passage: dict, passage_id: int, value: object) -> None:
        """Keep ``value`` for the passage (drop it when empty) and repaint the passage."""
        if value:
            by_passage[passage_id] = value
        else:
            by_passage.pop(passage_id, None)
        self._changed(passage_id)

    def open_suggestions(self, passage_id: int) -> list[SuggestionRow]:
        """The passage's suggestions of codes this coder has not applied there, best first."""
        mine = {c.code_id for c in self.own_codings(passage_id)}
        return [s for s in self.suggestions.get(passage_id, ()) if s.code_id not in mine]

    def set_filter(self, keep: Callable[[PassageRow], bool] | None) -> None:
        """Show only passages for which ``keep`` is true (all, if None); the cursor stays if it can."""
        current = self.rows[self.cursor] if self.rows else 0
        self._show([i for i, p in enumerate(self.passages) if keep is None or keep(p)])
        self.cursor = max(0, bisect_right(self.rows, current) - 1)
        self.selection = None
        self.empty_text = "No passage matches the filter (f to change it)."
        self.relayout()

    def _show(self, rows: list[int]) -> None:
        self.rows = rows
        self._rows_by_id = {self.passages[index].id: row for row, index in enumerate(rows)}

    def set_dim_moderator(self, dim: bool) -> None:
        self.dim_moderator = dim
        self._strips.clear()
        self.refresh()

    # -- what is where ----------------------------------------------------------------------------------

    @property
    def current(self) -> PassageRow | None:
        return self.passages[self.rows[self.cursor]] if self.rows else None

    def row_of(self, passage_id: int) -> int | None:
        return self._rows_by_id.get(passage_id)

    @property
    def laid_out(self) -> bool:
        return self._width > 0 and len(self._heights) == len(self.rows)

    def own_codings(self, passage_id: int) -> list[CodingRow]:
        return [c for c in self.codings.get(passage_id, ()) if c.coder_id == self.me]

    def _changed(self, passage_id: int) -> None:
        row = self.row_of(passage_id)
        if row is None or not self.laid_out:
            return
        old = self._strips.pop(row, None)
        height = self._height(row)
        if height != self._heights[row]:
            self._heights[row] = height
            self._index()
            self.refresh()
        elif old is None:
            self.refresh_lines(self._starts[row], height)
        else:  # repaint only the lines that look different (usually the chips line alone)
            for offset, (before, after) in enumerate(zip(old, self._block(row), strict=True)):
                if before != after:
                    self.refresh_lines(self._starts[row] + offset)

    # -- layout -----------------------------------------------------------------------------------------

    @property
    def _text_width(self) -> int:
        return max(10, self._width - INDENT - 1)

    def relayout(self) -> None:
        """Recompute every passage's height for the current width (after load, resize or filter)."""
        width = self.scrollable_content_region.width
        if not width:  # not laid out yet: the first resize does it, once, at the real width
            return
        if width != self._width:
            self._width = width
            self._wraps.clear()
        self._strips.clear()
        self._heights = [self._height(row) for row in range(len(self.rows))]
        self._index()
        self.cursor = min(self.cursor, max(0, len(self.rows) - 1))
        self.refresh()

    def _index(self) -> None:
        self._starts = [0, *accumulate(self._heights)]
        self.virtual_size = Size(self._width, self._starts[-1])

    def _wrap(self, index: int) -> list[tuple[int, int]]:
        lines = self._wraps.get(index)
        if lines is None:
            lines = self._wraps[index] = wrap(self.passages[index].text, self._text_width)
        return lines

    def _lines(self, index: int) -> int:
        lines = self._wraps.get(index)
        return len(lines) if lines is not None else line_count(self.passages[index].text, self._text_width)

    def _height(self, row: int) -> int:
        index = self.rows[row]
        passage = self.passages[index]
        bare = passage.id not in self.codings and passage.id not in self.suggestions
        chips = 1 if bare else len(self._chip_layout(passage))
        return chips + self._lines(index) + 1

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._width:
            self.relayout()
            self.scroll_to_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    # -- drawing ----------------------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(
                f"transcript-view--{name}", partial=True
            )
        return style

    def _chips(self, passage: PassageRow) -> list[tuple[str, Style]]:
        codings = sorted(
            self.codings.get(passage.id, ()),
            key=lambda c: (c.coder_id != self.me, c.coder, self._code_order.get(c.code_id, 0), c.start or 0),
        )
        chips = []
        for coding in codings:
            code = self.codes.get(coding.code_id)
            name = _short(shown_name(code.name) if code else f"code {coding.code_id}")
            if coding.start is not None:
                name = f"⌇{name}"
            if coding.memo:
                name = f"{name} ✎"
            if coding.coder_id == self.me:
                chips.append((f" {name} ", chip_style(code.color if code else None)))
            else:
                color = chip_style(code.color if code else None).bgcolor
                chips.append((f"{name}·{shown_name(coding.coder)}", Style(color=color, italic=True)))
        for suggestion in self.open_suggestions(passage.id):  # quiet: a question, and its words
            chips.append((f"+{_short(suggestion.code_name)}? {_short(suggestion.words())}", SUGGESTION))
        return chips

    def _header(self, passage: PassageRow) -> list[Segment]:
        speaker = Style(bold=True, color=self._speaker_colors.get(passage.speaker))
        if passage.moderator and self.dim_moderator:
            speaker = self._style("moderator") + Style(bold=True)
        segments = [
            Segment(f"{passage.number:>4} ", self._style("number")),
            Segment(passage.speaker, speaker),
        ]
        if passage.start_ms is not None:
            segments.append(Segment(f"  {clock(passage.start_ms)}", self._style("time")))
        if passage.id in self.memos:
            segments.append(Segment(" ✎", self._style("memo")))
        return segments

    def _chip_layout(self, passage: PassageRow) -> list[list[int]]:
        header = sum(cell_len(s.text) for s in self._header(passage))
        widths = [cell_len(text) for text, _ in self._chips(passage)]
        return chip_rows(widths, self._width - GUTTER - header - 3, self._text_width)

    def _decorations(self, passage: PassageRow, selected: bool) -> list[tuple[int, int, Style]]:
        marks = []
        for coding in self.codings.get(passage.id, ()):
            if coding.start is not None and coding.end is not None:
                code = self.codes.get(coding.code_id)
                color = chip_style(code.color if code else None).bgcolor
                mine = coding.coder_id == self.me
                marks.append((coding.start, coding.end, Style(underline=True, color=color if mine else None)))
        if selected and self.selection is not None:
            marks.append((*self.selection, self._style("selection")))
        return marks

    def _text_line(
        self, text: str, start: int, end: int, base: Style, marks: list[tuple[int, int, Style]]
    ) -> list[Segment]:
        end = start + len(text[start:end].rstrip())
        cuts = sorted({start, end, *(p for s, e, _ in marks for p in (s, e) if start < p < end)})
        segments = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            style = base
            for s, e, mark in marks:
                if s <= a and b <= e:
                    style = style + mark
            segments.append(Segment(text[a:b], style))
        return segments

    def _block(self, row: int) -> list[Strip]:
        strips = self._strips.get(row)
        if strips is not None:
            return strips
        index = self.rows[row]
        passage = self.passages[index]
        current = row == self.cursor
        width = self._width
        gutter = Segment("▌ " if current else "  ", self._style("gutter") if current else Style())
        pad = Segment(" " * NUMBER)
        chips = self._chips(passage)
        lines: list[list[Segment]] = []
        layout = self._chip_layout(passage) if chips else [[]]
        for number, chip_line in enumerate(layout):
            line = [gutter, *(self._header(passage) if number == 0 else [pad])]
            if number == 0 and chip_line:
                line.append(Segment("   "))
            for i in chip_line:
                line += [Segment(*chips[i]), Segment(" ")]
            lines.append(line)
        base = self._style("moderator") if passage.moderator and self.dim_moderator else Style()
        marks = self._decorations(passage, current)
        for start, end in self._wrap(index):
            lines.append([gutter, pad, *self._text_line(passage.text, start, end, base, marks)])
        lines.append([])
        background = self._style("cursor") if current else Style()
        rich_style = self.rich_style
        strips = [
            Strip(line).adjust_cell_length(width).apply_style(rich_style + background) for line in lines
        ]
        self._strips[row] = strips
        return strips

    def render_line(self, y: int) -> Strip:
        if not self.laid_out and self.rows and self.scrollable_content_region.width:
            # The first frame: Textual knows the width before it sends the Resize; lay out now, so a
            # transcript opens with its text in that frame, not an empty pane until the next one.
            self.relayout()
        line = self.scroll_offset.y + y
        width = self.size.width
        if not self.rows:
            if y == 1:
                return (
                    Strip([Segment(f"  {self.empty_text}", self._style("empty"))])
                    .adjust_cell_length(width)
                    .apply_style(self.rich_style)
                )
            return Strip.blank(width, self.rich_style)
        if not self.laid_out or line >= self._starts[-1]:
            return Strip.blank(width, self.rich_style)
        row = bisect_right(self._starts, line) - 1
        return self._block(row)[line - self._starts[row]]

    # -- cursor -----------------------------------------------------------------------------------------

    def _repaint(self, row: int) -> None:
        if self.laid_out and 0 <= row < len(self.rows):
            self._strips.pop(row, None)
            self.refresh_lines(self._starts[row], self._heights[row])

    def move_to(self, row: int) -> None:
        """Make ``row`` the current passage and scroll it into view (a passage taller than the screen: its
        first lines)."""
        if not self.rows:
            return
        row = max(0, min(row, len(self.rows) - 1))
        moved = row != self.cursor
        if moved:
            old, self.cursor = self.cursor, row
            self.selection = None
            self._repaint(old)
            self._repaint(row)
            self.post_message(self.Moved())
        self.scroll_to_cursor(from_top=moved)

    def _extent(self) -> tuple[int, int]:
        """The first and last screen line of the current passage (its blank separator left out)."""
        top = self._starts[self.cursor]
        return top, top + self._heights[self.cursor] - 2

    def selection_lines(self) -> tuple[int, int] | None:
        """The first and last screen line (of the whole transcript) the selection is drawn on."""
        if self.selection is None or not self.rows or not self.laid_out:
            return None
        lines = self._wrap(self.rows[self.cursor])
        first_text = self._extent()[1] - len(lines) + 1
        starts = [start for start, _ in lines]
        start, end = self.selection
        first = max(0, bisect_right(starts, start) - 1)
        last = max(first, bisect_right(starts, max(start, end - 1)) - 1)
        return first_text + first, first_text + last

    def scroll_to_cursor(self, *, from_top: bool = False) -> None:
        """Keep what the coder acts on in view: the selection if there is one, else the current passage.

        A passage taller than the screen is not pulled back to its top while the coder reads inside it (after
        PgDn, a code key, a poll), unless ``from_top`` (the cursor just arrived) or it left the screen.
        """
        if not self.rows or not self.laid_out:
            return
        height = self.scrollable_content_region.height
        y = self.scroll_offset.y
        first, last = self.selection_lines() or self._extent()
        if last - first + 1 > height:  # taller than the screen
            if from_top or first > y or last < y + height - 1:
                target = first if (from_top or first > y) else last - height + 1
            else:
                return
        elif first < y:
            target = first
        elif last > y + height - 1:
            target = last - height + 1
        else:
            return
        self.scroll_to(y=max(0, target), animate=False, immediate=True)

    def page(self, direction: int) -> None:
        """Move a screenful. Inside a passage taller than the screen, PgDn/PgUp scroll through it first;
        otherwise the cursor lands on the passage at the same place one page further."""
        if not self.rows or not self.laid_out:
            return
        height = max(1, self.scrollable_content_region.height - 1)
        top, last = self._extent()
        y, shown = self.scroll_offset.y, self.scrollable_content_region.height
        if direction > 0 and last > y + shown - 1:
            self.scroll_to(y=min(y + height, last - shown + 1), animate=False, immediate=True)
            return
        if direction < 0 and top < y:
            self.scroll_to(y=max(top, y - height), animate=False, immediate=True)
            return
        y = max(0, min(self.scroll_offset.y + direction * height, self._starts[-1] - height))
        target = max(0, min(self._starts[self.cursor] + direction * height, self._starts[-1] - 1))
        row = bisect_right(self._starts, target) - 1
        if direction > 0 and row <= self.cursor:  # the end of a tall passage: on to the next one
            row = self.cursor + 1
        self.scroll_to(y=y, animate=False, immediate=True)
        self.move_to(row)

    def set_selection(self, span: tuple[int, int] | None) -> None:
        """Select ``span`` of the current passage (None: nothing) and scroll it into view."""
        self.selection = span
        self._repaint(self.cursor)
        if span is not None:
            self.scroll_to_cursor()

    def on_click(self, event: events.Click) -> None:
        if self.rows and self.laid_out:
            line = self.scroll_offset.y + event.y
            self.move_to(min(bisect_right(self._starts, line) - 1, len(self.rows) - 1))
