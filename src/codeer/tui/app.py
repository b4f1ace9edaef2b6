"""The workbench application and its factory, used alike by ``codeer tui`` and by the tests.

The app owns the database and the single worker that writes to it; screens hold only what they show. It also
holds the one choice blind coding leaves to the person (show other coders' work or not, off at start), which
every screen reads through :func:`codeer.store.blinding.others_shown`.

A failure of the workbench itself never prints a traceback (Textual's would list local variables, passage
text among them): the app ends with one line and exit status 2 (:meth:`CodeerApp.fail`).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from functools import partial

from rich.text import Text
from sqlalchemy.orm import Session
from textual.app import App, SystemCommand
from textual.screen import Screen

from codeer.config import Settings, remember_coder
from codeer.errors import CodeerError
from codeer.store.blinding import others_hidden, others_shown
from codeer.store.database import Database, open_database, redacted
from codeer.store.workbench import WorkbenchPresence, coder_id, database_file
from codeer.tui import keymap
from codeer.tui.dbqueue import DbQueue, describe_error
from codeer.tui.screens.coding import CodingScreen
from codeer.tui.screens.dialogs import CoderPrompt
from codeer.tui.screens.help import HelpScreen
from codeer.tui.screens.transcripts import TranscriptsScreen

FAILED = 2  # the exit status of a workbench that could not go on, as for every refused command


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
        self.others_forbidden = not settings.show_others_allowed
        self.others_chosen = False  # the person asked to see other coders' work (v, or yes when asked)
        self.presence: WorkbenchPresence | None = None
        path = database_file(db)
        if path is not None:
            with suppress(OSError):  # a read-only folder: restore cannot be warned, the workbench still works
                self.presence = WorkbenchPresence(path)

    @property
    def others_shown(self) -> bool:
        return others_shown(self.others_forbidden, self.others_chosen)

    def identify(self, name: str) -> None:
        """Look up (or create) the coder and read the project's blinding: the workbench's first database work.

        Raises :class:`CodeerError` with one line when the database cannot do it (read-only, full, damaged).
        """
        allowed = self.settings.show_others_allowed

        def job(session: Session) -> tuple[int, bool]:
            return coder_id(session, name), others_hidden(session, allowed)

        try:
            self.coder_id, self.others_forbidden = self.queue.call(job)
        except CodeerError:
            raise
        except Exception as exc:  # noqa: BLE001 - any database failure at start is one clear line
            raise CodeerError(
                f"cannot open the workbench on {redacted(self.db.url)}: {describe_error(exc)}"
            ) from exc
        self.coder_name = name

    def on_mount(self) -> None:
        self.set_keymap(self.key_overrides)
        if self.coder_id:
            self.push_screen(TranscriptsScreen())
        else:
            self.push_screen(CoderPrompt(), self._named)

    def _named(self, name: str | None) -> None:
        if not name:
            return
        try:
            self.identify(name)
        except CodeerError as exc:
            self.fail(str(exc))
            return
        remember_coder(self.settings, name)
        self.push_screen(TranscriptsScreen())

    def fail(self, line: str) -> None:
        """End the workbench with one line on the terminal and exit status 2."""
        self.exit(return_code=FAILED, message=Text(f"codeer: {line}"))

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected failure ends the app with one line naming it, never a traceback with its locals."""
        if self._exception is None:  # Pilot re-raises it in the tests
            self._exception = error
            self._exception_event.set()
        line = str(error) if isinstance(error, CodeerError) else describe_error(error)
        self.fail(line if isinstance(error, CodeerError) else f"{type(error).__name__}: {line}")
        self._close_messages_no_wait()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        hotkeys = screen.hotkey_codes() if isinstance(screen, CodingScreen) else None
        self.push_screen(HelpScreen(self.key_overrides, hotkeys))

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
        if self.presence is not None:
            self.presence.close()
        if self.owns_db:
            self.db.close()


def make_app(settings: Settings, db: Database | None = None) -> CodeerApp:
    """The workbench for ``settings``; opens (and later closes) the project database unless given one.

    With a coder name known, the coder is looked up here, before the terminal is taken over, so a database
    that cannot do it is one clear line (:class:`CodeerError`).
    """
    keymap.check_overrides(settings.keys)
    app = (
        CodeerApp(settings, open_database(settings.db_url), owns_db=True)
        if db is None
        else CodeerApp(settings, db)
    )
    if app.coder_name:
        try:
            app.identify(app.coder_name)
        except CodeerError:
            app.queue.close()
            if app.presence is not None:
                app.presence.close()
            if app.owns_db:
                app.db.close()
            raise
    return app
