"""The report as a sequence of blocks (headings, paragraphs, tables, figures, quotes), laid out once here so
the HTML and the Markdown report say the same thing in the same order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from codeer import __version__
from codeer.figures.words import say
from codeer.report.build import Drawn, Report
from codeer.report.corpus import Counts
from codeer.report.typical import TypicalQuote


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class TableBlock:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    swatches: tuple[str, ...] = ()  # per row a colour shown before the first cell, or none


@dataclass(frozen=True)
class FigureBlock:
    drawn: Drawn


@dataclass(frozen=True)
class QuotesBlock:
    code: str
    definition: str
    quotes: tuple[TypicalQuote, ...]


Block = Heading | Paragraph | TableBlock | FigureBlock | QuotesBlock


def _number(x: float) -> str:
    return "" if math.isnan(x) else f"{x:.2f}"


def _counts_row(label: str, counts: Counts) -> tuple[str, ...]:
    return (label, str(counts.transcripts), str(counts.passages), str(counts.words), str(counts.speakers))


def _corpus(report: Report) -> list[Block]:
    lang, corpus = report.language, report.corpus
    header = tuple(say(lang, w) for w in ("transcripts", "passages", "words", "speakers"))
    blocks: list[Block] = [
        Heading(2, say(lang, "corpus"), "corpus"),
        TableBlock(("", *header), (_counts_row(say(lang, "total"), corpus.total),)),
    ]
    for name, values in corpus.per_value.items():
        blocks.append(Heading(3, say(lang, "per", a=name)))
        rows = tuple(_counts_row(value or say(lang, "none"), counts) for value, counts in values.items())
        blocks.append(TableBlock((name, *header), rows))
    if len(corpus.attributes) >= 2 and corpus.crosstab:
        first, second = corpus.attributes[:2]
        columns = sorted({b for _, b in corpus.crosstab})
        rows = tuple(
            (a or say(lang, "none"), *(str(corpus.crosstab.get((a, b), 0)) for b in columns))
            for a in sorted({a for a, _ in corpus.crosstab})
        )
        blocks.append(Heading(3, say(lang, "crosstab", a=first, b=second)))
        blocks.append(TableBlock((f"{first} \\ {second}", *(b or say(lang, "none") for b in columns)), rows))
    return blocks


def _books(report: Report) -> list[Block]:
    lang = report.language
    blocks: list[Block] = []
    for book in report.books:
        blocks.append(Heading(2, say(lang, "book", title=book.title), f"codebook-{book.key}"))
        header = ("code", "definition", "codings", "coders", "passages", "transcripts", "with_subcodes")
        rows = tuple(
            (
                "› " * e.code.depth + e.code.name,
                e.definition,
                str(e.codings),
                str(e.coders),
                str(e.passages),
                str(e.transcripts),
                str(e.passages_with_subcodes),
            )
            for e in book.entries
        )
        swatches = tuple(e.color for e in book.entries)
        blocks.append(TableBlock(tuple(say(lang, h) for h in header), rows, swatches))
        if not book.figures:
            blocks.append(Paragraph(say(lang, "no_codings")))
            continue
        blocks.append(Heading(3, say(lang, "figures")))
        blocks.extend(FigureBlock(drawn) for drawn in book.figures)
        blocks.append(Heading(3, say(lang, "quotes")))
        note = say(lang, "quotes_note")
        if report.pseudonymised:
            note += " " + say(lang, "pseudonymised")
        blocks.append(Paragraph(note))
        for entry in book.entries:
            found = report.quotes.get(entry.code.id)
            if found:
                blocks.append(QuotesBlock(entry.code.name, entry.definition, tuple(found)))
    return blocks


def _agreement(report: Report) -> list[Block]:
    lang, agreement = report.language, report.agreement
    if agreement is None:
        return []
    note = say(
        lang,
        "agreement_note",
        coders=", ".join(agreement.coders),
        passages=agreement.passages,
        transcripts=agreement.transcripts,
    )
    header = tuple(say(lang, w) for w in ("code", "units", "percent", "kappa", "alpha", "interval"))
    rows = tuple(
        (
            row.code.name if row.code else say(lang, "all_codes"),
            str(row.units),
            "" if math.isnan(row.percent_agreement) else f"{100 * row.percent_agreement:.0f}",
            _number(row.cohen_kappa),
            _number(row.krippendorff_alpha),
            "" if math.isnan(row.alpha_low) else f"{row.alpha_low:.2f} – {row.alpha_high:.2f}",
        )
        for row in agreement.rows
    )
    command = f"codeer agreement --coders {','.join(agreement.coders)} --report reliability.html"
    if report.pseudonymised:
        command += " --pseudonymise"
    return [
        Heading(2, say(lang, "agreement"), "agreement"),
        Paragraph(note),
        TableBlock(header, rows),
        Paragraph(say(lang, "reliability_link", command=command)),
    ]


def report_blocks(report: Report) -> list[Block]:
    lang = report.language
    whose = say(lang, "whose", coders=", ".join(report.coders) or say(lang, "everyone"))
    return [
        Heading(1, say(lang, "report")),
        Paragraph(f"{whose[0].upper()}{whose[1:]}. {say(lang, 'made_by', version=__version__)}"),
        *_corpus(report),
        *_books(report),
        *_agreement(report),
    ]
