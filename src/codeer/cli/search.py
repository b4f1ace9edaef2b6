"""``codeer search``: find words, phrases and coded passages across every transcript, count them, code them.

Thin: arguments become a :class:`~codeer.search.text_query.TextQuery` and
:class:`~codeer.search.filters.Filters`; :mod:`codeer.search` does the work. Without ``-o`` the hits print
as keyword-in-context lines (or, with ``--by``, the counts as a table); ``-o`` writes the same as CSV or
XLSX with the export conventions of :mod:`codeer.export.tables`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from codeer.choices import SEARCH_SPANS
from codeer.cli.options import add_excel, add_pseudonymise
from codeer.errors import CodeerError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from codeer.cli.context import Context
    from codeer.search.filters import Filters
    from codeer.search.hits import Hit, Line
    from codeer.search.text_query import TextQuery
    from codeer.store.search_index import Reader

KWIC_WIDTH = 40
PASSAGE_WIDTH = 100
PRINT_BLOCK = 500


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "search",
        help="find words, phrases or coded passages in every transcript; count them; code them",
        description="Words and phrases (several arguments: any of them), bel* for prefixes, or --regex; "
        "--codes for a coded-segment query (AND, OR, NOT, NEAR/N). Moderators' turns are left out unless "
        "--moderators.",
    )
    p.add_argument(
        "query", nargs="*", metavar="QUERY", help='a word or phrase ("vaste contactpersoon", bel*)'
    )
    how = p.add_mutually_exclusive_group()
    how.add_argument("--lemma", action="store_true", help="every inflection of each word (spaCy lemmas)")
    how.add_argument("--fuzzy", action="store_true", help="spelling variants (a letter or two off)")
    how.add_argument("--regex", action="store_true", help="QUERY is a regular expression (case-insensitive)")
    p.add_argument("--where", action="append", metavar="ATTR=VALUE[,VALUE]", help="transcript attribute")
    p.add_argument("--speaker-where", action="append", metavar="ATTR=VALUE[,VALUE]", help="speaker attribute")
    p.add_argument("--moderators", action="store_true", help="search the moderators' turns too")
    p.add_argument("--codes", default="", metavar="QUERY", help='only passages matching "A AND B NOT C"')
    p.add_argument("--coders", default="", metavar="NAME[,NAME]", help="whose codings --codes counts (all)")
    p.add_argument("--by", default="", metavar="ATTR[,ATTR]", help="counts per value of these attributes")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write FILE.csv or FILE.xlsx")
    add_excel(p)
    add_pseudonymise(p, "in the listing and the file, also where the text names them")
    p.add_argument("--code", metavar="CODE", help="apply CODE (as --coder) to every hit's passage")
    p.add_argument(
        "--span", choices=SEARCH_SPANS, default="passage", help="with --code: the passage or the sentence"
    )
    p.add_argument(
        "--dry-run", action="store_true", help="with --code: show what would be coded, change nothing"
    )
    p.add_argument("--undo", action="store_true", help="take back your last search's codings (one step)")
    p.set_defaults(handler=run)


def _query(ctx: Context, session: Reader, args: argparse.Namespace) -> TextQuery | None:
    from codeer.search.text_query import fuzzy_expander, parse_text_query, project_words

    if not args.query:
        if args.lemma or args.fuzzy or args.regex:
            raise CodeerError("--lemma, --fuzzy and --regex need a QUERY")
        return None
    lemma = fuzzy = None
    if args.lemma:
        from codeer.search.lemmas import lemma_expander  # spaCy: only when asked for

        lemma = lemma_expander(ctx.settings.language)
    if args.fuzzy:
        fuzzy = fuzzy_expander(project_words(session))
    return parse_text_query(args.query, regex=args.regex, lemma=lemma, fuzzy=fuzzy)


def _filters(ctx: Context, session: Reader, args: argparse.Namespace) -> Filters:
    """The filters as given; a coded-segment query counts only the codings blind coding lets you read."""
    from codeer.search.filters import Filters, conditions_from
    from codeer.store.groups import parse_names

    # with --codes the caller reads through a session (the blind-coding rule's)
    coders = tuple(ctx.readable(session, parse_names(args.coders))) if args.codes else ()  # type: ignore[arg-type]
    return Filters(
        where=conditions_from(args.where),
        speaker_where=conditions_from(args.speaker_where),
        with_moderators=args.moderators,
        moderators=ctx.settings.moderators,
        codes=args.codes,
        coders=coders,
    )


def _coder(ctx: Context) -> str:
    if not ctx.coder:
        raise CodeerError("who is coding? give --coder NAME (or CODEER_CODER, or coder: in codeer.yaml)")
    return ctx.coder


def _check(args: argparse.Namespace) -> None:
    if args.output is not None:
        from codeer.export.tables import check_format

        check_format(args.output, args.excel)
    elif args.excel:
        raise CodeerError("--excel needs -o FILE.csv")
    if args.code and (args.output or args.by):
        raise CodeerError("--code codes the hits; run the search without it to count or export them")
    if (args.dry_run or args.span != "passage") and not args.code:
        raise CodeerError("--dry-run and --span go with --code CODE")
    if args.coders and not args.codes:
        raise CodeerError("--coders says whose codings --codes counts; give --codes QUERY too")


def run(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.search.hits import count_rows, find_hits, hit_columns, hit_rows, kwic_lines, passage_counts
    from codeer.store.groups import parse_names
    from codeer.store.search_index import ready_index

    if args.undo:
        return _undo(ctx)
    _check(args)
    ready_index(ctx.db)
    if args.code:
        return _code(ctx, args)
    rule = ctx.settings.moderators
    # A word search reads through a plain connection (no ORM to load); a coded-segment query applies the
    # blind-coding rule, which reads through a session.
    reading = ctx.db.read_session if args.codes else ctx.db.read_connection
    with reading() as session:
        query, filters = _query(ctx, session, args), _filters(ctx, session, args)
        if args.by:
            columns, rows = count_rows(session, passage_counts(session, query, filters), parse_names(args.by))
            return _write(args, "counts", columns, rows)
        hits = find_hits(session, query, filters)
        if args.output:
            lines = hit_rows(session, hits, pseudonymise=args.pseudonymise, moderators=rule)
            return _write(args, "hits", hit_columns(session), lines)
        kwic = kwic_lines(session, hits, pseudonymise=args.pseudonymise, moderators=rule)
        _print_kwic(kwic, passages=not args.query)
    print(_summary(hits, args))
    return 0


def _write(args: argparse.Namespace, name: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """One table, printed or written to ``-o`` (the export module and openpyxl load only for a table)."""
    from codeer.export.tables import Table, render_text, write_tables

    tables = [Table(name, columns, rows)]
    if args.output is None:
        print(render_text(tables), end="")
        return 0
    written = write_tables(tables, args.output, excel=args.excel)
    print(f"{args.output}: {written} row(s)")
    return 0


def _print_kwic(lines: Iterator[Line], *, passages: bool) -> None:
    """``left[hit]right  transcript #passage speaker``, the hits lined up under each other; a coded-segment
    query's passages as ``transcript #passage speaker: text``. Written in blocks: ten thousand lines are
    one write each a few hundred."""
    out: list[str] = []
    for line in lines:
        hit = line.hit
        where = f"{hit.transcript} #{hit.number} {line.speaker}"
        if passages:
            text = line.word
            out.append(f"{where}: {text[:PASSAGE_WIDTH]}{'…' if len(text) > PASSAGE_WIDTH else ''}")
        else:
            left, word, right = line.left[-KWIC_WIDTH:], line.word, line.right[:KWIC_WIDTH]
            out.append(f"{left:>{KWIC_WIDTH}}[{word}]{right:<{KWIC_WIDTH}}  {where}")
        if len(out) >= PRINT_BLOCK:
            print("\n".join(out))
            out.clear()
    if out:
        print("\n".join(out))


def _summary(hits: list[Hit], args: argparse.Namespace) -> str:
    passages = len({h.passage_id for h in hits})
    transcripts = len({h.transcript_id for h in hits})
    who = "moderators included" if args.moderators else "moderators left out"
    return f"{len(hits)} hit(s) in {passages} passage(s) of {transcripts} transcript(s) ({who})"


def _code(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.search.apply import apply_plan, plan_codings
    from codeer.search.hits import find_hits
    from codeer.store.workbench import coder_id

    coder = _coder(ctx)
    label = " ".join([" | ".join(args.query), f"[codes: {args.codes}]" if args.codes else ""]).strip()
    with ctx.db.session() as session:
        hits = find_hits(session, _query(ctx, session, args), _filters(ctx, session, args))
        plan = plan_codings(session, hits, args.code, coder_id(session, coder), span=args.span)
        for planned in plan.codings:
            key = planned.key
            span = "" if key.start is None else f" [{key.start}:{key.end}]"
            state = "has it already" if planned.exists else ("would code" if args.dry_run else "coded")
            print(f"{state}: {planned.transcript} #{planned.number}{span}")
        if args.dry_run:
            session.rollback()
            print(f"dry run: {len(plan.new)} coding(s) of {plan.code_ref} would be added for {coder}")
            return 0
        applied = apply_plan(session, plan, label)
    print(
        f"{applied} coding(s) of {plan.code_ref} added for {coder} "
        f"({len(plan.codings) - len(plan.new)} already there); undo all of them: codeer search --undo"
    )
    return 0


def _undo(ctx: Context) -> int:
    """Undo the last step if it is a search's codings (else nothing changes: the transaction rolls back)."""
    from codeer.store import history
    from codeer.store.coders import coder_id

    coder = _coder(ctx)
    with ctx.db.session() as session:
        change = history.undo_last(session, coder_id(session, coder))
        if change is None or not change.target.note.startswith(history.SEARCH_PREFIX):
            raise CodeerError(
                "your last step is not a search's codings: nothing undone (the workbench's u undoes any step)"
            )
    print(change.describe())
    return 0
