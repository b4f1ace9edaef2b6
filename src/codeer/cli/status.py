"""``codeer status``: what the project holds and how far each coder is."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codeer.cli.context import Context


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("status", help="transcripts, passages, codes, coders and progress")
    p.set_defaults(handler=run)


def run(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.database import redacted
    from codeer.store.status import project_status

    with ctx.db.read_connection() as conn:
        status = project_status(conn)
    print(f"project      {ctx.project}")
    print(f"database     {redacted(ctx.settings.db_url)}")
    print(f"transcripts  {status.transcripts}")
    print(f"passages     {status.passages} ({status.words} words)")
    print(f"codebooks    {status.codebooks} ({status.codes} codes)")
    print(f"coders       {len(status.coders)}")
    for coder in status.coders:
        share = f"{100 * coder.passages / status.passages:.0f}%" if status.passages else "-"
        print(
            f"  {coder.name:<20} {coder.passages:>6} passages coded ({share}), "
            f"{coder.codings} codings in {coder.transcripts} transcript(s)"
        )
    return 0
