"""The help screen: how coding works in a few lines, then every key in force (remaps included) and hotkeys."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from codeer.store.workbench import CodeInfo
from codeer.tui import keymap

INTRO = "\n".join(
    [
        "• Move through the passages with j/k or the arrows; n jumps to the next passage you have not coded "
        "(skipping the moderator's turns while they are dimmed: Ctrl+T).",
        "• Press a code's key to put it on the current passage; press it again to take it off. "
        "A code without a key: p, type a few letters, Enter.",
        "• To code part of a passage: s selects a sentence (s again: the next one), shift+→ adds a sentence, "
        "ctrl+→ / ctrl+← add or drop a word, alt+← / alt+→ move the start; then press a code's key.",
        "• Every change is saved at once. u undoes your last change (also after a restart), U redoes.",
        "• m writes a memo on the passage or on one of your codes there; x removes one of your codes.",
        "• You see only your own codes (blind coding); v shows other coders' codes if the project allows.",
        "• These are the default keys; the tables show the keys in force. Change them in codeer.yaml under "
        "keys: (binding id: key). Ctrl+P searches every action.",
    ]
)


def keys_table(title: str, specs: list[keymap.KeySpec], overrides: Mapping[str, str]) -> Table:
    table = Table(
        title=title, title_justify="left", title_style="bold", box=None, expand=True, padding=(0, 1)
    )
    table.add_column("Key", style="bold", no_wrap=True, ratio=1)
    table.add_column("Does", ratio=3)
    table.add_column("Binding id", style="dim", no_wrap=True, ratio=2)
    for spec in specs:
        keys = ", ".join(keymap.display(k) for k in keymap.effective(spec, overrides))
        table.add_row(keys, spec.description, spec.id)
    return table


def hotkeys_table(hotkeys: list[tuple[str, CodeInfo]]) -> Table:
    table = Table(
        title="Code keys (from the codebook)",
        title_justify="left",
        title_style="bold",
        box=None,
        expand=True,
        padding=(0, 1),
    )
    table.add_column("Key", style="bold", no_wrap=True, ratio=1)
    table.add_column("Code", ratio=5)
    for key, code in hotkeys:
        table.add_row(key, f"{code.name} ({code.key})")
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    def __init__(
        self, overrides: Mapping[str, str], hotkeys: list[tuple[str, CodeInfo]] | None = None
    ) -> None:
        super().__init__()
        self.overrides = overrides
        self.hotkeys = hotkeys or []  # the code keys in force (a remapped binding takes a code's key)

    @property
    def content(self) -> Group:
        parts: list = [Text("codeer: keys", style="bold"), Text(INTRO + "\n")]
        for title, specs in keymap.ALL.items():
            parts += [keys_table(title, specs, self.overrides), Text("")]
        if self.hotkeys:
            parts.append(hotkeys_table(self.hotkeys))
        parts.append(Text("\nEsc closes this help.", style="dim"))
        return Group(*parts)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help", id="help-scroll"):
            yield Static(self.content, id="help-text")

    def action_scroll(self, delta: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=delta * 3, animate=False)
