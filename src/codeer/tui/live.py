"""Screens that follow the team's work: refresh when the project's coding history has moved on.

The transcripts list (progress) and the analysis screen (counts) read whole tables, so rather than apply each
change they read again, and only when something changed: every ``POLL_SECONDS`` one indexed read of the newest
coding event id (:func:`codeer.store.changes.latest_event_id`) on the database worker, compared with the last
one seen. The coding screen follows changes passage by passage instead (:mod:`codeer.tui.screens.coding`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from codeer.store.changes import latest_event_id

if TYPE_CHECKING:
    from codeer.tui.screens.base import CodeerScreen

POLL_SECONDS = 1.5


class EventWatch:
    """Calls ``changed()`` when the newest coding event differs from the last one seen, while ``screen`` is
    the one shown; never more than one read in flight, and a failed read is left to the next tick."""

    def __init__(self, screen: CodeerScreen, changed: Callable[[], object]) -> None:
        self.screen = screen
        self.changed = changed
        self.seen: int | None = None
        self._busy = False
        screen.set_interval(POLL_SECONDS, self.tick)

    def saw(self, event_id: int) -> None:
        """The screen read its data at ``event_id``: changes up to there are shown."""
        self.seen = event_id

    def tick(self) -> None:
        app = self.screen.app
        if self._busy or app.screen is not self.screen:
            return
        self._busy = True

        def done(latest: int) -> None:
            self._busy = False
            if self.seen is not None and latest != self.seen:
                self.seen = latest
                self.changed()
            elif self.seen is None:
                self.seen = latest

        def failed(_: BaseException) -> None:
            self._busy = False

        app.queue.start(latest_event_id, done, failed, self.screen.call_next, wait=0)
