"""``codeer import PATH...``: transcripts from files and folders (``--dry-run`` to look before storing)."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from codeer.cli.progress import StderrProgress
from codeer.cli.qdpx_import import qdpx_files
from codeer.cli.qdpx_import import run as run_qdpx
from codeer.ingest.formats import UNLABELLED_MODES, describe

if TYPE_CHECKING:
    from codeer.cli.context import Context
    from codeer.ingest.records import ParsedTranscript
    from codeer.store.database import Database


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "import",
        help=f"import transcripts ({describe()}; files or folders), or import qdpx FILE.qdpx",
        description="Import transcripts. All files are checked first; one bad file changes nothing. "
        "Unchanged files are skipped; changed files are re-imported and their codings re-anchored.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--force", action="store_true", help="re-import even if some codings cannot be placed")
    p.add_argument(
        "--unlabelled",
        choices=UNLABELLED_MODES,
        help="files without speaker labels: one passage per paragraph, or per cue (subtitles) or line, "
        "without a speaker (files with speaker labels import as usual)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="read and check everything, print what each file would give, store nothing",
    )
    p.set_defaults(handler=run)


def run(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.project.importing import import_paths

    qdpx = qdpx_files(args.paths)
    if qdpx is not None:
        return run_qdpx(ctx, qdpx)
    if args.dry_run:
        return _dry_run(ctx, args)
    ctx.auto_backup("before-import")
    report = import_paths(
        ctx.db,
        args.paths,
        language=ctx.settings.language,
        spacy_model=ctx.settings.spacy_model,
        force=args.force,
        unlabelled=args.unlabelled,
        progress=StderrProgress("import"),
    )
    _print_skipped(report.skipped)
    for path, warning in report.warnings:
        print(f"{path}: warning: {warning}")
    print(
        f"{report.count('new')} new, {report.count('updated')} updated, "
        f"{report.count('unchanged')} unchanged "
        f"transcript(s); {report.passages} passage(s) stored"
    )
    for result in report.results:
        if result.moved:
            print(f"{result.key}: {result.moved} coding(s) re-anchored")
        for line in result.uncertain:
            print(f"check: {line}")
        for line in result.lost:
            print(f"dropped: {line}")
    return 0


def _print_skipped(skipped: list[tuple[Path, str]]) -> None:
    for path, why in skipped:
        print(f"{path}: skipped: {why}")


def _dry_run(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.errors import raise_all
    from codeer.project.importing import preview_paths

    previews, skipped = preview_paths(_existing_db(ctx), args.paths, unlabelled=args.unlabelled)
    _print_skipped(skipped)
    for preview in previews:
        if preview.transcript is not None and preview.problem is None:
            _print_preview(preview.path, preview.status, preview.transcript)
    print(f"dry run: {sum(p.problem is None for p in previews)} file(s) readable, nothing stored")
    raise_all([p.problem for p in previews if p.problem is not None])
    return 0


def _existing_db(ctx: Context) -> Database | None:
    """The project's database to compare with, or None when its SQLite file does not exist yet: a dry run
    leaves no database behind in a folder that had none."""
    from sqlalchemy.engine import make_url

    url = make_url(ctx.settings.db_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        return None
    return ctx.db


def _print_preview(path: Path, status: str, t: ParsedTranscript) -> None:
    """Per file: id, layout, each speaker's turns and words, passages, times, preamble/postamble, warnings."""
    timed = sum(turn.start_ms is not None for turn in t.turns)
    print(f"{path}: {status} transcript {t.key!r}, layout: {t.layout}")
    print(f"  {len(t.turns)} passage(s), {timed} with a time")
    turns: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for turn in t.turns:
        turns[turn.speaker] += 1
        words[turn.speaker] += len(turn.text.split())
    for speaker, n in turns.most_common():
        print(f"  {speaker or '(no speaker)'}: {n} turn(s), {words[speaker]:,} word(s)")
    print(
        f"  preamble: {len(t.preamble.splitlines())} line(s), {len(t.preamble.split())} word(s); "
        f"postamble: {len(t.postamble.splitlines())} line(s)"
    )
    for warning in t.warnings:
        print(f"  warning: {warning}")
