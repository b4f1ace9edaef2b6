"""The report as Markdown, the figures as SVG files in a folder beside it (``report_files/`` for
``report.md``), linked relatively, so the folder can be moved, put in Git, or turned into Word by pandoc.
"""

from __future__ import annotations

from pathlib import Path

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


def _cell(value: str) -> str:
    return " ".join(value.replace("|", "\\|").split())


def _table(block: TableBlock) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in block.header) + " |", "|" + "---|" * len(block.header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in block.rows]
    return [*lines, ""]


def _block(block: Block, folder: str) -> list[str]:
    if isinstance(block, Heading):
        return ["#" * block.level + " " + block.text, ""]
    if isinstance(block, Paragraph):
        return [block.text, ""]
    if isinstance(block, TableBlock):
        return _table(block)
    if isinstance(block, FigureBlock):
        figure = block.drawn.figure
        return [f"![{figure.title}]({folder}/{block.drawn.name}.svg)", "", f"*{figure.subtitle}*", ""]
    assert isinstance(block, QuotesBlock)
    lines = [f"#### {block.code}", ""]
    for quote in block.quotes:
        where = f"{quote.transcript} #{quote.passage}" + (f", {quote.time}" if quote.time else "")
        speaker = f"{quote.speaker}, " if quote.speaker else ""
        lines += [f"> {' '.join(quote.text.split())}", ">", f"> — {speaker}{where}", ""]
    return lines


def write_markdown(report: Report, path: Path) -> list[Path]:
    """Write ``path`` and its figures; the files written, the Markdown first."""
    folder = path.with_name(f"{path.stem}_files")
    written = [path]
    lines: list[str] = []
    for block in report_blocks(report):
        if isinstance(block, FigureBlock):
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{block.drawn.name}.svg"
            target.write_bytes(block.drawn.svg)
            written.append(target)
        lines += _block(block, folder.name)
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    return written
