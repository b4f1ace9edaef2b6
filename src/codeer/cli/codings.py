"""``codeer codings import|export``: codings as ``transcript,passage,code,coder,start,end,memo`` tables."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from codeer.cli.options import add_excel, add_pseudonymise

if TYPE_CHECKING:
    from codeer.cli.context import Context


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("codings", help="import or export codings as CSV or XLSX")
    sub = p.add_subparsers(dest="codings_command", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help="add codings from FILE.csv/.xlsx (all or nothing)")
    imp.add_argument("file", type=Path)
    imp.set_defaults(handler=run_import)
    exp = sub.add_parser("export", help="write codings to FILE.csv or FILE.xlsx")
    exp.add_argument("file", type=Path)
    exp.add_argument("--coder", dest="coders", help="only these coders (comma-separated)")
    add_excel(exp)
    add_pseudonymise(exp, "in memos")
    exp.set_defaults(handler=run_export)


def run_import(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.interop.codings_csv import import_codings

    ctx.auto_backup("before-codings-import")
    with ctx.db.session() as session:
        report = import_codings(session, args.file)
    print(
        f"{args.file}: {report.added} added, {report.updated} memo(s) updated, "
        f"{report.unchanged} already there"
    )
    return 0


def run_export(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.export.tables import Table, check_format, write_table
    from codeer.interop.codings_csv import COLUMNS, export_rows

    check_format(args.file, args.excel)
    asked = [c.strip() for c in args.coders.split(",") if c.strip()] if args.coders else []
    with ctx.db.read_session() as session:
        coders = ctx.readable(session, asked) or None
        rule = ctx.settings.moderators
        rows = export_rows(session, coders, pseudonymise=args.pseudonymise, moderators=rule)
        count = write_table(Table("codings", list(COLUMNS), rows), args.file, excel=args.excel)
    print(f"{args.file}: {count} coding(s)")
    return 0
