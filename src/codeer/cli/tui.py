"""``codeer tui`` (and plain ``codeer``): open the project in the coding workbench."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codeer.cli.context import Context


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "tui",
        help="code transcripts in the terminal (also: codeer with no command)",
        description="Open the coding workbench. Your coder name comes from --coder, CODEER_CODER or "
        "coder: in codeer.yaml; if none is known you are asked once.",
    )
    p.set_defaults(handler=run)


def run(ctx: Context, args: argparse.Namespace) -> int:
    """Start the workbench; a failure to start, or one that ends it, is one line and exit status 2."""
    from codeer.tui.app import make_app  # Textual loads only when the workbench is opened

    app = make_app(ctx.settings, ctx.db)
    app.run()
    return app.return_code or 0
