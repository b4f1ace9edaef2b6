"""``codeer import PATH...``: transcripts from files and folders."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from codeer.cli.progress import StderrProgress
from codeer.cli.qdpx_import import qdpx_files
from codeer.cli.qdpx_import import run as run_qdpx

if TYPE_CHECKING:
    from codeer.cli.context import Context


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "import",
        help="import transcripts (.txt .md .vtt .srt .docx; files or folders), or import qdpx FILE.qdpx",
        description="Import transcripts. All files are checked first; one bad file changes nothing. "
        "Unchanged files are skipped; changed files are re-imported and their codings re-anchored.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--force", action="store_true", help="re-import even if some codings cannot be placed")
    p.set_defaults(handler=run)


def run(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.project.importing import import_paths

    qdpx = qdpx_files(args.paths)
    if qdpx is not None:
        return run_qdpx(ctx, qdpx)
    ctx.auto_backup("before-import")
    report = import_paths(
        ctx.db,
        args.paths,
        language=ctx.settings.language,
        spacy_model=ctx.settings.spacy_model,
        force=args.force,
        progress=StderrProgress("import"),
    )
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
