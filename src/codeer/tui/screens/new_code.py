"""Making a code while coding, and editing a code's definition, rules, examples and memo.

Open coding names codes from the transcripts: one key on the coding screen opens a small form (name, parent
chosen by typing, optional hotkey and definition); Enter makes the code in the active codebook and applies it
to the passage or the selection, in one transaction and one undo. With a selection the selected words are
offered as the name (an in-vivo code). A project without a codebook gets one with its first code.

The form checks what it can (a name), and the database the rest (a hotkey taken, an id in use): a refused code
keeps the form open with the reason, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from sqlalchemy import select
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from codeer.errors import CodeerError
from codeer.model import Code, Codebook
from codeer.store.blinding import visible_coder
from codeer.store.codebook_history import undo_latest_codebook_change
from codeer.store.codebook_ops import add_code, code_memo, edit_code, set_code_memo
from codeer.store.coding import CodingKey
from codeer.store.workbench import CodeInfo, CodingRow, list_codes, load_codings
from codeer.tui.dbqueue import describe_error
from codeer.tui.fuzzy import rank_codes
from codeer.tui.screens.base import CodeerScreen

if TYPE_CHECKING:
    from codeer.tui.screens.coding import CodingScreen

TOP = -1  # the "top level" choice of the parent list
QUOTES = " \t\n.,;:!?\"'“”‘’()[]…-–—"


def in_vivo(text: str, span: tuple[int, int] | None) -> str:
    """The selected words as a code name: whitespace collapsed, quotes and punctuation at the ends dropped."""
    if span is None:
        return ""
    return " ".join(text[span[0] : span[1]].split()).strip(QUOTES)[:200]


@dataclass(frozen=True)
class NewCode:
    name: str
    parent: str | None  # the parent's key
    hotkey: str | None
    definition: str


class NewCodeScreen(ModalScreen[Any]):
    """Name (required), parent (type to find it), hotkey, definition; Enter makes the code, Esc cancels.

    ``create`` runs the change (on the database worker) and returns what the caller wants back; a
    :class:`CodeerError` from it is shown in the form, which stays open.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="new_code.cancel"),
        Binding("down", "parent(1)", "Next parent", show=False, id="new_code.parent_down"),
        Binding("up", "parent(-1)", "Previous parent", show=False, id="new_code.parent_up"),
    ]

    def __init__(
        self,
        title: str,
        name: str,
        codes: list[CodeInfo],
        create: Callable[[NewCode], Any],
        parent: CodeInfo | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.name_text = name
        self.codes = codes
        self.create = create
        self.parent_code = parent
        self.shown: list[tuple[int, CodeInfo | None]] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog new-code"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(self.name_text, placeholder="name (required)", id="new-name")
            yield Input(
                self.parent_code.name if self.parent_code else "",
                placeholder="parent: type to find a code (empty: top level)",
                id="new-parent",
            )
            options = OptionList(id="new-parent-list")
            options.can_focus = False
            yield options
            yield Input(placeholder="hotkey (optional, one character)", id="new-hotkey", max_length=1)
            yield Input(placeholder="definition (optional)", id="new-definition")
            yield Label("", id="new-error", classes="dialog-error")
            yield Label("Enter make it · Tab next field · ↑↓ parent · Esc cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self._fill(self.query_one("#new-parent", Input).value)
        self.query_one("#new-name", Input).focus()

    def _fill(self, query: str) -> None:
        found = rank_codes(query, self.codes) if query.strip() else list(self.codes)
        self.shown = [(TOP, None)] + [(c.id, c) for c in found]
        options = self.query_one("#new-parent-list", OptionList)
        options.clear_options()
        options.add_options(
            Option(Text("  " * c.depth + c.name) if c else Text("(top level)", style="italic"))
            for _, c in self.shown
        )
        first = 1 if query.strip() and len(self.shown) > 1 else 0
        if self.parent_code is not None and not query.strip():
            wanted = self.parent_code.id
            first = next((i for i, (code_id, _) in enumerate(self.shown) if code_id == wanted), 0)
        options.highlighted = first

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "new-parent":
            self.parent_code = None
            self._fill(event.value)

    def action_parent(self, delta: int) -> None:
        options = self.query_one("#new-parent-list", OptionList)
        if self.shown:
            options.highlighted = max(0, min((options.highlighted or 0) + delta, len(self.shown) - 1))

    def _chosen_parent(self) -> str | None:
        index = self.query_one("#new-parent-list", OptionList).highlighted
        code = self.shown[index][1] if index is not None and index < len(self.shown) else None
        return code.key if code else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = self.query_one("#new-name", Input).value.strip()
        error = self.query_one("#new-error", Label)
        if not name:
            error.update("A code needs a name.")
            self.query_one("#new-name", Input).focus()
            return
        wanted = NewCode(
            name,
            self._chosen_parent(),
            self.query_one("#new-hotkey", Input).value.strip() or None,
            self.query_one("#new-definition", Input).value.strip(),
        )
        try:
            result = self.create(wanted)
        except CodeerError as exc:
            error.update(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a database failure is shown; the form stays open
            error.update(f"Not saved: {describe_error(exc)}")
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class CodeEdit:
    """What the edit form returns: the fields, ``examples`` one per line, and the memo."""

    name: str
    definition: str
    include: str
    exclude: str
    examples: list[str]
    memo: str


class EditCodeScreen(ModalScreen[Any]):
    """A code's name, definition, include and exclude rules, examples (one a line) and memo; Ctrl+S saves."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="edit_code.save"),
        Binding("escape", "cancel", "Cancel", id="edit_code.cancel"),
    ]

    def __init__(self, code: CodeInfo, memo: str, save: Callable[[CodeEdit], Any]) -> None:
        super().__init__()
        self.code = code
        self.memo = memo
        self.save = save

    def compose(self) -> ComposeResult:
        code = self.code
        with VerticalScroll(classes="dialog edit-code"):
            yield Label(f"Edit {code.name}  ({code.codebook}:{code.key})", classes="dialog-title")
            yield Input(code.name, placeholder="name", id="edit-name")
            for field, text in (
                ("definition", code.definition),
                ("include", code.include),
                ("exclude", code.exclude),
                ("examples", "\n".join(code.examples)),
                ("memo", self.memo),
            ):
                yield Label(field + (" (one per line)" if field == "examples" else ""), classes="field-label")
                yield TextArea(text, id=f"edit-{field}", soft_wrap=True, show_line_numbers=False)
            yield Label("", id="edit-error", classes="dialog-error")
            yield Label("Ctrl+S save · Tab next field · Esc cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#edit-definition", TextArea).focus()

    def _text(self, field: str) -> str:
        return self.query_one(f"#edit-{field}", TextArea).text.strip()

    def action_save(self) -> None:
        edit = CodeEdit(
            self.query_one("#edit-name", Input).value.strip(),
            self._text("definition"),
            self._text("include"),
            self._text("exclude"),
            [line.strip() for line in self._text("examples").splitlines() if line.strip()],
            self._text("memo"),
        )
        try:
            result = self.save(edit)
        except CodeerError as exc:
            self.query_one("#edit-error", Label).update(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a database failure is shown; the form stays open
            self.query_one("#edit-error", Label).update(f"Not saved: {describe_error(exc)}")
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


def save_code_edit(session: Session, coder_id: int, code: CodeInfo, edit: CodeEdit) -> list[str]:
    """Write an edit form's fields and memo (two entries in the codebook history when both changed)."""
    ref = f"{code.codebook}:{code.key}"
    messages = [
        edit_code(
            session,
            coder_id,
            ref,
            name=edit.name,
            definition=edit.definition,
            include=edit.include,
            exclude=edit.exclude,
            examples=edit.examples,
        ).message
    ]
    messages.append(set_code_memo(session, coder_id, ref, edit.memo).message)
    return messages


# -- on the coding screen -----------------------------------------------------------------------------------


def reload_codebook(screen: CodingScreen, active: str | None = None) -> None:
    """Reread codes and this transcript's codings (after a merge or split in the codebook screen)."""
    transcript_id, whose = screen.transcript.id, visible_coder(screen.app.coder_id, screen.show_others)

    def job(session: Session) -> tuple[list[CodeInfo], list[CodingRow]]:
        return list_codes(session), load_codings(session, transcript_id, whose)

    codes, codings = screen.app.queue.call(job)
    screen.show_codes(codes, active)
    screen.view.replace_codings(codings)
    screen._counts()
    screen._status()


def new_code(screen: CodingScreen) -> None:
    """Open the new-code form for the current passage or selection; Enter makes and applies the code."""
    passage = screen.view.current
    if passage is None or not screen.ready.is_set():
        return
    span = screen.view.selection
    me, book = screen.app.coder_id, screen.active_book or None
    candidates = [c for c in screen.codes if c.codebook == screen.active_book]
    where = "the selection" if span else f"#{passage.number}"

    def create(wanted: NewCode):
        def job(session: Session):
            outcome = add_code(
                session,
                me,
                wanted.name,
                codebook=book,
                parent=wanted.parent,
                hotkey=wanted.hotkey,
                definition=wanted.definition,
                apply_to=CodingKey(passage.id, 0, me, *(span or (None, None))),
            )
            return outcome, session.scalar(select(Codebook.key).join(Code).where(Code.id == outcome.code_id))

        return screen.app.queue.call(job)

    def done(result) -> None:
        if result is None:
            return
        outcome, active = result
        screen.view.set_selection(None)
        reload_codebook(screen, active)
        screen.panel.highlight(outcome.code_id)
        screen.notify(outcome.message, timeout=4)

    screen.app.push_screen(
        NewCodeScreen(f"New code on {where}", in_vivo(passage.text, span), candidates, create), done
    )


def edit_highlighted(screen: CodingScreen) -> None:
    """Edit the code highlighted in the codebook panel (the one whose rules ``r`` shows)."""
    code = screen.panel.highlighted
    if code is None:
        screen.notify("Highlight a code in the codebook (Tab) to edit it.", timeout=3)
        return
    def after() -> None:
        reload_codebook(screen)
        screen.panel.highlight(code.id)

    open_edit(screen, code, after)


def open_edit(screen: CodeerScreen[Any], code: CodeInfo, after: Callable[[], None]) -> None:
    """The edit form for ``code`` over ``screen`` (coding or codebook); ``after`` once it is saved."""
    me = screen.app.coder_id
    memo = screen.app.queue.call(lambda session: code_memo(session, code.id))

    def save(edit: CodeEdit) -> list[str]:
        return screen.app.queue.call(lambda session: save_code_edit(session, me, code, edit))

    def done(messages: list[str] | None) -> None:
        if messages is None:
            return
        after()
        screen.notify("; ".join(messages), timeout=4)

    screen.app.push_screen(EditCodeScreen(code, memo, save), done)


def undo_codebook_change(screen: CodingScreen) -> bool:
    """``u`` on the coding screen: undo the coder's last codebook change (e.g. a code made with Ctrl+K, and
    its coding) when it came after their last coding action; False leaves ``u`` to the coding history."""
    me = screen.app.coder_id
    try:
        event = screen.app.queue.call(lambda session: undo_latest_codebook_change(session, me))
    except CodeerError as exc:
        screen.notify(str(exc), title="Not undone", severity="warning", timeout=8)
        return True
    if event is None:
        return False
    reload_codebook(screen)
    screen.notify(event.detail, timeout=4)
    return True
