"""``codeer import qdpx FILE.qdpx``: a REFI-QDA project from another program (or from codeer) into this one.

Reached through ``codeer import``: :func:`qdpx_files` tells whether the paths name QDPX files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from codeer.cli.progress import StderrProgress
from codeer.errors import CodeerError

if TYPE_CHECKING:
    from codeer.cli.context import Context


def qdpx_files(paths: list[Path]) -> list[Path] | None:
    """The QDPX files of ``codeer import qdpx FILE...`` or ``codeer import FILE.qdpx...``, else None."""
    files = paths[1:] if len(paths) > 1 and str(paths[0]) == "qdpx" else paths
    is_qdpx = [p.suffix.lower() == ".qdpx" for p in files]
    if files is paths and not any(is_qdpx):
        return None
    if files is paths and not all(is_qdpx):
        raise CodeerError("import .qdpx projects on their own, not together with transcripts")
    return files


def run(ctx: Context, files: list[Path]) -> int:
    """Import every file in one transaction: all of them or nothing."""
    from codeer.interop.qdpx_import import import_qdpx
    from codeer.project.importing import collector_paused

    ctx.auto_backup("before-qdpx-import")
    with collector_paused(), ctx.db.session() as session:
        reports = [
            import_qdpx(
                session,
                path,
                language=ctx.settings.language,
                spacy_model=ctx.settings.spacy_model,
                fallback_coder=ctx.settings.coder or "imported",
                progress=StderrProgress("import"),
            )
            for path in files
        ]
    for report in reports:
        print(
            f"{report.path}: {report.transcripts_new} new and {report.transcripts_reused} existing "
            f"transcript(s), {report.codes_added} code(s) added to "
            f"{', '.join(report.codebooks) or 'no codebook'}, "
            f"{report.codings_added} coding(s) added ({report.codings_already} already there) by "
            f"{', '.join(report.coders) or 'nobody'}, {report.memos} memo(s)"
        )
        print(f"{report.path}: positions read as {report.units}")
        for line in report.adjusted:
            print(f"adjusted: {line}")
        for line in report.not_imported:
            print(f"not imported: {line}")
    return 0
