"""A codings import writes as sets, yet gives exactly what one action per row gives: the same codings with
the same ids, and the same history events in the same order (on SQLite and on PostgreSQL).

The reference is the file applied row by row through :mod:`codeer.store.coding` (``apply_coding`` for a
new coding, ``update_coding`` for another non-empty memo), which is how codeer imported before.
"""

from __future__ import annotations

from pathlib import Path

from db_state import codings_and_events
from sqlalchemy import select

from codeer.errors import CodeerError
from codeer.interop.codings_csv import _check_rows, import_codings
from codeer.model import CodingEvent
from codeer.store.coding import CodingKey, apply_coding, find_coding, update_coding
from codeer.store.database import Database, open_database

pytest_plugins = ["conftest_backends"]

ROWS = """\
transcript,passage,code,coder,start,end,memo
vitens-q1,1,herhaling,anouk,,,eerste
vitens-q1,2,herhaling,anouk,0,5,
vitens-q1,2,oprechte-empathie,bram,,,nieuw memo
vitens-q1,1,herhaling,anouk,,,tweede
vitens-q1,1,herhaling,anouk,,,
vitens-q2,3,empathie,carla,2,9,"'=HYPERLINK(""x"")"
vitens-q2,3,empathie,carla,2,9,"'=HYPERLINK(""x"")"
vitens-q2,4,herhaling,carla,,,
vitens-q1,3,oprechte-empathie,anouk,,,
vitens-q2,1,oprechte-empathie,bram,,,herzien
"""


def _row_by_row(session, path: Path) -> None:
    """The reference: one coding action per row, as codeer imported before it wrote sets."""
    for passage_id, code_id, coder_id, start, end, memo, _, _ in _check_rows(session, path):
        key = CodingKey(passage_id, code_id, coder_id, start, end)
        existing = find_coding(session, key)
        if existing is None:
            apply_coding(session, key, memo, note=f"import {path.name}")
        elif memo and existing.memo != memo:
            update_coding(session, existing, memo=memo, note=f"import {path.name}")


def _state(db: Database, since: int) -> tuple[list[tuple], list[tuple]]:
    with db.session() as session:
        return codings_and_events(session, since=since)


def _last_event(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(CodingEvent.id).order_by(CodingEvent.id.desc()).limit(1)) or 0


def test_a_bulk_import_writes_the_codings_and_history_of_one_action_per_row(
    db_url: str, reference_url: str, build_study, tmp_path: Path
) -> None:
    path = tmp_path / "codings.csv"
    path.write_text(ROWS, encoding="utf-8")
    bulk, reference = open_database(db_url), open_database(reference_url)
    try:
        build_study(bulk)
        since = _last_event(bulk)
        with bulk.session() as session:
            report = import_codings(session, path)
        assert (report.rows, report.added, report.updated, report.unchanged) == (10, 5, 2, 3)
        codings, events = _state(bulk, since)
        actions = ["apply", "apply", "update", "update", "apply", "apply", "apply"]
        assert [e[1] for e in events] == actions
        assert {'=HYPERLINK("x")', "tweede", "herzien"} <= {c[6] for c in codings}

        build_study(reference)
        with reference.session() as session:
            _row_by_row(session, path)
        assert _state(reference, since) == (codings, events)

        with bulk.session() as session:  # again: nothing added; the file's own two memos take turns again
            again = import_codings(session, path)
        assert (again.added, again.updated, again.unchanged) == (0, 2, 8)
        assert _state(bulk, since)[0] == codings
    finally:
        bulk.close()
        reference.close()


def test_a_bulk_import_with_problems_changes_nothing(db_url: str, build_study, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        ROWS + "vitens-q9,1,herhaling,anouk,,,\nvitens-q1,99,herhaling,anouk,,,\n", encoding="utf-8"
    )
    db = open_database(db_url)
    try:
        build_study(db)
        before = _state(db, 0)
        try:
            with db.session() as session:
                import_codings(session, path)
        except CodeerError as exc:
            lines = str(exc).splitlines()
        assert [line.split(": ", 1)[0] for line in lines] == [f"{path}:12", f"{path}:13"]
        assert "unknown transcript 'vitens-q9'" in lines[0] and "has no passage 99 (it has 1–5)" in lines[1]
        assert _state(db, 0) == before
    finally:
        db.close()
