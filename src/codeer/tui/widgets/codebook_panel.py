"""The codebook beside the transcript: a tree of codes with hotkeys and counts, and a code's rules on request.

Each code shows the key that applies it now: a hotkey of a codebook that does not have the keys, or one a
remapped binding took (``keys:`` in codeer.yaml), is not shown, so the panel never offers a key that does
something else. The counts are this transcript's codings of each code that the coder sees (their own, or
everyone's when other coders are shown), so a coder sees at a glance what they have used. The rules pane
(definition, include, exclude, examples) follows the highlighted code, and is hidden until asked for, to keep
the screen calm.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from codeer.store.workbench import CodeInfo
from codeer.tui.widgets.transcript_view import chip_style
from codeer.tui.wrap import shown_name


def rules_text(code: CodeInfo) -> Text:
    """What a coder needs to decide whether a code fits: name, definition, include, exclude, examples."""
    text = Text()
    text.append(shown_name(code.name), style="bold")
    text.append(f"  {code.key}\n", style="dim")
    for title, body in (("", code.definition), ("Include: ", code.include), ("Exclude: ", code.exclude)):
        if body:
            text.append(title, style="bold")
            text.append(f"{body}\n")
    for example in code.examples:
        text.append("Example: ", style="bold")
        text.append(f"{example}\n", style="italic")
    if code.keywords:
        text.append("Keywords: ", style="bold")
        text.append(", ".join(code.keywords), style="dim")
    if code.memo:
        text.append("\nMemo: ", style="bold")
        text.append(code.memo, style="italic")
    return text


class CodebookPanel(Vertical):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.codes: dict[int, CodeInfo] = {}
        self.counts: dict[int, int] = {}
        self.active = ""  # the codebook whose hotkeys apply
        self.hotkeys: dict[str, int] = {}  # the code keys in force: key → code id
        self.book_nodes: dict[str, TreeNode[int]] = {}
        self._code_nodes: dict[int, TreeNode[int]] = {}

    def compose(self) -> ComposeResult:
        tree: Tree[int] = Tree("Codebooks", id="code-tree")
        tree.show_root = False
        tree.auto_expand = False
        tree.guide_depth = 2
        yield tree
        with VerticalScroll(id="code-rules"):
            yield Static(id="code-rules-text")

    @property
    def code_tree(self) -> Tree[int]:
        return self.query_one("#code-tree", Tree)

    def _label(self, code: CodeInfo) -> Text:
        label = Text()
        label.append("■ ", style=f"{chip_style(code.color).bgcolor}" if code.color else "dim")
        live = code.hotkey is not None and self.hotkeys.get(code.hotkey) == code.id
        label.append(f"{code.hotkey} " if live else "  ", style="bold")
        label.append(shown_name(code.name))
        count = self.counts.get(code.id, 0)
        if count:
            label.append(f" {count}", style="dim")
        return label

    def _book_label(self, book: str) -> Text:
        if book == self.active:
            return Text.assemble(("● ", "bold"), (book, "bold"), ("  keys", "dim"))
        return Text.assemble(("○ ", "dim"), (book, ""))

    def load(self, codes: list[CodeInfo], active: str, hotkeys: dict[str, int]) -> None:
        self.codes = {c.id: c for c in codes}
        self.active = active
        self.hotkeys = dict(hotkeys)
        tree = self.code_tree
        tree.clear()
        self._code_nodes.clear()
        books = self.book_nodes
        books.clear()
        for code in codes:
            if code.parent_id is not None and code.parent_id in self._code_nodes:
                parent = self._code_nodes[code.parent_id]
            else:
                book_node = books.get(code.codebook)
                if book_node is None:
                    book_node = books[code.codebook] = tree.root.add(
                        self._book_label(code.codebook), expand=code.codebook == active
                    )
                parent = book_node
            self._code_nodes[code.id] = parent.add(
                self._label(code), data=code.id, expand=True, allow_expand=False
            )
        if not codes:
            tree.root.add_leaf(Text("No codes yet: codeer codebook load FILE", style="italic"))
        first = next((n for i, n in self._code_nodes.items() if self.codes[i].codebook == active), None)
        tree.move_cursor(first)

    def set_active(self, book: str, hotkeys: dict[str, int]) -> None:
        """Give ``book``'s codes the keys (``hotkeys``): its tree open, the others closed and without keys."""
        self.active = book
        self.hotkeys = dict(hotkeys)
        for name, node in self.book_nodes.items():
            node.set_label(self._book_label(name))
            node.expand() if name == book else node.collapse()
        for code_id, node in self._code_nodes.items():
            node.set_label(self._label(self.codes[code_id]))
        self.code_tree.move_cursor(self.book_nodes.get(book))

    def set_counts(self, counts: dict[int, int]) -> None:
        """Update the labels whose count changed."""
        changed = {i for i in set(counts) | set(self.counts) if counts.get(i, 0) != self.counts.get(i, 0)}
        self.counts = dict(counts)
        for code_id in changed:
            node = self._code_nodes.get(code_id)
            if node is not None:
                node.set_label(self._label(self.codes[code_id]))

    @property
    def highlighted(self) -> CodeInfo | None:
        node = self.code_tree.cursor_node
        return self.codes.get(node.data) if node is not None and node.data is not None else None

    def highlight(self, code_id: int) -> None:
        """Put the cursor on a code (the one just made or edited)."""
        node = self._code_nodes.get(code_id)
        if node is not None:
            self.code_tree.move_cursor(node)

    @property
    def rules_shown(self) -> bool:
        return self.has_class("-rules")

    def toggle_rules(self) -> None:
        self.set_class(not self.rules_shown, "-rules")
        self.show_rules()

    def show_rules(self) -> None:
        code = self.highlighted
        text = rules_text(code) if code else Text("Highlight a code to see its rules.", style="italic")
        self.query_one("#code-rules-text", Static).update(text)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[int]) -> None:
        if self.rules_shown:
            self.show_rules()
