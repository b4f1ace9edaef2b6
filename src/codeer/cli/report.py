"""``codeer report -o report.html``: the study report in one file, or ``--format md`` as Markdown with the
figures beside it. What it holds is in :mod:`codeer.report.build`; quotes are pseudonymised (the project's
moderator rule gives ``M``) unless ``--real-names``. Blind coding holds as in the exports: while the others
are hidden the report counts only your codings and has no agreement section (:mod:`codeer.store.blinding`).
The report's modules (numpy, matplotlib) are imported when it is written, not when ``codeer`` starts.
"""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from codeer.cli.chart import start_painter
from codeer.cli.progress import StderrProgress
from codeer.errors import CodeerError

if TYPE_CHECKING:
    from codeer.cli.context import Context
    from codeer.figures.painter import Painter
    from codeer.report.build import Report

FORMATS = {"html": ".html", "md": ".md"}


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "report",
        help="the study report: corpus, codebook with counts, figures, typical quotes, agreement",
        description="Write the study report: transcripts, passages, words and speakers per organisation and "
        "quadrant, each codebook with definitions and counts, the figures, the most typical quotes per code "
        "(speakers pseudonymised) and, where coders coded the same transcripts, their agreement.",
    )
    p.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE", help="report.html or report.md"
    )
    p.add_argument(
        "--format", choices=tuple(FORMATS), help="html (one self-contained file) or md (default: by -o)"
    )
    p.add_argument(
        "--by", default="", metavar="ATTR[,ATTR]",
        help="group by these attributes (default: organisation and quadrant where the project has them)",
    )  # fmt: skip
    p.add_argument(
        "--coder", dest="coders", metavar="NAME[,NAME...]", help="only these coders' codings (default: all)"
    )
    p.add_argument("--quotes", type=int, default=3, metavar="N", help="typical quotes per code (default 3)")
    p.add_argument(
        "--real-names", action="store_true", help="quote speakers by name (default: pseudonyms P01, M, ...)"
    )
    p.set_defaults(handler=run, prelude=start_painter)


def run(ctx: Context, args: argparse.Namespace) -> int:
    fmt = args.format or next(
        (f for f, suffix in FORMATS.items() if args.output.suffix.lower() == suffix), None
    )
    if fmt is None:
        raise CodeerError(f"{args.output}: write a .html or .md file, or say --format html|md")
    if args.quotes < 0:
        raise CodeerError("--quotes needs a number, 0 or more")
    from codeer.figures.painter import Painter

    with ExitStack() as own:  # draws the figures in a second process while this one reads the project
        report = _gather(ctx, args, getattr(args, "painter", None) or own.enter_context(Painter()))
    if fmt == "md":
        from codeer.report.markdown import write_markdown

        written = write_markdown(report, args.output)
        print(f"{args.output}: the report, {len(written) - 1} figure(s) in {args.output.stem}_files/")
    else:
        from codeer.report.html import render_html

        args.output.write_text(render_html(report), encoding="utf-8")
        figures = sum(len(book.figures) for book in report.books)
        print(f"{args.output}: the report, {figures} figure(s) inline")
    return 0


def _gather(ctx: Context, args: argparse.Namespace, painter: Painter) -> Report:
    from codeer.analysis import parse_names
    from codeer.figures.words import language_of
    from codeer.report.build import build_report
    from codeer.store.blinding import may_see_others

    with ctx.db.read_session() as session:
        return build_report(
            session,
            by=parse_names(args.by),
            coders=tuple(ctx.readable(session, parse_names(args.coders))),
            language=language_of(ctx.settings.language),
            pseudonymise=not args.real_names,
            moderators=ctx.settings.moderators,
            compare=may_see_others(session, ctx.settings.show_others_allowed),
            quotes_per_code=args.quotes,
            progress=StderrProgress("report"),
            painter=painter,
        )
