"""Entry point of the ``codeer`` command.

Global options come first (``--project``, ``--db``, ``--coder``); each command group lives in its own module
with a ``register(subparsers)`` function. Every :class:`~codeer.errors.CodeerError` becomes one line per
problem on standard error and exit status 2; nothing below this layer prints or exits.

Start-up is in proportion to the work: running a command builds only its own part of the command line,
and the command modules import what a command needs (SQLAlchemy, the analysis, spaCy) inside the handler
that needs it, so ``--version`` and ``--help`` load none of it (``tests/test_startup.py`` guards this by
the modules each command loads).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from codeer import __version__
from codeer.errors import CodeerError

if TYPE_CHECKING:
    from codeer.cli.context import Context

# Each command and the module under codeer.cli that registers it, in the order of --help. Running a command
# builds only its own module's parser; --help, no command or an unknown one build them all
# (tests/test_startup.py checks this table against what the modules register).
COMMANDS = {
    "import": "importing",
    "codebook": "codebooks",
    "codings": "codings",
    "code": "code",
    "uncode": "code",
    "export": "export",
    "agreement": "agreement",
    "autocode": "autocode",
    "accept": "decisions",
    "settle": "decisions",
    "status": "status",
    "log": "log",
    "backup": "backup",
    "restore": "backup",
    "db": "db",
    "tui": "tui",
    "search": "search",
    "chart": "chart",
    "report": "report",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line; with ``command`` (one of :data:`COMMANDS`) only that command's module's part."""
    parser = argparse.ArgumentParser(
        prog="codeer",
        description="Qualitative interview coding: import transcripts, code them, compare coders, export.",
    )
    parser.add_argument("--version", action="version", version=f"codeer {__version__}")
    _add_global_options(parser, Path("."), None)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES if command is None else (COMMANDS[command],):
        importlib.import_module(f"codeer.cli.{name}").register(subparsers)
    for sub in _leaf_parsers(parser):
        _add_global_options(sub, argparse.SUPPRESS, argparse.SUPPRESS)
    return parser


def command_in(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs (after any global options), if it is one of :data:`COMMANDS`."""
    values = {flag for flag, _ in GLOBAL_OPTIONS}
    words = iter(argv)
    for word in words:
        if word in values:
            next(words, None)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
        elif word.split("=", 1)[0] not in values:
            return None  # --help, --version, or a mistake: the whole command line explains it
    return None


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
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(command_in(words))
    args = parser.parse_args(words)
    handler = getattr(args, "handler", None)
    if handler is None and args.command is None:
        handler = importlib.import_module("codeer.cli.tui").run  # plain `codeer` opens the workbench
    if handler is None:
        default = getattr(args, "default_handler", None)
        if default is None:
            parser.print_help()
            return 0
        handler = default
    with contextlib.ExitStack() as early:
        prelude = getattr(args, "prelude", None)
        if prelude is not None:  # work that needs no project starts before SQLAlchemy's import
            early.enter_context(prelude(args))
        return _run(handler, args)


def _run(handler: Callable[..., int | None], args: argparse.Namespace) -> int:
    """The command with its project: every error one line and an exit code, never a traceback."""
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
