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
from typing import TYPE_CHECKING

from codeer.choices import AGREEMENT_UNITS, BOOTSTRAP_SAMPLES
from codeer.cli.options import add_excel, add_pseudonymise
from codeer.errors import CodeerError

if TYPE_CHECKING:
    from codeer.analysis.agreement_report import AgreementReport, AgreementRow, OverlapReport
    from codeer.analysis.confusion import Confusion
    from codeer.cli.context import Context
    from codeer.export.tables import Cell, Table

STATISTICS = (
    "units",
    "percent_agreement",
    "cohen_kappa",
    "krippendorff_alpha",
    "fleiss_kappa",
    "gwet_ac1",
    "alpha_ci_low",
    "alpha_ci_high",
    "p_alpha_below_0.667",
    "p_alpha_below_0.800",
    "prevalence",
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
        "--unit",
        choices=AGREEMENT_UNITS,
        default="passage",
        help="the unit of analysis: passage (speaker turn, default), sentence, or char (the text itself: "
        "Krippendorff's unitized alpha per code, pooled, and cu-alpha per parent code)",
    )
    p.add_argument(
        "--overlap",
        metavar="SHARE|sweep",
        help="instead: segments matched when the other coder's segment with the same code overlaps by at "
        "least SHARE (intersection over union, 0 < SHARE <= 1), as MAXQDA reports it; 'sweep' for 0.5 to 1.0",
    )
    p.add_argument(
        "--report",
        type=Path,
        metavar="FILE.md|FILE.html",
        help="also write the reliability report (unit, coders, double coding, alpha with interval and "
        "P(alpha < 0.667/0.800) per code, settlements, a methods paragraph with references)",
    )
    add_pseudonymise(p, "in the report's quotes and notes")
    p.add_argument(
        "--bootstrap",
        type=int,
        default=BOOTSTRAP_SAMPLES,
        metavar="N",
        help=f"bootstrap replicates for alpha's 95%% interval (default {BOOTSTRAP_SAMPLES}; 0: none)",
    )
    add_excel(p)
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
                row.below_tentative,
                row.below_reliable,
                row.prevalence,
            )
        ),
        row.applied_by_all,
        row.disagreements,
        *row.only,
        row.code.name if row.code else "",
    ]


def report_table(report: AgreementReport) -> Table:
    """One row per group and code, then the group's ALL row; attribute columns first. With ``--unit
    char`` the cu-alpha rows of parent codes follow, their code as ``cu:KEY``."""
    from codeer.export.tables import Table

    columns = [
        *(a.label for a in report.attributes),
        "code",
        *STATISTICS,
        *(f"only_{coder}" for coder in report.coders),
        "name",
    ]
    rows = [_cells(row) for row in report.rows]
    for row in report.cu:
        cells = _cells(row)
        cells[len(report.attributes)] = f"cu:{cells[len(report.attributes)]}"
        rows.append(cells)
    return Table(f"agreement ({report.unit})", columns, rows)


def overlap_rows_table(result: OverlapReport) -> Table:
    """Per threshold, a row per code and ALL: each coder's segments, matched and unmatched, agreement."""
    from codeer.export.tables import Table

    a, b = result.coders
    per_coder = [f"{what}_{coder}" for coder in (a, b) for what in ("segments", "matched", "unmatched")]
    columns = ["overlap", "code", *per_coder, "percent_agreement", "kappa_brennan_prediger", "name"]
    rows: list[list[Cell]] = [
        [
            row.threshold,
            row.code.ref if row.code else "ALL",
            row.segments[0],
            row.matched[0],
            row.unmatched[0],
            row.segments[1],
            row.matched[1],
            row.unmatched[1],
            _value(row.percent_agreement),
            _value(row.kappa),
            row.code.name if row.code else "",
        ]
        for row in result.rows
    ]
    return Table("segment overlap", columns, rows)


def _thresholds(text: str) -> tuple[float, ...]:
    from codeer.analysis.overlap import SWEEP

    if text.strip().lower() == "sweep":
        return SWEEP
    try:
        share = float(text)
    except ValueError:
        share = math.nan
    if not 0.0 < share <= 1.0:
        raise CodeerError(f"--overlap needs a share between 0 and 1 (e.g. 0.9) or 'sweep', not {text!r}")
    return (share,)


UNIT_SUMMARY = {"passage": "passages", "sentence": "sentences", "char": "characters"}


def confusion_table(result: Confusion) -> Table:
    """A's codes as rows, B's as columns, (none) last; a block per group, its values leading every row."""
    from codeer.export.tables import Table

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


def _check(args: argparse.Namespace) -> None:
    from codeer.export.tables import check_format

    if args.output is not None:
        check_format(args.output, args.excel)
    elif args.excel:
        raise CodeerError("--excel needs -o FILE.csv")
    if args.bootstrap < 0:
        raise CodeerError("--bootstrap needs a number of replicates, 0 or more")
    if args.report is not None and args.report.suffix.lower() not in (".md", ".html"):
        raise CodeerError(f"{args.report}: --report writes FILE.md or FILE.html")
    if args.pseudonymise and args.report is None:
        raise CodeerError("--pseudonymise applies to the quotes of --report FILE")
    if args.report is not None and (args.confusion or args.overlap or args.by):
        raise CodeerError("--report describes the whole study: leave out --by, --confusion and --overlap")


def run(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.analysis import parse_names
    from codeer.analysis.agreement_report import agreement_report, overlap_report
    from codeer.analysis.confusion import confusion
    from codeer.analysis.reliability_report import gather, to_html, to_markdown
    from codeer.export.tables import render_text, write_tables
    from codeer.store.blinding import require_others_visible
    from codeer.store.codebook_history import describe_later_changes

    _check(args)
    coders, by = parse_names(args.coders), parse_names(args.by)
    written = ""
    notes: list[str] = []
    with ctx.db.session() as session:
        require_others_visible(session, "agreement", ctx.settings.show_others_allowed)
        if args.confusion:
            result = confusion(session, coders, by, args.codebook)
            table = confusion_table(result)
            summary = (
                f"rows: {result.coder_a}'s codes; columns: {result.coder_b}'s codes on the same passages"
            )
        elif args.overlap:
            overlap = overlap_report(session, coders, args.codebook, _thresholds(args.overlap))
            table = overlap_rows_table(overlap)
            summary = (
                f"coders: {', '.join(overlap.coders)}; segments in {overlap.transcripts} transcript(s) both "
                "coded; overlap = intersection over union"
            )
        else:
            report = agreement_report(
                session, coders, by, args.codebook, bootstrap=args.bootstrap, unit=args.unit
            )
            table = report_table(report)
            summary = (
                f"coders: {', '.join(report.coders)}; units: {report.units} {UNIT_SUMMARY[report.unit]} "
                + (f"({report.passages} passages) " if report.unit != "passage" else "")
                + f"of {report.transcripts} transcript(s) coded by "
                + ("every one of them" if report.unit == "char" else "at least two of them")
            )
            notes = [f"note: {line}" for line in describe_later_changes(report.changed)]
            if args.report is not None:
                facts = gather(session, report, args.bootstrap, args.pseudonymise, ctx.settings.moderators)
                written = to_html(facts) if args.report.suffix.lower() == ".html" else to_markdown(facts)
    if args.report is not None:
        args.report.write_text(written, encoding="utf-8")
    if args.output is None:
        print(summary)
        print(render_text([table]), end="")
        print("\n".join(notes), end="\n" if notes else "")
        if args.report is not None:
            print(f"{args.report}: report written")
        return 0
    for note in notes:
        print(note, file=sys.stderr)
    rows = write_tables([table], args.output, excel=args.excel)
    print(f"{args.output}: {rows} row(s)")
    if args.report is not None:
        print(f"{args.report}: report written")
    return 0
