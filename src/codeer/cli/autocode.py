"""``codeer autocode``: suggest codes from codebook keywords and examples; ``--evaluate`` measures them."""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codeer.autocode.evaluate import Counts, Evaluation
    from codeer.cli.context import Context
from codeer.choices import DEFAULT_MIN_SCORE
from codeer.cli.progress import StderrProgress
from codeer.errors import CodeerError


def register(subparsers: argparse._SubParsersAction) -> None:

    p = subparsers.add_parser(
        "autocode",
        help="suggest codes on passages from codebook keywords and examples (a coder accepts or rejects)",
        description="Match every passage (moderator turns excepted) against the keywords and example quotes "
        "of the codebook(s) and store suggestions with a score from 0 to 1. Suggestions are not codings: "
        "a coder accepts (+) or rejects (-) them in the workbench. Running it again updates open "
        "suggestions and leaves accepted and rejected ones alone.",
    )
    p.add_argument(
        "--codebook",
        action="append",
        default=[],
        metavar="ID",
        help="codebook to suggest from (repeatable; default: every codebook)",
    )
    p.add_argument(
        "--transcripts", nargs="+", default=[], metavar="KEY", help="only these transcripts (default: all)"
    )
    p.add_argument(
        "--min-score",
        type=float,
        default=DEFAULT_MIN_SCORE,
        metavar="S",
        help=f"keep suggestions scoring at least S, 0-1 (default {DEFAULT_MIN_SCORE})",
    )
    p.add_argument(
        "--evaluate",
        action="store_true",
        help="after suggesting, compare the suggestions with --against CODER's codings",
    )
    p.add_argument("--against", metavar="CODER", help="the human coder to evaluate against")
    p.set_defaults(handler=run)


def run(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.autocode.evaluate import evaluate
    from codeer.autocode.run import autocode

    if args.evaluate and not args.against:
        raise CodeerError("--evaluate needs --against CODER (whose codings to compare with)")
    report = autocode(
        ctx.db,
        codebooks=args.codebook,
        transcripts=args.transcripts,
        min_score=args.min_score,
        language=ctx.settings.language,
        model=ctx.settings.spacy_model,
        progress=StderrProgress("autocode"),
        moderators=ctx.settings.moderators,
    )
    print(report.summary())
    if args.evaluate:
        with ctx.db.session() as session:
            result = evaluate(
                session,
                args.against,
                codebooks=args.codebook,
                transcripts=args.transcripts,
                min_score=args.min_score,
            )
        print()
        print_evaluation(result)
    return 0


def _figure(value: float) -> str:
    return "    -" if math.isnan(value) else f"{value:5.2f}"


def _row(label: str, keywords: str, counts: Counts) -> str:
    return (
        f"{label:<32} {keywords:>4} {counts.human:>6} {counts.auto:>6} {counts.both:>6}  "
        f"{_figure(counts.precision)} {_figure(counts.recall)} {_figure(counts.f1)}"
    )


def print_evaluation(result: Evaluation) -> None:
    print(
        f"auto vs {result.coder}: suggestions scoring >= {result.min_score:g}, on {result.passages} "
        f"passages of the {result.transcripts} transcript(s) {result.coder} coded"
    )
    print(f"{'code':<32} {'kw':>4} {'human':>6} {'auto':>6} {'both':>6}  {'prec':>5} {'rec':>5} {'F1':>5}")
    for code in result.codes:
        print(_row(code.key, str(code.keywords), code.counts))
    print(_row("micro (all units)", "", result.micro))
    print(
        f"{'macro (mean over codes)':<32} {'':>4} {'':>6} {'':>6} {'':>6}  {_figure(result.macro_precision)} "
        f"{_figure(result.macro_recall)} {_figure(result.macro_f1)}"
    )
    print(
        "Krippendorff's alpha (nominal; passage x code units, present/absent): "
        f"{_figure(result.alpha).strip()}"
    )
