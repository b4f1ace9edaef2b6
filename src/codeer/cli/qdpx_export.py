"""``codeer export qdpx FILE.qdpx``: the whole project, for NVivo, ATLAS.ti, MAXQDA, QualCoder, reviewers."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from codeer.cli.options import add_pseudonymise
from codeer.cli.progress import StderrProgress

if TYPE_CHECKING:
    from codeer.cli.context import Context


def register_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "qdpx",
        help="the whole project as a REFI-QDA project (.qdpx)",
        description="Write transcripts, codebooks, coders, codings and memos as a REFI-QDA project file that "
        "NVivo, ATLAS.ti, MAXQDA and QualCoder open.",
    )
    p.add_argument("file", type=Path, metavar="FILE.qdpx")
    p.add_argument("--coder", dest="coders", help="only codings and memos of these coders (comma-separated)")
    add_pseudonymise(p, "in labels, cases, texts and memos")
    p.set_defaults(handler=run)


def run(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.interop.qdpx_export import export_qdpx

    asked = [c.strip() for c in args.coders.split(",") if c.strip()] if args.coders else []
    with ctx.db.session() as session:
        coders = list(ctx.readable(session, asked)) or None
        name = ctx.project.resolve().name
        report = export_qdpx(
            session,
            args.file,
            name=name,
            coders=coders,
            progress=StderrProgress("export"),
            pseudonymise=args.pseudonymise,
            moderators=ctx.settings.moderators,
        )
    print(
        f"{args.file}: {report.transcripts} transcript(s), {report.codes} code(s), "
        f"{report.codings} coding(s) by {report.coders} coder(s), {report.memos} memo(s)"
    )
    for line in report.warnings:
        print(f"warning: {line}")
    return 0
