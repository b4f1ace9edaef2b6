"""The options every command that writes files for people shares, defined once: the export conventions
(README, "Theme tables") are the same whichever command writes the file, and so are their names, spellings
and help."""

from __future__ import annotations

import argparse


def add_excel(parser: argparse.ArgumentParser) -> None:
    """``--excel``: CSV as Dutch Excel opens it (UTF-8 with BOM, ``;``, decimal comma)."""
    parser.add_argument(
        "--excel", action="store_true", help="CSV for Dutch Excel: UTF-8 with BOM, ';' and decimal comma"
    )


def add_pseudonymise(parser: argparse.ArgumentParser, where: str) -> None:
    """``--pseudonymise`` (also spelled ``--pseudonymize``): speakers as their stable codes (P01.., M for
    a moderator); ``where`` says in which parts of this command's output."""
    parser.add_argument(
        "--pseudonymise",
        "--pseudonymize",
        action="store_true",
        help=f"speakers' names as their codes (P01.., M for a moderator) {where}",
    )
