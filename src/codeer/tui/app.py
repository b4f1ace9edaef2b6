"""The workbench application and its factory, used alike by ``codeer tui`` and by the tests.

The app owns the database and the single worker that writes to it; screens hold only what they show.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.screen import Screen

from codeer.config import Settings, remember_coder
from codeer.store.database import Database, open_database
from codeer.store.workbench import coder_id
from codeer.tui import keymap
from codeer.tui.dbqueue import DbQueue
from codeer.tui.screens.coding import CodingScreen
from codeer.tui.screens.dialogs import CoderPrompt
from codeer.tui.screens.help import HelpScreen
from codeer.tui.screens.transcripts import TranscriptsScreen


class CodeerApp(App[None]):
    CSS_PATH = "codeer.tcss"
    TITLE = "codeer"
    BINDINGS = keymap.bindings(keymap.GLOBAL)

    def __init__(self, settings: Settings, db: Database, *, owns_db: bool = False) -> None:
        super().__init__()
        self.settings = settings
        self.db = db
        self.owns_db = owns_db
        self.queue = DbQueue(db)
        self.key_overrides = keymap.check_overrides(settings.keys)
        self.coder_name = settings.coder.strip()
        self.coder_id = 0

    def on_mount(self) -> None:
        self.set_keymap(self.key_overrides)
        if self.coder_name:
            self._start(self.coder_name)
        else:
            self.push_screen(CoderPrompt(), self._named)

    def _named(self, name: str | None) -> None:
        if name:
            remember_coder(self.settings, name)
            self._start(name)

    def _start(self, name: str) -> None:
        self.coder_name = name
        self.coder_id = self.queue.call(lambda session: coder_id(session, name))
        self.push_screen(TranscriptsScreen())

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        codes = (
            [c for c in screen.codes if c.codebook == screen.active_book]
            if isinstance(screen, CodingScreen)
            else None
        )
        self.push_screen(HelpScreen(self.key_overrides, codes))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette (Ctrl+P) offers every action of the screen it was opened on."""
        yield from super().get_system_commands(screen)
        for spec in getattr(screen, "KEYS", keymap.TRANSCRIPTS):  # each screen names its key specs
            if spec.action.startswith("app."):
                continue
            keys = ", ".join(keymap.display(k) for k in keymap.effective(spec, self.key_overrides))
            yield SystemCommand(spec.description, f"key {keys}", partial(screen.run_action, spec.action))

    async def on_unmount(self) -> None:
        self.queue.close()
        if self.owns_db:
            self.db.close()


def make_app(settings: Settings, db: Database | None = None) -> CodeerApp:
    """The workbench for ``settings``; opens (and later closes) the project database unless given one."""
    keymap.check_overrides(settings.keys)
    if db is None:
        return CodeerApp(settings, open_database(settings.db_url), owns_db=True)
    return CodeerApp(settings, db)
