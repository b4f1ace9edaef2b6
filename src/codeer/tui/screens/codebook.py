"""The codebook screen: reshape the codebook while the coding goes on.

A tree of every code with its number of codings (all coders), and beside it the highlighted code's definition,
rules, examples and memo. One key each: new code, edit, rename, move, merge, split (quotes picked with the
keyboard), delete, undo, search. Each change is one transaction and one entry in the codebook history, made
through :mod:`codeer.store.codebook_ops`; a refused change (a later change in the way, a taken hotkey) is
shown and changes nothing.

Blind coding holds here too (:mod:`codeer.store.blinding`): unless the coder has chosen to see other coders'
work (``v`` on the coding screen) and the project allows it, the counts are of the coder's own codings and
the split picker lists only their own quotes; merging and deleting still act on every coder's codings,
without showing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, SelectionList, Static, Tree
from textual.widgets.tree import TreeNode

from codeer.errors import CodeerError
from codeer.store.blinding import visible_coder
from codeer.store.codebook_history import undo_change
from codeer.store.codebook_ops import (
    Outcome,
    add_code,
    code_quotes,
    coding_counts,
    delete_code,
    merge_codes,
    move_code,
    rename_code,
    search_codes,
    split_code,
)
from codeer.store.workbench import CodeInfo, list_codes
from codeer.tui import keymap
from codeer.tui.dbqueue import describe_error
from codeer.tui.fuzzy import rank_codes
from codeer.tui.screens.base import CodeerScreen
from codeer.tui.screens.dialogs import Choice, ChoiceScreen
from codeer.tui.screens.new_code import NewCode, NewCodeScreen, open_edit
from codeer.tui.widgets.codebook_panel import rules_text
from codeer.tui.widgets.key_bar import KeyBar

TOP = "top"
NEW = "new"


class AskScreen(ModalScreen[str | None]):
    """One line of text (a new name); Enter gives it, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask.cancel")]

    def __init__(self, title: str, value: str = "", *, allow_empty: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.allow_empty = allow_empty

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(self.value, id="ask-input")
            yield Label("Enter OK · Esc cancel", classes="dialog-help")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() or self.allow_empty:
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class QuotesScreen(ModalScreen[list[int] | None]):
    """Pick the quotes to split off: Space marks one, Enter takes the marked ones, Esc cancels."""

    BINDINGS = [
        Binding("enter", "take", "Take the marked", id="quotes_pick.take", priority=True),
        Binding("escape", "cancel", "Cancel", id="quotes_pick.cancel"),
    ]

    def __init__(self, title: str, quotes: list[tuple[int, Text]]) -> None:
        super().__init__()
        self.title_text = title
        self.quotes = quotes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog quotes-pick"):
            yield Label(self.title_text, classes="dialog-title")
            yield SelectionList[int](
                *((label, coding_id) for coding_id, label in self.quotes), id="quotes-list"
            )
            yield Label("Space mark · Enter split the marked off · Esc cancel", classes="dialog-help")

    def on_mount(self) -> None:
        quotes = self.query_one(SelectionList)
        quotes.highlighted = 0
        quotes.focus()

    def action_take(self) -> None:
        chosen = list(self.query_one(SelectionList).selected)
        if chosen:
            self.dismiss(chosen)
        else:
            self.notify("Mark quotes with Space first.", timeout=3)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CodebookScreen(CodeerScreen[bool]):
    """Dismissed with True when anything changed, so the screen below rereads its codes."""

    KEYS = keymap.CODEBOOK
    BINDINGS = keymap.bindings(KEYS)
    AUTO_FOCUS = "#codebook-tree"

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[CodeInfo] = []
        self.counts: dict[int, int] = {}
        self.changed = False
        self.query_text = ""
        self.found: set[int] = set()  # codes whose words match the search (name, rules, memo, ...)
        self.code_nodes: dict[int, TreeNode[int]] = {}

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("codeer", "bold"), "  codebook"), classes="title-bar")
        with Horizontal(id="codebook-body"):
            tree: Tree[int] = Tree("Codebooks", id="codebook-tree")
            tree.show_root = False
            tree.guide_depth = 2
            yield tree
            with VerticalScroll(id="codebook-detail"):
                yield Static(id="codebook-detail-text")
        yield Static(id="codebook-status", classes="status-bar")
        yield KeyBar()

    @property
    def code_tree(self) -> Tree[int]:
        return self.query_one("#codebook-tree", Tree)

    @property
    def whose(self) -> int | None:
        """Whose codings the screen counts and quotes: the coder's own while blind (the default)."""
        return visible_coder(self.app.coder_id, self.app.others_shown)

    @property
    def counted(self) -> str:
        return "all coders" if self.whose is None else "yours"

    def on_mount(self) -> None:
        self.reload()

    # -- showing -------------------------------------------------------------------------------------------

    def reload(self, highlight: int | None = None) -> None:
        current = self.highlighted
        keep = highlight if highlight is not None else (current.id if current else None)
        whose, words = self.whose, self.query_text.split()
        self.codes, self.counts, self.found = self.app.queue.call(
            lambda s: (
                list_codes(s),
                coding_counts(s, whose),
                {found.code_id for found in search_codes(s, words)},
            )
        )
        shown = (
            {c.id for c in rank_codes(self.query_text, self.codes, limit=1000)} | self.found
            if self.query_text
            else None
        )
        tree = self.code_tree
        tree.clear()
        self.code_nodes = {}
        books: dict[str, TreeNode[int]] = {}
        for code in self.codes:
            if shown is not None and code.id not in shown:
                continue
            parent = self.code_nodes.get(code.parent_id) if code.parent_id is not None else None
            if parent is None:
                parent = books.get(code.codebook) or books.setdefault(
                    code.codebook, tree.root.add(Text(code.codebook, style="bold"), expand=True)
                )
            label = Text(code.name)
            label.append(f"  {code.key}", style="dim")
            if self.counts.get(code.id):
                label.append(f"  {self.counts[code.id]}", style="dim")
            self.code_nodes[code.id] = parent.add(label, data=code.id, expand=True, allow_expand=False)
        if not self.codes:
            tree.root.add_leaf(Text("No codes yet: press a to make one.", style="italic"))
        node = self.code_nodes.get(keep) if keep is not None else None
        target = node or next(iter(self.code_nodes.values()), None)
        tree.move_cursor(target)
        self.call_after_refresh(self._settle_cursor, target)  # the new lines exist after the next refresh
        self.show_detail()
        self._status()

    def _settle_cursor(self, node: TreeNode[int] | None) -> None:
        if node is not None and self.code_tree.cursor_node is not node:
            self.code_tree.move_cursor(node)
        self.show_detail()

    def _status(self) -> None:
        status = Text(f" {len(self.codes)} codes ")
        if self.query_text:
            status.append(f"  matching {self.query_text!r} (/ to change)", style="dim")
        self.query_one("#codebook-status", Static).update(status)

    @property
    def highlighted(self) -> CodeInfo | None:
        if not self.is_mounted:
            return None
        node = self.code_tree.cursor_node
        if node is None or node.data is None:
            return None
        return next((c for c in self.codes if c.id == node.data), None)

    def show_detail(self) -> None:
        code = self.highlighted
        detail = self.query_one("#codebook-detail-text", Static)
        if code is None:
            detail.update(Text("Highlight a code.", style="italic"))
            return
        text = rules_text(code)
        text.append(f"\n\nCodings: {self.counts.get(code.id, 0)} ({self.counted})", style="dim")
        if not code.memo:  # a memo is in the rules text
            text.append("\nMemo: ", style="bold")
            text.append("none yet (e edits it)", style="dim italic")
        detail.update(text)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[int]) -> None:
        self.show_detail()

    # -- changing ------------------------------------------------------------------------------------------

    def change(self, what: str, job: Callable[[Session, int], Outcome | Any]) -> bool:
        """Run one codebook change now; notify its outcome or why it was refused."""
        me = self.app.coder_id
        try:
            outcome = self.app.queue.call(lambda s: job(s, me))
        except CodeerError as exc:
            self.notify(str(exc), title=f"Not done: {what}", severity="warning", timeout=8)
            return False
        except Exception as exc:  # noqa: BLE001 - a database failure is shown, nothing changed
            self.notify(describe_error(exc), title=f"Not saved: {what}", severity="error", timeout=10)
            return False
        self.changed = True
        message = outcome.message if isinstance(outcome, Outcome) else str(outcome)
        self.reload(outcome.code_id if isinstance(outcome, Outcome) and outcome.code_id else None)
        self.notify(message, timeout=4)
        return True

    def _need_code(self) -> CodeInfo | None:
        code = self.highlighted
        if code is None:
            self.notify("Highlight a code first.", timeout=3)
        return code

    def _ref(self, code: CodeInfo) -> str:
        return f"{code.codebook}:{code.key}"

    def _choices(
        self, code: CodeInfo, extra: list[Choice[str]], exclude: set[int]
    ) -> Callable[[str], list[Choice[str]]]:
        same = [c for c in self.codes if c.codebook == code.codebook and c.id not in exclude]

        def ranker(query: str) -> list[Choice[str]]:
            found = rank_codes(query, same) if query.strip() else same
            return (extra if not query.strip() else []) + [
                (c.key, Text("  " * c.depth + c.name).append(f"  {c.key}", style="dim")) for c in found
            ]

        return ranker

    def action_add(self) -> None:
        parent = self.highlighted
        book = parent.codebook if parent else None
        candidates = [c for c in self.codes if book is None or c.codebook == book]

        def create(wanted: NewCode) -> Outcome:
            return self.app.queue.call(
                lambda s: add_code(
                    s,
                    self.app.coder_id,
                    wanted.name,
                    codebook=book,
                    parent=wanted.parent,
                    hotkey=wanted.hotkey,
                    definition=wanted.definition,
                )
            )

        def done(outcome: Outcome | None) -> None:
            if outcome is not None:
                self.changed = True
                self.reload(outcome.code_id)
                self.notify(outcome.message, timeout=4)

        self.app.push_screen(NewCodeScreen("New code", "", candidates, create, parent=parent), done)

    def action_edit(self) -> None:
        code = self._need_code()
        if code is not None:
            open_edit(self, code, self._edited)

    def _edited(self) -> None:
        self.changed = True
        self.reload()

    def action_rename(self) -> None:
        code = self._need_code()
        if code is None:
            return

        def done(name: str | None) -> None:
            if name:
                self.change("rename", lambda s, me: rename_code(s, me, self._ref(code), name))

        self.app.push_screen(AskScreen(f"Rename {code.name}", code.name), done)

    def action_move(self) -> None:
        code = self._need_code()
        if code is None:
            return
        inside = self._descendants(code.id)
        ranker = self._choices(code, [(TOP, Text("(top level)", style="italic"))], inside)

        def done(parent: str | None) -> None:
            if parent is not None:
                target = None if parent == TOP else f"{code.codebook}:{parent}"
                self.change("move", lambda s, me: move_code(s, me, self._ref(code), target))

        self.app.push_screen(
            ChoiceScreen(f"Move {code.name} under…", ranker(""), ranker, hint="a code"), done
        )

    def _descendants(self, code_id: int) -> set[int]:
        found = {code_id}
        for code in self.codes:  # tree order: parents come first
            if code.parent_id in found:
                found.add(code.id)
        return found

    def action_merge(self) -> None:
        code = self._need_code()
        if code is None:
            return
        ranker = self._choices(code, [], self._descendants(code.id))
        count = f"{self.counts.get(code.id, 0)} codings" if self.whose is None else "every coder's codings"

        def done(target: str | None) -> None:
            if target is not None:
                self.change(
                    "merge", lambda s, me: merge_codes(s, me, self._ref(code), f"{code.codebook}:{target}")
                )

        title = f"Merge {code.name} ({count}) into…"
        self.app.push_screen(ChoiceScreen(title, ranker(""), ranker, hint="the code to keep"), done)

    def action_split(self) -> None:
        code = self._need_code()
        if code is None:
            return
        whose = self.whose
        quotes = self.app.queue.call(lambda session: code_quotes(session, code.id, whose))
        if not quotes:
            self.notify(f"{code.name} has no codings to split.", timeout=3)
            return
        labels = [
            (
                q.coding_id,
                Text.assemble(
                    (f"{q.transcript} #{q.passage} ", "bold"),
                    (f"{q.coder}: ", "dim"),
                    " ".join(q.text.split())[:90],
                ),
            )
            for q in quotes
        ]
        self.app.push_screen(
            QuotesScreen(f"Split {code.name}: mark the quotes to move", labels),
            lambda chosen: self._split_to(code, chosen) if chosen else None,
        )

    def _split_to(self, code: CodeInfo, chosen: list[int]) -> None:
        ranker = self._choices(code, [(NEW, Text("(a new code…)", style="italic"))], {code.id})

        def target(key: str | None) -> None:
            if key is None:
                return
            if key != NEW:
                self.change(
                    "split",
                    lambda s, me: split_code(s, me, self._ref(code), chosen, f"{code.codebook}:{key}"),
                )
                return

            def named(name: str | None) -> None:
                if name:
                    self.change(
                        "split",
                        lambda s, me: split_code(
                            s, me, self._ref(code), chosen, "", new_name=name, codebook=code.codebook
                        ),
                    )

            self.app.push_screen(AskScreen(f"Name of the new code for {len(chosen)} quote(s)"), named)

        self.app.push_screen(
            ChoiceScreen(
                f"Move {len(chosen)} quote(s) of {code.name} to…", ranker(""), ranker, hint="a code"
            ),
            target,
        )

    def action_delete(self) -> None:
        code = self._need_code()
        if code is None:
            return
        total = self.app.queue.call(lambda s: coding_counts(s, None).get(code.id, 0))  # every coder's
        if not total:
            self.change("delete", lambda s, me: delete_code(s, me, self._ref(code)))
            return
        count = f"{total} coding(s)" if self.whose is None else "codings (yours or other coders')"
        choices: list[Choice[str]] = [
            ("keep", f"Keep {code.name}"),
            ("delete", f"Delete {code.name} and its {count} (u undoes it)"),
        ]

        def done(choice: str | None) -> None:
            if choice == "delete":
                self.change("delete", lambda s, me: delete_code(s, me, self._ref(code), force=True))

        self.app.push_screen(
            ChoiceScreen(f"{code.name} has {count}. Merging keeps them; deleting loses them.", choices),
            done,
        )

    def action_undo(self) -> None:
        self.change("undo", lambda s, me: undo_change(s, me).detail)

    def action_search(self) -> None:
        def done(query: str | None) -> None:
            self.query_text = (query or "").strip()
            self.reload()

        title = "Find codes (name, id, definition, rules, memo; empty: all)"
        self.app.push_screen(AskScreen(title, self.query_text, allow_empty=True), done)

    def action_back(self) -> None:
        self.dismiss(self.changed)
