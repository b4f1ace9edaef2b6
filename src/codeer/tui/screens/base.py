"""The base of the workbench's screens: ``self.app`` typed as :class:`codeer.tui.app.CodeerApp`.

Textual types ``self.app`` as any ``App``, so a type checker cannot see what codeer's screens use of their
app: the database queue, the settings, the coder, the choice to show other coders' work. Typed here once
(Textual's own ``getters.app``, for the checker only: nothing changes at run time), every use is checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen, ScreenResultType

if TYPE_CHECKING:
    from textual import getters

    from codeer.tui.app import CodeerApp


class CodeerScreen(Screen[ScreenResultType]):
    """A full screen of the workbench."""

    if TYPE_CHECKING:
        app = getters.app(CodeerApp)
