"""``codeer log``: the history of every coding (who, when, what), and ``--summary`` for a methods section."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from codeer.errors import CodeerError

if TYPE_CHECKING:
    from codeer.cli.context import Context
    from codeer.store.history import EventRow

COLUMNS = ("time", "coder", "action", "transcript", "passage", "code", "span", "memo/note")


def _since(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        example = "2026-03-01 or 2026-03-01T09:30"
        raise argparse.ArgumentTypeError(f"{value!r} is not a date ({example})") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return int(value)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "log",
        help="the coding history: every code applied, removed or changed, by whom and when",
        description="Every change to a coding, newest first: time (UTC), coder, action (apply, remove, "
        "update, settle), transcript, passage, code, span, memo and note (where it came from: the workbench, "
        "the command line, an import file, undo); with the passage memos (action memo, as last written) and "
        "every settlement (action settle without a code, also when the outcome was no code). "
        "--summary gives each coder's coding period and counts, and a sentence for a methods section.",
    )
    p.add_argument("--coder", dest="log_coder", metavar="NAME", help="only this coder's changes")
    p.add_argument("--transcript", metavar="ID", help="only changes in this transcript")
    p.add_argument("--since", type=_since, metavar="DATE", help="only changes from DATE on (UTC)")
    p.add_argument("--limit", type=_positive, metavar="N", help="at most N changes")
    p.add_argument("--reverse", action="store_true", help="oldest first")
    p.add_argument("--summary", action="store_true", help="per coder: period, codings, transcripts")
    p.add_argument(
        "--codebook",
        action="store_true",
        help="the codebook's history instead: codes made, renamed, moved, merged, split, deleted, "
        "edited, loaded from a file; who and when",
    )
    p.set_defaults(handler=run)


def _check_names(ctx: Context, args: argparse.Namespace) -> int | None:
    """The coder's id for ``--coder`` (None: everyone); unknown names are errors, not empty logs."""
    from sqlalchemy import select

    from codeer.model import CodingEvent, Transcript
    from codeer.store.coders import coder_id as coder_named_id

    with ctx.db.session() as session:
        coder_id = None
        readable = ctx.readable(session, [args.log_coder] if args.log_coder else [])
        args.log_coder = readable[0] if readable else None
        if args.log_coder is not None:
            coder_id = coder_named_id(session, args.log_coder)
        if args.transcript is not None:
            known_key = session.scalar(select(Transcript.id).where(Transcript.key == args.transcript))
            logged = session.scalar(
                select(CodingEvent.id).where(CodingEvent.transcript_key == args.transcript).limit(1)
            )
            if known_key is None and logged is None:
                raise CodeerError(f"no transcript {args.transcript!r}")
    return coder_id


def _cells(row: EventRow, coders: dict[int, str]) -> tuple[str, ...]:
    span = "" if row.start is None else f"{row.start}:{row.end}"
    memo = " ".join(row.memo.split())
    note = f"[{row.note}]" if row.note else ""
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    return (
        f"{at.astimezone(UTC):%Y-%m-%d %H:%M:%S}Z",
        coders.get(row.coder_id, "?"),
        row.action,
        row.transcript_key,
        "" if row.passage_number is None else str(row.passage_number),
        row.code_key,
        span,
        " ".join(part for part in (memo, note) if part),
    )


def run(ctx: Context, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from codeer.model import Coder
    from codeer.store.coding_summary import coder_summaries, describe, methods_sentence
    from codeer.store.logbook import LogSelection, log_entries

    if args.summary and (args.since or args.limit):
        raise CodeerError("--summary covers the whole history; use it with --coder and --transcript only")
    coder_id = _check_names(ctx, args)
    if args.codebook:
        return _codebook_log(ctx, args, coder_id)
    with ctx.db.session() as session:
        if args.summary:
            summaries = coder_summaries(session, coder=args.log_coder, transcript_key=args.transcript)
            for summary in summaries:
                print(describe(summary))
            print(methods_sentence(summaries))
            return 0
        where = LogSelection(coder_id, args.transcript, args.since, args.reverse, args.limit)
        rows = log_entries(session, where)
        coders = {i: name for i, name in session.execute(select(Coder.id, Coder.name))}
    if not rows:
        print("no coding changes recorded (for this selection)", file=sys.stderr)
        return 0
    _print_table([COLUMNS, *(_cells(row, coders) for row in rows)])
    return 0


CODEBOOK_COLUMNS = ("time", "coder", "action", "codebook", "code", "what")


def _codebook_log(ctx: Context, args: argparse.Namespace, coder_id: int | None) -> int:
    from codeer.store.codebook_history import codebook_events

    if args.summary or args.transcript:
        raise CodeerError(
            "--codebook lists codebook changes; use it with --coder, --since, --limit or --reverse"
        )
    with ctx.db.session() as session:
        rows = codebook_events(
            session, coder_id=coder_id, since=args.since, limit=args.limit, oldest_first=args.reverse
        )
    if not rows:
        print("no codebook changes recorded (for this selection)", file=sys.stderr)
        return 0
    table = [CODEBOOK_COLUMNS] + [
        (
            f"{row.at.astimezone(UTC):%Y-%m-%d %H:%M:%S}Z",
            row.coder or "?",
            row.action,
            row.codebook,
            row.code,
            row.detail + (" [undone]" if row.undone else ""),
        )
        for row in rows
    ]
    _print_table(table)
    return 0


def _print_table(table: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]) - 1)]
    for line in table:
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        print("  ".join([*cells, line[-1]]).rstrip())
