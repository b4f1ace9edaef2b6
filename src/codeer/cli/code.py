"""``codeer code`` and ``codeer uncode``: one coding from the shell or a script, as its own transaction."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from codeer.errors import CodeerError

if TYPE_CHECKING:
    from codeer.cli.context import Context
    from codeer.project.code_by_reference import PassageCoding

# Where the change came from, in the history (``codeer log`` shows it as the note).
NOTE = "command line"


def _span(value: str) -> tuple[int, int]:
    start, sep, end = value.partition(":")
    try:
        if not sep:
            raise ValueError
        return int(start), int(end)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not START:END (code points, end exclusive)") from None


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("transcript", help="transcript id, e.g. vitens-q1")
    parser.add_argument("passage", type=int, help="passage number (from 1)")
    parser.add_argument("code", help="code id, or codebook:code")
    parser.add_argument("--span", type=_span, help="START:END inside the passage (default: whole passage)")


def register(subparsers: argparse._SubParsersAction) -> None:
    code = subparsers.add_parser("code", help="apply a code to a passage (or a span of it) as --coder")
    _arguments(code)
    code.add_argument("--memo", help="a memo on the coding (replaces the memo of an existing coding)")
    code.set_defaults(handler=run_code)
    uncode = subparsers.add_parser("uncode", help="remove a coding of --coder from a passage")
    _arguments(uncode)
    uncode.set_defaults(handler=run_uncode, memo=None)


def _wanted(ctx: Context, args: argparse.Namespace) -> PassageCoding:
    from codeer.project.code_by_reference import PassageCoding

    if not ctx.coder:
        raise CodeerError("who is coding? give --coder NAME (or CODEER_CODER, or coder: in codeer.yaml)")
    return PassageCoding(args.transcript, args.passage, args.code, ctx.coder, args.span, args.memo)


def _describe(wanted: PassageCoding) -> str:
    span = f" [{wanted.span[0]}:{wanted.span[1]}]" if wanted.span else ""
    return f"{wanted.code} on {wanted.transcript} passage {wanted.passage}{span} by {wanted.coder}"


def run_code(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.project.code_by_reference import code_passage

    wanted = _wanted(ctx, args)
    print(f"{code_passage(ctx.db, wanted, note=NOTE)}: {_describe(wanted)}")
    return 0


def run_uncode(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.project.code_by_reference import uncode_passage

    wanted = _wanted(ctx, args)
    print(f"{uncode_passage(ctx.db, wanted, note=NOTE)}: {_describe(wanted)}")
    return 0
