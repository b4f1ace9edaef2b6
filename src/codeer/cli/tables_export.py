"""``codeer export frequencies|cooccurrence|segments|codebook|all``: theme tables for analysts.

``-o FILE`` writes ``.csv`` or ``.xlsx`` (by extension; ``--excel`` makes the CSV open in Dutch Excel as it
is); without it the table is printed in aligned columns. See :mod:`codeer.export.tables` for the formula
injection guard and :mod:`codeer.analysis` for what is counted (the passage is the unit).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from codeer.choices import MATRIX_VALUES, MEASURES, STANDARD_TABLES
from codeer.cli.options import add_excel, add_pseudonymise
from codeer.cli.progress import StderrProgress
from codeer.errors import CodeerError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from codeer.analysis import Selection
    from codeer.cli.context import Context
    from codeer.export.tables import Table

    Builder = Callable[[Session, argparse.Namespace], list[Table]]


def _options(parser: argparse.ArgumentParser, *, grouped: bool, output: bool = True) -> None:
    if grouped:
        parser.add_argument(
            "--by",
            default="",
            metavar="ATTR[,ATTR...]",
            help="group by these transcript or speaker attributes (e.g. organisation,quadrant; "
            "speaker.rol); none: one overall table",
        )
        parser.add_argument(
            "--rollup", action="store_true", help="a parent code also counts its descendants' passages"
        )
    parser.add_argument(
        "--coder", dest="coders", metavar="NAME[,NAME...]", help="only these coders' codings (default: all)"
    )
    add_pseudonymise(parser, "in speakers and text")
    add_excel(parser)
    if output:
        parser.add_argument(
            "-o", "--output", type=Path, metavar="FILE", help="write FILE.csv or FILE.xlsx (default: print)"
        )


def _selection(args: argparse.Namespace) -> Selection:
    from codeer.analysis import Selection, parse_names

    return Selection(
        by=parse_names(getattr(args, "by", "")),
        coders=parse_names(args.coders),
        rollup=getattr(args, "rollup", False),
    )


def _frequencies(session: Session, args: argparse.Namespace) -> list[Table]:
    from codeer.export.layouts import frequency_tables

    return frequency_tables(session, _selection(args), wide=args.wide, measure=args.measure)


def _cooccurrence(session: Session, args: argparse.Namespace) -> list[Table]:
    from codeer.export.layouts import cooccurrence_tables

    return cooccurrence_tables(session, _selection(args), matrix=args.matrix)


def _segments(session: Session, args: argparse.Namespace) -> list[Table]:
    from codeer.analysis import parse_names
    from codeer.export.layouts import segment_table

    return [
        segment_table(
            session, parse_names(args.coders), pseudonymise=args.pseudonymise, moderators=args.moderators
        )
    ]


def _codebook(session: Session, args: argparse.Namespace) -> list[Table]:
    from codeer.analysis import parse_names
    from codeer.export.layouts import codebook_table

    return [codebook_table(session, parse_names(args.coders))]


def _runner(build: Builder) -> Callable[[Context, argparse.Namespace], int]:
    """A handler that builds the tables in one transaction and writes them to ``-o`` or the terminal."""

    def run(ctx: Context, args: argparse.Namespace) -> int:
        from codeer.analysis import parse_names
        from codeer.export.tables import check_format, render_text, write_tables

        if args.output is not None:
            check_format(args.output, args.excel)
        elif args.excel:
            raise CodeerError("--excel needs -o FILE.csv")
        with ctx.db.read_session() as session:
            args.coders = ",".join(ctx.readable(session, parse_names(args.coders)))
            args.moderators = ctx.settings.moderators  # the project's rule, for pseudonyms
            tables = build(session, args)
            if args.output is None:
                print(render_text(tables), end="")
                return 0
            rows = write_tables(tables, args.output, excel=args.excel)
        print(f"{args.output}: {rows} row(s)")
        return 0

    return run


def register_export(sub: argparse._SubParsersAction) -> None:

    p = sub.add_parser("frequencies", help="how many passages, speakers, transcripts each code reaches")
    _options(p, grouped=True)
    p.add_argument("--wide", action="store_true", help="codes as rows, groups as columns (for reports)")
    p.add_argument("--measure", choices=MEASURES, default="passages", help="what --wide shows (passages)")
    p.set_defaults(handler=_runner(_frequencies))

    p = sub.add_parser("cooccurrence", help="pairs of codes sharing passages, with Jaccard")
    _options(p, grouped=True)
    p.add_argument(
        "--matrix",
        nargs="?",
        const="passages",
        choices=MATRIX_VALUES,
        help="a code x code matrix per group: passages (default) or jaccard",
    )
    p.set_defaults(handler=_runner(_cooccurrence))

    p = sub.add_parser("segments", help="every coded passage or span as a quote")
    _options(p, grouped=False)
    p.set_defaults(handler=_runner(_segments))

    p = sub.add_parser("codebook", help="the codebook with definitions and counts")
    _options(p, grouped=False)
    p.set_defaults(handler=_runner(_codebook))

    p = sub.add_parser("all", help="the standard set of tables into the project's exports/ folder")
    _options(p, grouped=False, output=False)
    p.add_argument(
        "--rollup", action="store_true", help="a parent code also counts its descendants' passages"
    )
    p.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="file format (csv)")
    p.add_argument(
        "--skip", default="", metavar="TABLE[,TABLE...]", help=f"leave out: {', '.join(STANDARD_TABLES)}"
    )
    p.add_argument("--dir", type=Path, help="folder to write into (default: PROJECT/exports)")
    p.set_defaults(handler=run_all)


def run_all(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.analysis import parse_names
    from codeer.export.beside import export_project

    folder = args.dir or ctx.project / "exports"
    with ctx.db.read_session() as session:
        coders = tuple(ctx.readable(session, parse_names(args.coders)))
    report = export_project(
        ctx.db,
        folder,
        coders=coders,
        rollup=args.rollup,
        pseudonymise=args.pseudonymise,
        moderators=ctx.settings.moderators,
        suffix=f".{args.format}",
        excel=args.excel,
        skip=parse_names(args.skip),
        progress=StderrProgress("export"),
    )
    for path, rows in report.written:
        print(f"{path}: {rows} row(s)")
    for name, why in report.skipped:
        print(f"{name}: skipped, {why}")
    return 0
