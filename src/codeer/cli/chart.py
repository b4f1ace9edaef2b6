"""``codeer chart KIND -o FILE.svg|.pdf|.png``: one figure of the codings, ready for a report or a paper.

What each kind counts is in :mod:`codeer.figures.data`; how it is drawn in :mod:`codeer.figures.render`.
``--data FILE.json`` writes the numbers the figure shows, to check against ``codeer export`` or to redraw.
Whose codings are drawn follows blind coding as the exports do
(:func:`codeer.store.blinding.readable_coders`). The figures and matplotlib are imported when a chart is
drawn, so ``codeer --help`` does not pay for them.
"""

from __future__ import annotations

import argparse
import json
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from codeer.choices import CHART_KINDS, CHART_VALUES

if TYPE_CHECKING:
    from codeer.cli.context import Context
    from codeer.figures.painter import Painter


def register(subparsers: argparse._SubParsersAction) -> None:
    values = "; ".join(f"{kind}: {', '.join(choices)}" for kind, choices in CHART_VALUES.items())
    p = subparsers.add_parser(
        "chart",
        help="a figure: code frequencies, heatmap, co-occurrence matrix or code network (SVG, PDF, PNG)",
        description="Draw one figure of the codings. The passage is the unit: a code counts once per "
        "passage, whichever selected coders applied it. Titles are in the project's language.",
    )
    p.add_argument("kind", choices=CHART_KINDS, help="what to draw")
    p.add_argument(
        "--by", default="", metavar="ATTR[,ATTR]",
        help="group by transcript or speaker attributes (frequencies: one attribute gives grouped bars, "
        "two a panel per value of the first; heatmap: the columns)",
    )  # fmt: skip
    p.add_argument("--codebook", metavar="KEY", help="only the codes of this codebook (default: all)")
    p.add_argument(
        "--coder", dest="coders", metavar="NAME[,NAME...]", help="only these coders' codings (default: all)"
    )
    p.add_argument(
        "--rollup", action="store_true", help="a parent code also counts its descendants' passages"
    )
    p.add_argument("--values", metavar="WHAT", help=f"what is counted or shown (first is default): {values}")
    p.add_argument(
        "--threshold", type=float, metavar="X",
        help="network: draw a link at or above X (default 2 passages, or Jaccard 0.1)",
    )  # fmt: skip
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="FILE.svg, .pdf or .png")
    p.add_argument("--data", type=Path, metavar="FILE.json", help="also write the figure's numbers as JSON")
    p.set_defaults(handler=run, prelude=start_painter)


def start_painter(args: argparse.Namespace) -> Painter:
    """Before the project is opened (importing SQLAlchemy takes a third of a second): the painter's second
    process starts loading matplotlib at once. The caller holds it open for the whole command."""
    from codeer.figures.painter import Painter

    args.painter = Painter()
    return args.painter


def run(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.figures.painter import Painter, check_output

    fmt = check_output(args.output)
    with ExitStack() as own:  # matplotlib loads in a second process while this one reads the project
        painter = getattr(args, "painter", None) or own.enter_context(Painter())
        from codeer.analysis import Selection, parse_names
        from codeer.figures import Options, build_figure
        from codeer.figures.data import check_options
        from codeer.figures.words import language_of

        asked = parse_names(args.coders)
        selection = Selection(by=parse_names(args.by), coders=asked, rollup=args.rollup)
        language = language_of(ctx.settings.language)
        options = Options(args.kind, selection, args.codebook, args.values, args.threshold, language)
        check_options(options)  # before the database is opened
        with ctx.db.read_session() as session:
            coders = tuple(ctx.readable(session, asked))
            figure = build_figure(session, replace(options, selection=replace(selection, coders=coders)))
        args.output.write_bytes(painter.result(painter.draw(figure, fmt)))
    print(f"{args.output}: {figure.title} ({len(figure.codes)} codes)")
    if args.data is not None:
        args.data.write_text(json.dumps(figure.data(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{args.data}: the figure's numbers")
    return 0
