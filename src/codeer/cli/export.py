"""``codeer export KIND ...``: every export kind registers its own sub-command from its own module."""

from __future__ import annotations

import argparse
import importlib

# Modules under codeer.cli that define ``register_export(export_subparsers)``.
EXPORT_MODULES: tuple[str, ...] = ("tables_export", "qdpx_export")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export", help="write tables, quotes, the codebook or the whole project")
    sub = p.add_subparsers(dest="export_kind", metavar="KIND", required=True)
    for name in EXPORT_MODULES:
        importlib.import_module(f"codeer.cli.{name}").register_export(sub)
