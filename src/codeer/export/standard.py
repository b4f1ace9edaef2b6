"""``export all``: the standard set of tables an analyst of the study wants, into one folder in one go.

Frequencies overall, per organisation, per quadrant and per organisation × quadrant; co-occurrence per
organisation and per quadrant; every coded segment as a quote; the codebook with counts. A table whose
attributes the project does not have (no ``quadrant`` anywhere) is skipped and reported, not an error, so
the command also serves studies grouped otherwise. All tables are read in one transaction: they agree with
each other even while coders keep working. The command runs it through
:func:`codeer.export.beside.export_project`, which may hand the segments to a second process reading the
same snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from codeer.analysis import Selection
from codeer.analysis.cells import shared_cells
from codeer.choices import GROUPINGS, STANDARD_TABLES
from codeer.errors import CodeerError
from codeer.export.layouts import codebook_table, cooccurrence_tables, frequency_tables, segment_table
from codeer.export.tables import Table, check_format, write_tables
from codeer.store.groups import known_attributes
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule

Progress = Callable[[int, int, str], None]

TABLES = STANDARD_TABLES


@dataclass
class StandardExport:
    written: list[tuple[Path, int]] = field(default_factory=list)  # file, data rows
    skipped: list[tuple[str, str]] = field(default_factory=list)  # table, why


def check_request(suffix: str, excel: bool, skip: tuple[str, ...]) -> None:
    """Refuse a format codeer cannot write or an unknown table to skip, before any work is done."""
    check_format(Path(f"table{suffix}"), excel)
    unknown = [name for name in skip if name not in TABLES]
    if unknown:
        raise CodeerError(f"no standard table {', '.join(unknown)} (tables: {', '.join(TABLES)})")


def export_all(
    session: Session,
    folder: Path,
    *,
    coders: tuple[str, ...] = (),
    rollup: bool = False,
    pseudonymise: bool = False,
    moderators: ModeratorRule = DEFAULT_RULE,
    suffix: str = ".csv",
    excel: bool = False,
    skip: tuple[str, ...] = (),
    progress: Progress | None = None,
) -> StandardExport:
    """Write the standard set into ``folder`` as ``.csv`` (``excel``: for Dutch Excel) or ``.xlsx`` files.

    Everything is read in ``session``, one transaction, so the tables agree with each other. ``skip`` names
    tables not to write (e.g. ``segments``, the largest by far).
    """
    check_request(suffix, excel, skip)
    report = StandardExport()
    names = [name for name in TABLES if name not in skip]
    known = known_attributes(session)
    attributes = set(known["transcript"]) | set(known["speaker"])

    def build(name: str, done: int) -> list[Table]:
        if name == "segments":

            def step(label: str) -> None:
                if progress:
                    progress(done, len(names), f"segments, {label}")

            table = segment_table(
                session, coders, pseudonymise=pseudonymise, moderators=moderators, progress=step
            )
            return [table]
        if name == "codebook":
            return [codebook_table(session, coders)]
        selection = Selection(by=dict(GROUPINGS)[name], coders=coders, rollup=rollup)
        if name.startswith("frequencies"):
            return frequency_tables(session, selection, wide=False, measure="passages")
        return cooccurrence_tables(session, selection, matrix=None)

    with shared_cells(session):
        for done, name in enumerate(names):
            if progress:
                progress(done, len(names), name)
            missing = [a for a in dict(GROUPINGS).get(name, ()) if a not in attributes]
            if missing:
                report.skipped.append((name, f"no attribute {', '.join(missing)} in this project"))
                continue
            path = folder / f"{name}{suffix}"
            report.written.append((path, write_tables(build(name, done), path, excel=excel)))
    if progress:
        progress(len(names), len(names), "done")
    return report
