"""The line of keys at the bottom of a screen: what Textual's ``Footer`` shows, drawn as one widget.

Textual's Footer builds a widget per key and styles each one, and rebuilds them all whenever the screen's
bindings change (on opening, on every focus change): on the coding screen that was more than half of the time
it took to open a transcript. This bar reads the same bindings (those with ``show``, in the keys now in force,
remaps included) into one line of text, so opening a screen styles one widget instead of a dozen. A click on
a key presses it, as on the Footer.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    """The screen's shown key bindings on one line, at the bottom; Ctrl+P (every action) last."""

    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 100%;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    def __init__(self) -> None:
        super().__init__(markup=False)
        self._keys: list[tuple[int, int, str]] = []  # where each key is drawn: start, end, key to press
        self._pending = False

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._draw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _shown(self, screen: Screen) -> list[Binding]:
        """One binding per action, as the Footer picks them: the first shown one in force."""
        by_action: dict[str, Binding] = {}
        for _, binding, _, _ in screen.active_bindings.values():
            if binding.show:
                by_action.setdefault(binding.action, binding)
        return list(by_action.values())

    def _bindings_changed(self, screen: Screen) -> None:
        """Bindings change several times while a screen opens (mount, focus): drawn once, after them."""
        if screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._draw)

    def _draw(self) -> None:
        self._pending = False
        if not self.is_attached:  # its screen closed before the bindings settled
            return
        screen = self.screen
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        shown = self._shown(screen)
        palette = screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            shown.append(palette[1])
        line = Text(no_wrap=True, overflow="ellipsis")
        keys = []
        for binding in shown:
            start = len(line)
            line.append(f" {self.app.get_key_display(binding)} ", style=key_style)
            line.append(f"{binding.description} ", style=description_style)
            keys.append((start, len(line), binding.key.split(",")[0]))
        self._keys = keys
        self.update(line)

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._keys:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
