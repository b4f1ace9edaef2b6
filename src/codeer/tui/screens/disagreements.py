"""The disagreement queue: one passage at a time, each coder's codes and memos side by side with the
definitions of the codes they differ on; one key settles it into the consensus coder.

Keys: ``1``/``2``/… keep that coder's codes, ``b`` both (the union), ``n`` neither, ``e`` edit (choose the
codes), ``c`` a note that goes with the next settlement; ``j``/``k`` skip forward and back. Settling is one
transaction on the database worker (:func:`codeer.store.consensus.settle`); the passage leaves the queue only
once it has committed. A settled passage does not come back; the consensus coder is a coder like any other,
so its codings can still be changed in the workbench (open the workbench as that coder).

Showing other coders' codes is what this screen is for, so it opens only once the person chose to see them
(``a`` on the transcripts list asks) and refuses where the project enforces blind coding
(``show_others_allowed: false`` or the database setting ``forbid_show_others``); its title says OTHER CODERS
SHOWN.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.console import Group
from rich.text import Text
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from codeer.store.blinding import show_others_forbidden
from codeer.store.consensus import (
    BOTH,
    CONSENSUS,
    NEITHER,
    Choice,
    CoderView,
    Disagreement,
    disagreements,
    settle,
)
from codeer.store.workbench import CodeInfo, list_codes
from codeer.tui import keymap
from codeer.tui.dbqueue import describe_error
from codeer.tui.screens.base import CodeerScreen
from codeer.tui.widgets.codebook_panel import rules_text
from codeer.tui.widgets.key_bar import KeyBar

EXCERPT = 60


class NoteScreen(ModalScreen[str | None]):
    """One line of note; Enter keeps it, Escape drops it."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", id="note.cancel")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Note on the settlement", classes="dialog-title")
            yield Input(self.text, placeholder="why this outcome (optional)", id="note-input")
            yield Label("Enter keep · Esc cancel", classes="dialog-help")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


def tick_label(code: CodeInfo, ticked: bool, applied_by: Collection[str]) -> Text:
    """One line of the edit list: ``[x]`` or ``[ ]`` in plain characters (a ticked box must not differ from an
    empty one by colour alone: 16 colours, monochrome), the code, and which coders applied it."""
    label = Text("[x] " if ticked else "[ ] ", style="bold" if ticked else "")
    label.append(f"{'  ' * code.depth}{code.name}", style="bold" if ticked else "")
    label.append(f" ({code.key})", style="dim")
    if applied_by:
        label.append(f"  by {', '.join(applied_by)}", style="italic")
    return label


class CodesScreen(ModalScreen[list[int] | None]):
    """Choose the consensus codes: Space ticks or unticks, Ctrl+S settles with the ticked codes, Esc cancels.

    Only the codes every coder applied start ticked (what they agree on); a code only some applied is shown
    with their names, to be ticked on purpose.
    """

    BINDINGS = [
        Binding("space", "tick", "Tick", id="codes.tick"),
        Binding("ctrl+s", "save", "Settle", id="codes.save"),
        Binding("escape", "dismiss_none", "Cancel", id="codes.cancel"),
    ]

    def __init__(
        self, codes: list[CodeInfo], ticked: Collection[int], applied_by: dict[int, list[str]] | None = None
    ) -> None:
        super().__init__()
        self.codes = codes
        self.ticked = set(ticked)
        self.applied_by = applied_by or {}

    def _label(self, code: CodeInfo) -> Text:
        return tick_label(code, code.id in self.ticked, self.applied_by.get(code.id, ()))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("The consensus codes for this passage", classes="dialog-title")
            yield OptionList(*(Option(self._label(c), id=str(c.id)) for c in self.codes), id="codes-list")
            yield Label(id="codes-help", classes="dialog-help")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0 if self.codes else None
        options.focus()
        self._help()

    def _help(self) -> None:
        self.query_one("#codes-help", Label).update(
            f"{len(self.ticked)} ticked · Space tick · Ctrl+S settle · Esc cancel"
        )

    def action_tick(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None:
            return
        code = self.codes[index]
        self.ticked ^= {code.id}
        options.replace_option_prompt_at_index(index, self._label(code))
        self._help()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_tick()  # Enter ticks too; settling is Ctrl+S

    def action_save(self) -> None:
        self.dismiss([c.id for c in self.codes if c.id in self.ticked])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


def coder_panel(view: CoderView, text: str, differing: Collection[int]) -> Text:
    """A coder's codes on the passage (differing ones marked), with the words of a span, and memos."""
    lines = Text()
    if not view.rated:
        return Text("did not code this transcript", style="dim italic")
    if not view.codings:
        lines.append("no code\n", style="dim")
    for coding in view.codings:
        mark = "≠ " if coding.code_id in differing else "  "
        lines.append(mark, style="bold yellow")
        lines.append(coding.code_name, style="bold" if coding.code_id in differing else "")
        lines.append(f" ({coding.code_key})", style="dim")
        if coding.start is not None:
            words = text[coding.start : coding.end]
            words = words if len(words) <= EXCERPT else words[: EXCERPT - 1] + "…"
            lines.append(f"\n    “{words}”", style="italic")
        if coding.memo:
            lines.append(f"\n    ✎ {coding.memo}", style="yellow")
        lines.append("\n")
    for memo in view.memos:
        lines.append(f"✎ {memo}\n", style="yellow")
    lines.rstrip()
    return lines


def definitions_panel(codes: list[CodeInfo]) -> Group | Text:
    """The codebook's rules of the codes the coders differ on, as the coding screen shows them."""
    return Group(*(rules_text(code) for code in codes)) if codes else Text("")


class DisagreementsScreen(CodeerScreen[None]):
    KEYS = keymap.DISAGREEMENTS
    BINDINGS = keymap.bindings(KEYS)
    DEFAULT_CSS = """
    #disagreements-body { height: 1fr; padding: 0 1; }
    #disagreement-passage { margin: 1 0; }
    #disagreement-coders { height: auto; }
    .disagreement-coder { width: 1fr; height: auto; border: round $panel-lighten-2; padding: 0 1; }
    #disagreement-definitions { margin: 1 0; color: $text-muted; }
    """

    def __init__(
        self,
        coders: tuple[str, ...],
        *,
        code: int | None = None,
        code_name: str = "",
        consensus: str = CONSENSUS,
    ) -> None:
        super().__init__()
        self.coders = coders
        self.code = code
        self.code_name = code_name
        self.consensus = consensus
        self.items: list[Disagreement] = []
        self.codes: dict[int, CodeInfo] = {}
        self.index = 0
        self.note = ""

    def compose(self) -> ComposeResult:
        yield Static("Disagreements: reading…", id="disagreements-title", classes="title-bar")
        with VerticalScroll(id="disagreements-body"):
            yield Static(id="disagreement-passage")
            with Horizontal(id="disagreement-coders"):
                for name in self.coders:
                    panel = Static(classes="disagreement-coder")
                    panel.border_title = name
                    yield panel
            yield Static(id="disagreement-definitions")
        yield Static(id="disagreements-status", classes="status-bar")
        yield KeyBar()

    # -- loading ----------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        """Read the queue on the database worker: a large one takes a moment, and the screen says so."""
        coders, code, consensus = self.coders, self.code, self.consensus
        if not self.app.others_shown:
            self._refuse()
            return

        def read(session: Session) -> tuple[bool, list[Disagreement], list[CodeInfo]]:
            if show_others_forbidden(session):
                return True, [], []
            return False, disagreements(session, coders, code=code, consensus=consensus), list_codes(session)

        def failed(exc: BaseException) -> None:
            self.notify(f"Cannot read the disagreements: {describe_error(exc)}", severity="error")
            self.app.pop_screen()

        self.app.queue.start(read, self._loaded, failed, self.call_next, wait=0)

    def _refuse(self) -> None:
        reason = (
            "This project enforces blind coding: other coders' codes cannot be shown."
            if self.app.others_forbidden
            else "You code blind: the disagreement queue shows other coders' codes (a on the list asks)."
        )
        self.notify(reason, severity="error")
        self.app.pop_screen()

    def _loaded(self, result: tuple[bool, list[Disagreement], list[CodeInfo]]) -> None:
        forbidden, items, codes = result
        if forbidden:
            self.app.others_forbidden = True
            self._refuse()
            return
        self.items, self.codes = items, {c.id: c for c in codes}
        self._show()

    @property
    def current(self) -> Disagreement | None:
        return self.items[self.index] if self.items else None

    def _show(self) -> None:
        self.index = max(0, min(self.index, len(self.items) - 1))
        about = f" on {self.code_name}" if self.code_name else ""
        title = Text.assemble(
            (" OTHER CODERS SHOWN ", "bold reverse"),
            " ",
            ("Disagreements", "bold"),
            f"{about} · {' vs '.join(self.coders)} · ",
            (f"{len(self.items)} remaining", "bold"),
            f" · settling as {self.consensus}",
        )
        self.query_one("#disagreements-title", Static).update(title)
        item = self.current
        panels = list(self.query(".disagreement-coder").results(Static))
        if item is None:
            self.query_one("#disagreement-passage", Static).update(
                Text("Nothing left to settle.", style="bold")
            )
            for panel in panels:
                panel.update("")
            self.query_one("#disagreement-definitions", Static).update("")
            self._status()
            return
        where = f"{item.transcript_key} · passage {item.number}" + (
            f" · {item.speaker}" if item.speaker else ""
        )
        self.query_one("#disagreement-passage", Static).update(
            Text.assemble((where, "bold"), f"   ({self.index + 1} of {len(self.items)})\n", item.text)
        )
        for panel, view in zip(panels, item.coders, strict=True):
            panel.update(coder_panel(view, item.text, item.differing))
        shown = [self.codes[c] for c in item.differing if c in self.codes]
        self.query_one("#disagreement-definitions", Static).update(definitions_panel(shown))
        self._status()

    def _status(self, message: str = "") -> None:
        note = f"note: {self.note}" if self.note else "no note (c to add one)"
        self.query_one("#disagreements-status", Static).update(" · ".join(p for p in (message, note) if p))

    # -- settling -----------------------------------------------------------------------------------------

    def _settle(self, choice: Choice, label: str) -> None:
        item = self.current
        if item is None:
            return
        coders, consensus, note = self.coders, self.consensus, self.note

        def done(_: object) -> None:
            if item in self.items:
                self.items.remove(item)
            self.note = ""
            self._show()
            self._status(f"settled {item.transcript_key} · {item.number}: {label}")

        self.app.queue.start(
            lambda session: settle(session, item.passage_id, choice, coders, consensus, note),
            done,
            lambda exc: self._status(f"not settled: {describe_error(exc)}"),
            self.call_next,
        )

    def action_keep(self, index: int) -> None:
        if index < len(self.coders):
            self._settle(self.coders[index], f"kept {self.coders[index]}")

    def action_both(self) -> None:
        self._settle(BOTH, "both")

    def action_neither(self) -> None:
        self._settle(NEITHER, "neither")

    def action_edit(self) -> None:
        item = self.current
        if item is None:
            return
        rated = [view for view in item.coders if view.rated]
        agreed = set.intersection(*(set(view.code_ids) for view in rated)) if rated else set()
        applied_by: dict[int, list[str]] = {}
        for name, view in zip(self.coders, item.coders, strict=True):
            for code_id in view.code_ids:
                applied_by.setdefault(code_id, []).append(name)

        def chosen(codes: list[int] | None) -> None:
            if codes is not None:
                self._settle(frozenset(codes), "edited")

        self.app.push_screen(CodesScreen(list(self.codes.values()), agreed, applied_by), chosen)

    def action_note(self) -> None:
        def written(text: str | None) -> None:
            if text is not None:
                self.note = text
                self._status()

        self.app.push_screen(NoteScreen(self.note), written)

    def action_step(self, delta: int) -> None:
        if self.items:
            self.index = (self.index + delta) % len(self.items)
            self._show()

    def action_back(self) -> None:
        self.app.pop_screen()
