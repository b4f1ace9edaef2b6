"""The report as one self-contained HTML file: styles inline, figures as SVG ``data:`` images, no script to
run, and a Content-Security-Policy that forbids the page any network request, so it opens the same offline,
from an e-mail or on an archive disk. Each figure's numbers sit beside it as JSON
(``<script type="application/json">``, data only, never run).
"""

from __future__ import annotations

import base64
import json
from html import escape

from codeer.figures.words import say
from codeer.report.blocks import (
    Block,
    FigureBlock,
    Heading,
    Paragraph,
    QuotesBlock,
    TableBlock,
    report_blocks,
)
from codeer.report.build import Report

POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
STYLE = """
body { font: 15px/1.5 "DejaVu Sans", system-ui, sans-serif; max-width: 75rem; margin: 2rem auto;
       padding: 0 1rem; color: #1a1a1a; }
h1, h2, h3 { line-height: 1.2; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9em; }
th, td { border-bottom: 1px solid #e0e0e0; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.4em; border: 1px solid #555; }
figure { margin: 1.5rem 0; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #444; }
blockquote { margin: 0.4rem 0 0.8rem 1rem; padding-left: 0.8rem; border-left: 3px solid #0072b2; }
.source { font-size: 0.85em; color: #555; }
"""


def _table(block: TableBlock) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in block.header)
    rows = []
    for index, row in enumerate(block.rows):
        cells = []
        for column, value in enumerate(row):
            numeric = column > 0 and value.replace(".", "").replace(" – ", "").replace("-", "").isdigit()
            swatch = ""
            if column == 0 and block.swatches and block.swatches[index]:
                swatch = f'<span class="swatch" style="background:{escape(block.swatches[index])}"></span>'
            opening = '<td class="n">' if numeric else "<td>"
            cells.append(f"{opening}{swatch}{escape(value)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _figure(block: FigureBlock) -> str:
    drawn = block.drawn
    source = base64.b64encode(drawn.svg).decode("ascii")
    data = json.dumps(drawn.figure.data(), ensure_ascii=False).replace("</", "<\\/")
    title = escape(drawn.figure.title)
    return (
        f'<figure id="figure-{escape(drawn.name)}" data-kind="{drawn.figure.kind}">'
        f'<img src="data:image/svg+xml;base64,{source}" alt="{title}">'
        f"<figcaption>{title} · {escape(drawn.figure.subtitle)}</figcaption>"
        f'<script type="application/json" class="figure-data">{data}</script></figure>'
    )


def _quotes(block: QuotesBlock) -> str:
    parts = [f"<h4>{escape(block.code)}</h4>"]
    for quote in block.quotes:
        where = f"{quote.transcript} #{quote.passage}" + (f", {quote.time}" if quote.time else "")
        speaker = f"{quote.speaker}, " if quote.speaker else ""
        parts.append(
            f"<blockquote><p>{escape(quote.text)}</p>"
            f'<p class="source">— {escape(speaker)}{escape(where)}</p></blockquote>'
        )
    return "".join(parts)


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        anchor = f' id="{escape(block.anchor)}"' if block.anchor else ""
        return f"<h{block.level}{anchor}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, TableBlock):
        return _table(block)
    if isinstance(block, FigureBlock):
        return _figure(block)
    return _quotes(block)


def render_html(report: Report) -> str:
    lang = report.language
    body = "\n".join(_block(block) for block in report_blocks(report))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(say(lang, 'report'))}</title><style>{STYLE}</style></head>\n<body>\n{body}\n"
        f'<p class="source">{escape(say(lang, "data_note"))}</p>\n</body></html>\n'
    )
