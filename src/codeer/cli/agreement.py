"""``codeer agreement``: how well coders agree, per code and pooled, and where they differ.

Without ``-o`` the table is printed; ``-o FILE.csv|.xlsx`` writes it (``--excel`` for Dutch Excel). What the
units and values are is in :mod:`codeer.analysis.agreement_report`; the confusion table is explained in
:mod:`codeer.analysis.confusion`. Undefined statistics (e.g. kappa when both coders never applied a code) are
empty cells.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from codeer.analysis import parse_names
from codeer.analysis.agreement_report import (
    BOOTSTRAP_SAMPLES,
    AgreementReport,
    AgreementRow,
    agreement_report,
)
from codeer.analysis.confusion import Confusion, confusion
from codeer.cli.context import Context
from codeer.errors import CodeerError
from codeer.export.tables import Cell, Table, check_format, render_text, write_tables
from codeer.store.codebook_history import describe_later_changes

STATISTICS = (
    "units",
    "percent_agreement",
    "cohen_kappa",
    "krippendorff_alpha",
    "fleiss_kappa",
    "gwet_ac1",
    "alpha_ci_low",
    "alpha_ci_high",
    "applied_by_all",
    "disagreements",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "agreement",
        help="inter-coder agreement per code (kappa, alpha, ...) and where coders differ",
        description="Agreement per code and pooled (ALL) over the passages of the transcripts that at least "
        "two of the compared coders coded; a coder who did not touch a transcript is missing there.",
    )
    p.add_argument(
        "--coders",
        metavar="A,B[,C...]",
        help="the coders to compare (default: every coder who coded a transcript another coder coded too, "
        "consensus coders left out)",
    )
    p.add_argument("--by", default="", metavar="ATTR[,ATTR...]", help="the same table per attribute value")
    p.add_argument("--codebook", metavar="KEY", help="only the codes (and codings) of this codebook")
    p.add_argument(
        "--confusion",
        action="store_true",
        help="instead: rows = A's code, columns = B's code on the same passage, plus (none)",
    )
    p.add_argument(
        "--bootstrap",
        type=int,
        default=BOOTSTRAP_SAMPLES,
        metavar="N",
        help=f"bootstrap replicates for alpha's 95%% interval (default {BOOTSTRAP_SAMPLES}; 0: none)",
    )
    p.add_argument(
        "--excel", action="store_true", help="CSV for Dutch Excel: UTF-8 with BOM, ';' and decimal comma"
    )
    p.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write FILE.csv or FILE.xlsx (default: print)"
    )
    p.set_defaults(handler=run)


def _value(x: float) -> float | None:
    return None if math.isnan(x) else x


def _cells(row: AgreementRow) -> list[Cell]:
    return [
        *row.group,
        row.code.ref if row.code else "ALL",
        row.units,
        *(
            _value(x)
            for x in (
                row.percent_agreement,
                row.cohen_kappa,
                row.krippendorff_alpha,
                row.fleiss_kappa,
                row.gwet_ac1,
                row.alpha_low,
                row.alpha_high,
            )
        ),
        row.applied_by_all,
        row.disagreements,
        *row.only,
        row.code.name if row.code else "",
    ]


def report_table(report: AgreementReport) -> Table:
    """One row per group and code, then the group's ALL row; attribute columns first."""
    columns = [
        *(a.label for a in report.attributes),
        "code",
        *STATISTICS,
        *(f"only_{coder}" for coder in report.coders),
        "name",
    ]
    return Table("agreement", columns, [_cells(row) for row in report.rows])


def confusion_table(result: Confusion) -> Table:
    """A's codes as rows, B's as columns, (none) last; a block per group, its values leading every row."""
    refs = [code.ref for code in result.codes] + ["(none)"]
    columns = [*(a.label for a in result.attributes), f"{result.coder_a} \\ {result.coder_b}", *refs]
    rows: list[list[Cell]] = [
        [*matrix.group, ref, *(int(n) for n in matrix.cells[i])]
        for matrix in result.matrices
        for i, ref in enumerate(refs)
    ]
    for matrix_end in range(len(refs) - 1, len(rows), len(refs)):
        rows[matrix_end][-1] = None  # (none) x (none): no disagreement to count
    return Table(f"confusion {result.coder_a} x {result.coder_b}", columns, rows)


def run(ctx: Context, args: argparse.Namespace) -> int:
    if args.output is not None:
        check_format(args.output, args.excel)
    elif args.excel:
        raise CodeerError("--excel needs -o FILE.csv")
    if args.bootstrap < 0:
        raise CodeerError("--bootstrap needs a number of replicates, 0 or more")
    coders, by = parse_names(args.coders), parse_names(args.by)
    notes: list[str] = []
    with ctx.db.session() as session:
        if args.confusion:
            result = confusion(session, coders, by, args.codebook)
            table = confusion_table(result)
            summary = (
                f"rows: {result.coder_a}'s codes; columns: {result.coder_b}'s codes on the same passages"
            )
        else:
            report = agreement_report(session, coders, by, args.codebook, bootstrap=args.bootstrap)
            table = report_table(report)
            summary = (
                f"coders: {', '.join(report.coders)}; units: {report.passages} passages of "
                f"{report.transcripts} transcript(s) coded by at least two of them"
            )
            notes = describe_later_changes(report.changed)
    if args.output is None:
        print(summary)
        print(render_text([table]), end="")
        print("\n".join(notes), end="\n" if notes else "")
        return 0
    for note in notes:
        print(note, file=sys.stderr)
    rows = write_tables([table], args.output, excel=args.excel)
    print(f"{args.output}: {rows} row(s)")
    return 0
