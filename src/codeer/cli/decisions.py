"""``codeer accept`` and ``codeer settle``: decisions the workbench takes one passage at a time, in bulk.

``accept`` turns every open auto-coding suggestion in scope into the coder's own coding (as ``+`` in the
workbench does); ``settle`` settles every passage of the disagreement queue by one rule (as the disagreement
screen does passage by passage). Both write as sets, with the history one decision at a time would write
(:func:`codeer.store.suggestions.accept_many`, :func:`codeer.store.consensus.settle_many`), in one
transaction: all of it or nothing.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from codeer.choices import DEFAULT_MIN_SCORE
from codeer.errors import CodeerError

if TYPE_CHECKING:
    from codeer.cli.context import Context


def register(subparsers: argparse._SubParsersAction) -> None:
    accept = subparsers.add_parser(
        "accept",
        help="accept open auto-coding suggestions in bulk as --coder's own codings",
        description="Apply the code of every open suggestion in scope as your own coding (whole passage, or "
        "with --sentence the suggested sentence) and mark the suggestion accepted, as + in the workbench "
        "does one at a time. A code you already applied there stays as it is.",
    )
    accept.add_argument(
        "--min-score",
        type=float,
        default=DEFAULT_MIN_SCORE,
        metavar="S",
        help=f"only suggestions scoring at least S, 0-1 (default {DEFAULT_MIN_SCORE})",
    )
    accept.add_argument(
        "--codebook",
        action="append",
        default=[],
        metavar="ID",
        help="only this codebook's codes (repeatable)",
    )
    accept.add_argument("--transcripts", nargs="+", default=[], metavar="KEY", help="only these transcripts")
    accept.add_argument(
        "--sentence", action="store_true", help="code the suggested sentence, not the passage"
    )
    accept.set_defaults(handler=run_accept)

    settle = subparsers.add_parser(
        "settle",
        help="settle every disagreement between coders by one rule, into the consensus coder",
        description="Settle every passage of the disagreement queue (as in the workbench's disagreement "
        "screen) by one rule: keep one coder's codings, take both (the union) or neither. Passages the "
        "consensus coder settled before are not in the queue.",
    )
    settle.add_argument("--coders", required=True, metavar="A,B", help="the compared coders")
    settle.add_argument("--by", required=True, metavar="CODER|both|neither", help="the rule")
    settle.add_argument("--codebook", metavar="ID", help="only disagreements on this codebook's codes")
    settle.add_argument("--consensus", default="consensus", metavar="NAME", help="the consensus coder")
    settle.add_argument("--note", default="", help="a note kept with every settlement")
    settle.set_defaults(handler=run_settle)


def run_accept(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.autocode.run import codebook_ids, transcript_ids
    from codeer.store.coding import get_or_create_coder
    from codeer.store.suggestions import accept_many, open_suggestions

    if not 0 <= args.min_score <= 1:
        raise CodeerError(f"--min-score must be between 0 and 1, not {args.min_score:g}")
    if not ctx.coder:
        raise CodeerError("who accepts? give --coder NAME (or CODEER_CODER, or coder: in codeer.yaml)")
    with ctx.db.session() as session:
        wanted = open_suggestions(
            session,
            codebook_ids=codebook_ids(session, args.codebook) if args.codebook else None,
            transcript_ids=transcript_ids(session, args.transcripts),
            min_score=args.min_score,
        )
        coder = get_or_create_coder(session, ctx.coder).id
        report = accept_many(session, wanted, coder, sentence=args.sentence)
    print(
        f"{len(wanted)} suggestion(s) accepted by {ctx.coder}: {report.added} new coding(s), "
        f"{report.unchanged} already coded"
    )
    return 0


def run_settle(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.analysis import parse_names
    from codeer.store.blinding import require_others_visible
    from codeer.store.consensus import queue_passages, settle_many

    coders = parse_names(args.coders)
    with ctx.db.session() as session:
        require_others_visible(session, "settling", ctx.settings.show_others_allowed)
        queue = queue_passages(session, coders, args.codebook, args.consensus)
        done = settle_many(session, queue, args.by, coders, args.consensus, args.note)
    print(
        f"{done.passages} passage(s) settled into {args.consensus} by {args.by}: {done.applied} coding(s) "
        f"made, {done.removed} replaced"
    )
    return 0
