"""REFI-QDA codebooks in ``codeer codebook``: ``export FILE.qdc``; ``load`` and ``check`` read ``.qdc``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codeer.cli.context import Context
    from codeer.codebook import CodebookSpec


def read_codebook_file(path: Path) -> CodebookSpec:
    """A codebook from YAML, or from a REFI-QDA codebook when the name ends in ``.qdc``."""
    from codeer.codebook import load_codebook
    from codeer.interop.qdc import read_qdc

    return read_qdc(path) if path.suffix.lower() == ".qdc" else load_codebook(path)


def register_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write a codebook as a REFI-QDA codebook (.qdc) for NVivo, ATLAS.ti, MAXQDA, QualCoder",
    )
    p.add_argument("file", type=Path, metavar="FILE.qdc")
    p.add_argument("--codebook", metavar="ID", help="which codebook (needed when the project has several)")
    p.set_defaults(handler=run_export)


def run_export(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.interop.qdc import export_qdc

    with ctx.db.session() as session:
        spec = export_qdc(session, args.file, args.codebook)
    print(f"{args.file}: codebook {spec.key}, {len(spec.codes)} code(s)")
    return 0
