"""Everything the study report holds, gathered in one read of the project: plain data, no HTML yet.

Which attributes the report groups by: ``--by`` if given, else ``organisation`` and ``quadrant`` where the
project has them (also the Dutch ``organisatie`` and ``kwadrant``), else up to two transcript attributes that
group the transcripts (2–20 values, fewer values than transcripts). Each table is computed once (inside
:func:`~codeer.analysis.cells.shared_cells`, so they share one pass over the codings) and each codebook
with codings gets its own figures: frequencies by the first attribute, by both (a panel per value of the
first), a heat map of shares per attribute, the co-occurrence matrix (Jaccard) and the code network.
Each figure goes to the painter (:mod:`codeer.figures.painter`) as soon as its numbers are known and is
drawn there while the quotes and the agreement are computed here.
The agreement summary is there when two or more of the report's coders coded the same transcripts
(:func:`codeer.analysis.agreement_report.default_coders`) and blind coding lets them be compared
(``compare``, from :func:`codeer.store.blinding.may_see_others`); it is a summary with the same numbers as
``codeer agreement`` (same bootstrap), and points to ``codeer agreement --report`` for the full reliability
report (:mod:`codeer.analysis.reliability_report`) rather than repeating it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from codeer.analysis import (
    CodebookEntry,
    CooccurrenceTable,
    FrequencyTable,
    Selection,
    codebook_entries,
    cooccurrence,
    frequencies,
)
from codeer.analysis.agreement_report import AgreementReport, agreement_report, default_coders
from codeer.analysis.cells import shared_cells
from codeer.choices import BOOTSTRAP_SAMPLES
from codeer.figures.data import Options, figure_from_tables
from codeer.figures.kinds import Figure
from codeer.figures.painter import Painter
from codeer.model import Codebook, Transcript, TranscriptAttribute
from codeer.report.corpus import Corpus, corpus_summary
from codeer.report.typical import TypicalQuote, typical_quotes
from codeer.store.groups import resolve_attributes
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule

PREFERRED = (("organisation", "organisatie"), ("quadrant", "kwadrant"))
MAX_VALUES = 20


@dataclass
class Drawn:
    """A figure with its SVG; ``name`` is its file name stem in a Markdown report."""

    name: str
    figure: Figure
    svg: bytes


@dataclass
class BookSection:
    key: str
    title: str
    entries: list[CodebookEntry]
    figures: list[Drawn] = field(default_factory=list)


@dataclass
class Report:
    language: str
    coders: tuple[str, ...]  # whose codings are counted; empty: everyone's
    pseudonymised: bool
    corpus: Corpus
    books: list[BookSection]
    quotes: dict[int, list[TypicalQuote]]
    agreement: AgreementReport | None


def report_attributes(session: Session, by: tuple[str, ...]) -> tuple[str, ...]:
    """The attributes the report groups by (module docstring); ``by`` checked as ``--by`` is."""
    if by:
        return by
    counts = dict(
        session.execute(
            select(TranscriptAttribute.name, func.count(distinct(TranscriptAttribute.value))).group_by(
                TranscriptAttribute.name
            )
        ).all()
    )
    chosen = tuple(next((n for n in names if n in counts), "") for names in PREFERRED)
    chosen = tuple(name for name in chosen if name)
    if chosen:
        return chosen
    transcripts = session.scalar(select(func.count(Transcript.id))) or 0
    grouping = [
        name for name in sorted(counts) if 2 <= counts[name] <= MAX_VALUES and counts[name] < transcripts
    ]
    return tuple(grouping[:2])


def _figures(
    key: str, selection: Selection, attributes: tuple[str, ...], language: str
) -> list[tuple[str, Options]]:
    """(file name stem, options) of each figure of codebook ``key``."""
    plans: list[tuple[str, Options]] = []

    def add(name: str, kind: str, by: tuple[str, ...], values: str | None = None) -> None:
        options = Options(kind, Selection(by, selection.coders), key, values, language=language)
        plans.append((f"{key}-{name}", options))

    add("frequencies", "frequencies", attributes[:1])
    if len(attributes) >= 2:
        add("frequencies-" + "-".join(attributes[:2]), "frequencies", attributes[:2])
    for attribute in attributes:
        add(f"heatmap-{attribute}", "heatmap", (attribute,), "shares")
    add("cooccurrence", "cooccurrence", (), "jaccard")
    add("network", "network", ())
    return plans


def build_report(
    session: Session,
    *,
    by: tuple[str, ...] = (),
    coders: tuple[str, ...] = (),
    language: str = "nl",
    pseudonymise: bool = True,
    moderators: ModeratorRule = DEFAULT_RULE,
    compare: bool = True,
    quotes_per_code: int = 3,
    progress: Callable[[int, int, str], None] | None = None,
    painter: Painter | None = None,
) -> Report:
    """The report's data; ``progress`` hears ``(step, steps, what)`` before each figure and the last steps.

    ``coders``: whose codings count (empty: everyone's), as :func:`codeer.store.blinding.readable_coders`
    allows; ``compare``: whether those coders may be compared (no agreement section while blind coding
    hides the others); ``moderators``: the project's rule, for the quotes' ranking and pseudonyms;
    ``painter``: draws the figures while the quotes and agreement are computed (the CLI starts it before it
    opens the database; without one, one is made here).
    """
    with ExitStack() as stack:
        if painter is None:
            painter = stack.enter_context(Painter())
        return _build(
            session, painter, by, coders, language, pseudonymise, moderators, compare, quotes_per_code,
            progress or (lambda done, total, what: None),
        )  # fmt: skip


def _build(
    session: Session,
    painter: Painter,
    by: tuple[str, ...],
    coders: tuple[str, ...],
    language: str,
    pseudonymise: bool,
    moderators: ModeratorRule,
    compare: bool,
    quotes_per_code: int,
    tell: Callable[[int, int, str], None],
) -> Report:
    attributes = report_attributes(session, by)
    resolved = resolve_attributes(session, attributes)
    selection = Selection(coders=coders)
    corpus = corpus_summary(session, tuple(a.name for a in resolved if a.kind == "transcript"))
    drawing: list[tuple[BookSection, str, Figure, int]] = []
    with shared_cells(session):
        entries = codebook_entries(session, coders)
        books = [
            BookSection(key, title or key, [e for e in entries if e.code.codebook == key])
            for key, title in session.execute(select(Codebook.key, Codebook.title).order_by(Codebook.id))
        ]
        plans = [
            (book, name, options)
            for book in books
            if any(entry.passages for entry in book.entries)
            for name, options in _figures(book.key, selection, attributes, language)
        ]
        steps = len(plans) + 2
        tables: dict[tuple[str, ...], FrequencyTable | CooccurrenceTable] = {}
        for step, (book, name, options) in enumerate(plans):
            tell(step, steps, name)
            grouping = options.selection.by if options.kind in ("frequencies", "heatmap") else ("*",)
            if grouping not in tables:
                whole = grouping == ("*",)
                tables[grouping] = (
                    cooccurrence(session, selection) if whole else frequencies(session, options.selection)
                )
            figure = figure_from_tables(session, options, tables[grouping])
            drawing.append((book, name, figure, painter.draw(figure, "svg")))
    tell(len(plans), steps, "quotes")
    quotes = typical_quotes(
        session, selection, quotes_per_code, pseudonymise=pseudonymise, moderators=moderators
    )
    agreement = None
    compared = [name for name in default_coders(session) if not coders or name in coders]
    if compare and len(compared) >= 2:
        tell(len(plans) + 1, steps, "agreement")
        agreement = agreement_report(session, compared, bootstrap=BOOTSTRAP_SAMPLES)
    for book, name, figure, ticket in drawing:
        book.figures.append(Drawn(name, figure, painter.result(ticket)))
    tell(steps, steps, "")
    return Report(language, coders, pseudonymise, corpus, books, quotes, agreement)
