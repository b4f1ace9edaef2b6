"""Small modal dialogs: choose from a list (optionally fuzzy-filtered by typing), write a memo, name yourself.

One list dialog serves the code picker, transcript search, the filter and removing a code, so they all work
the same way: type to narrow (where there is a box), arrows to move, Enter to choose, Escape to cancel.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from codeer.store.workbench import coder_name_problem

if TYPE_CHECKING:
    from codeer.tui.app import CodeerApp

ChoiceT = TypeVar("ChoiceT", bound=Hashable)
Choice = tuple[ChoiceT, str | Text]  # what is chosen, and how it reads in the list
Ranker = Callable[[str], list[Choice[ChoiceT]]]


class ChoiceScreen(ModalScreen[ChoiceT | None]):
    """Pick one item; with a ``ranker``, a text box narrows the list as you type. Dismissed with what was
    chosen, or None."""

    BINDINGS = [
        Binding("escape", "dismiss_none", "Cancel", id="dialog.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="dialog.down"),
        Binding("up", "move(-1)", "Up", show=False, id="dialog.up"),
    ]

    def __init__(
        self,
        title: str,
        choices: list[Choice[ChoiceT]],
        ranker: Ranker[ChoiceT] | None = None,
        hint: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.ranker = ranker
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            if self.ranker is not None:
                yield Input(placeholder=self.hint or "type to narrow the list", id="choice-input")
            yield OptionList(*self._options(self.choices), id="choice-list")
            yield Label("Enter choose · Esc cancel", classes="dialog-help")

    def _options(self, choices: list[Choice[ChoiceT]]) -> list[Option]:
        return [Option(label, id=str(index)) for index, (_, label) in enumerate(choices)]

    def on_mount(self) -> None:
        self._shown = list(self.choices)
        options = self.query_one(OptionList)
        if self._shown:
            options.highlighted = 0
        if self.ranker is None:
            options.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        assert self.ranker is not None
        self._shown = self.ranker(event.value) if event.value.strip() else list(self.choices)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(self._shown))
        if self._shown:
            options.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._choose(self.query_one(OptionList).highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int | None) -> None:
        if index is not None and 0 <= index < len(self._shown):
            self.dismiss(self._shown[index][0])

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.has_focus:
            options.action_cursor_down() if delta > 0 else options.action_cursor_up()
        elif self._shown:
            options.highlighted = max(0, min((options.highlighted or 0) + delta, len(self._shown) - 1))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class MemoTarget:
    """Something a memo can be written on: ``kind`` "passage" (id = passage id) or "coding" (coding id)."""

    kind: str
    id: int
    label: str
    text: str


class MemoScreen(ModalScreen[list[tuple[MemoTarget, str]] | None]):
    """Write a memo on the passage or on one of your codings there; Ctrl+S saves every memo changed.

    Drafts are kept per target while the coder switches between them, and Ctrl+S saves each one whose text
    differs from what was stored (not only the one on screen): typed text is never dropped without a word.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="memo.save"),
        Binding("escape", "dismiss_none", "Cancel", id="memo.cancel"),
    ]

    def __init__(self, targets: list[MemoTarget]) -> None:
        super().__init__()
        self.targets = targets
        self.target = targets[0]
        self.drafts: dict[MemoTarget, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog memo"):
            yield Label("Memo", classes="dialog-title")
            if len(self.targets) > 1:
                yield OptionList(*(Option(t.label) for t in self.targets), id="memo-targets")
            yield TextArea(self.target.text, id="memo-text", soft_wrap=True, show_line_numbers=False)
            yield Label(
                f"on {self.target.label} · Ctrl+S save · Esc cancel · empty = delete",
                classes="dialog-help",
                id="memo-help",
            )

    def on_mount(self) -> None:
        if len(self.targets) > 1:
            self.query_one(OptionList).highlighted = 0
        self.query_one(TextArea).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        area = self.query_one(TextArea)
        self.drafts[self.target] = area.text  # switching targets keeps what was typed for each
        self.target = self.targets[event.option_index]
        area.text = self.drafts.get(self.target, self.target.text)
        self.query_one("#memo-help", Label).update(
            f"on {self.target.label} · Ctrl+S save · Esc cancel · empty = delete"
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.drafts[self.target] = self.query_one(TextArea).text
        changed = [
            (target, self.drafts[target].strip())
            for target in self.targets
            if target in self.drafts and self.drafts[target].strip() != target.text.strip()
        ]
        self.dismiss(changed)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class CoderPrompt(ModalScreen[str]):
    """Asked once, when no coder name is known: codings are always someone's. A name that cannot be a
    person's (blank, the settlement coder ``consensus``, too long) is refused with the reason, in place."""

    HELP = "Your name or initials; codeer remembers it in codeer.yaml."

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Who is coding?", classes="dialog-title")
            yield Label(self.HELP, classes="dialog-help", id="coder-help")
            yield Input(placeholder="e.g. anouk", id="coder-name")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        problem = coder_name_problem(event.value)
        if problem is not None:
            self.query_one("#coder-help", Label).update(
                Text(problem[0].upper() + problem[1:] + ".", "bold red")
            )
            return
        self.dismiss(event.value.strip())


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: ``y`` says yes; ``n``, Enter or Escape no (saying yes takes the deliberate key)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape,enter", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            yield Label("y yes · n / Esc no", classes="dialog-help")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def ask_to_show_others(app: CodeerApp, what: str, then: Callable[[], object]) -> None:
    """Run ``then`` once other coders' work may be shown: at once if it is, after a yes if the person codes
    blind, never where the project forbids it (:mod:`codeer.store.blinding`)."""
    if app.others_shown:
        then()
    elif app.others_forbidden:
        app.notify(
            f"{what} shows other coders' codes, and this project codes blind: it cannot be shown.",
            severity="error",
        )
    else:

        def answered(yes: bool | None) -> None:
            if yes:
                app.others_chosen = True
                app.notify("Other coders' codes are shown from now on (v on the coding screen hides them).")
                then()

        app.push_screen(
            ConfirmScreen(f"{what} shows other coders' codes, so you stop coding blind. Show them?"), answered
        )
