"""Entry point of the ``codeer`` command.

Global options come first (``--project``, ``--db``, ``--coder``); each command group lives in its own module
with a ``register(subparsers)`` function. Every :class:`~codeer.errors.CodeerError` becomes one line per
problem on standard error and exit status 2; nothing below this layer prints or exits.

Start-up is in proportion to the work: building the parser imports only the command modules, which import
what a command needs (SQLAlchemy, the analysis, spaCy) inside the handler that needs it, so ``--version``
and ``--help`` load none of it (``tests/test_startup.py`` guards this by the modules each command loads).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from codeer import __version__
from codeer.errors import CodeerError

if TYPE_CHECKING:
    from codeer.cli.context import Context

# Command modules under codeer.cli, in the order their commands appear in --help.
COMMAND_MODULES = (
    "importing",
    "codebooks",
    "codings",
    "code",
    "export",
    "agreement",
    "autocode",
    "decisions",
    "status",
    "log",
    "backup",
    "db",
    "tui",
    "search",
    "chart",
    "report",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="codeer",
        description="Qualitative interview coding: import transcripts, code them, compare coders, export.",
    )
    parser.add_argument("--version", action="version", version=f"codeer {__version__}")
    _add_global_options(parser, Path("."), None)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"codeer.cli.{name}").register(subparsers)
    for sub in _leaf_parsers(parser):
        _add_global_options(sub, argparse.SUPPRESS, argparse.SUPPRESS)
    return parser


GLOBAL_OPTIONS = (
    ("--project", {"type": Path, "help": "project folder (default: here)"}),
    ("--db", {"help": "database URL (default: sqlite codeer.db in the project; or CODEER_DB)"}),
    ("--coder", {"help": "your coder name (or CODEER_CODER, or coder: in codeer.yaml)"}),
)


def _add_global_options(parser: argparse.ArgumentParser, project_default: object, default: object) -> None:
    """``--project``, ``--db`` and ``--coder`` before the command or after it (``codeer status --db URL``).

    On a command the defaults are SUPPRESS, so an option not given there keeps the value given before the
    command; a command with an option of its own by that name (``export --coder A,B``) keeps its own.
    """
    for flag, options in GLOBAL_OPTIONS:
        if flag in parser._option_string_actions:
            continue
        parser.add_argument(flag, default=project_default if flag == "--project" else default, **options)


def _leaf_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [parser]
    return [leaf for action in subs for child in action.choices.values() for leaf in _leaf_parsers(child)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None and args.command is None:
        handler = importlib.import_module("codeer.cli.tui").run  # plain `codeer` opens the workbench
    if handler is None:
        default = getattr(args, "default_handler", None)
        if default is None:
            parser.print_help()
            return 0
        handler = default
    from sqlalchemy.exc import DBAPIError

    from codeer.cli.context import Context
    from codeer.config import read_settings
    from codeer.store.database import database_error, notify_waits

    ctx: Context | None = None
    notify_waits(lambda notice: print(notice, file=sys.stderr, flush=True))
    try:
        ctx = Context(read_settings(args.project, db=args.db, coder=args.coder))
        return int(handler(ctx, args) or 0)
    except CodeerError as exc:
        print(exc, file=sys.stderr)
        return 2
    except DBAPIError as exc:  # e.g. the team server went away mid-command: one line, never a traceback
        url = ctx.settings.db_url if ctx is not None else ""
        print(database_error(exc, url) if url else "database error", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `codeer export ... | head`: the reader has gone, which is no error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        if ctx is not None:
            ctx.close()


if __name__ == "__main__":
    sys.exit(main())
