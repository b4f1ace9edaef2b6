"""A coding action at the keyboard, or by `codeer code`, costs at most three SQL statements, on SQLite and on
PostgreSQL.

Each action (apply and remove, at the keyboard or not, and a memo) runs in its own session as the workbench
runs it; the statements are counted with SQLAlchemy's ``before_cursor_execute`` event (the transaction's
BEGIN and COMMIT are not statements of the action). The history must still be complete and exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from codeer.errors import CodeerError
from codeer.model import Code, Coder, Coding, CodingEvent, Passage, Transcript
from codeer.project.code_by_reference import PassageCoding, code_passage, uncode_passage
from codeer.store.coding import CodingKey, apply_coding, remove_coding, update_coding
from codeer.store.database import Database, open_database
from codeer.store.workbench import remove, set_coding, set_coding_memo

pytest_plugins = ["conftest_backends"]


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _key(db: Database) -> CodingKey:
    with db.session() as session:
        passage = session.scalar(
            select(Passage).join(Transcript).where(Transcript.key == "vitens-q1", Passage.number == 1)
        )
        code = session.scalar(select(Code).where(Code.key == "herhaling"))
        coder = session.scalar(select(Coder).where(Coder.name == "anouk"))
        return CodingKey(passage.id, code.id, coder.id)


def _last_event(db: Database) -> tuple:
    with db.session() as session:
        e = session.scalars(select(CodingEvent).order_by(CodingEvent.id.desc()).limit(1)).one()
        return (
            e.action,
            e.transcript_key,
            e.passage_number,
            e.code_key,
            e.start,
            e.end,
            e.memo,
            e.previous,
            e.note,
        )


def test_each_coding_action_costs_at_most_three_statements(db_url: str, build_study) -> None:
    db = open_database(db_url)
    try:
        build_study(db)
        key = _key(db)
        span = CodingKey(key.passage_id, key.code_id, key.coder_id, 0, 4)

        with db.session() as session, counted(db) as statements:
            assert set_coding(session, key, True)
        assert len(statements) <= 3
        assert _last_event(db) == ("apply", "vitens-q1", 1, "herhaling", None, None, "", None, "workbench")

        with db.session() as session:
            applied = session.scalars(
                select(Coding.id).where(
                    Coding.passage_id == key.passage_id,
                    Coding.code_id == key.code_id,
                    Coding.coder_id == key.coder_id,
                    Coding.start.is_(None),
                )
            ).one()
        with db.session() as session, counted(db) as statements:
            row = set_coding_memo(session, applied, key.coder_id, "drie keer")
        assert row.memo == "drie keer" and row.coder == "anouk" and len(statements) <= 3
        previous = {"memo": "", "start": None, "end": None}
        assert _last_event(db) == (
            "update", "vitens-q1", 1, "herhaling", None, None, "drie keer", previous, "workbench"
        )  # fmt: skip

        with db.session() as session, counted(db) as statements:
            assert set_coding(session, key, False)
        assert len(statements) <= 3
        assert _last_event(db) == (
            "remove", "vitens-q1", 1, "herhaling", None, None, "drie keer", None, "workbench"
        )  # fmt: skip

        with db.session() as session, counted(db) as statements:
            coding, new = apply_coding(session, span, "m")
        assert new and len(statements) <= 3
        assert _last_event(db) == ("apply", "vitens-q1", 1, "herhaling", 0, 4, "m", None, "")

        with db.session() as session:
            coding = session.get_one(Coding, coding.id)
            with counted(db) as statements:
                update_coding(session, coding, memo="n")
                assert len(statements) <= 2
                remove_coding(session, coding)
                assert len(statements) <= 4
        assert _last_event(db) == ("remove", "vitens-q1", 1, "herhaling", 0, 4, "n", None, "")

        with db.session() as session:
            coding, _ = apply_coding(session, key)
        with db.session() as session, counted(db) as statements:
            remove(session, coding.id, key.coder_id)
        assert len(statements) <= 3
        with db.session() as session:
            assert session.get(Coding, coding.id) is None
    finally:
        db.close()


def test_coding_by_reference_as_codeer_code_does_costs_three_statements(db_url: str, build_study) -> None:
    db = open_database(db_url)
    try:
        build_study(db)
        wanted = PassageCoding("vitens-q1", 2, "herhaling", "anouk")
        with counted(db) as statements:
            assert code_passage(db, wanted) == "applied"
        assert len([s for s in statements if not s.startswith(("BEGIN", "COMMIT"))]) <= 3
        assert _last_event(db)[:4] == ("apply", "vitens-q1", 2, "herhaling")
        with counted(db) as statements:
            assert uncode_passage(db, wanted) == "removed"
        assert len([s for s in statements if not s.startswith(("BEGIN", "COMMIT"))]) <= 3
        assert _last_event(db)[:4] == ("remove", "vitens-q1", 2, "herhaling")
        newcomer = PassageCoding("vitens-q1", 2, "herhaling", "nieuw")  # a coder made on the first coding
        assert code_passage(db, newcomer) == "applied"
        for bad, message in (
            (PassageCoding("vitens-q9", 2, "herhaling", "anouk"), "unknown transcript 'vitens-q9'"),
            (PassageCoding("vitens-q1", 99, "herhaling", "anouk"), "'vitens-q1' has no passage 99"),
            (PassageCoding("vitens-q1", 2, "nope", "anouk"), "unknown code 'nope'"),
        ):
            with pytest.raises(CodeerError, match=message):
                code_passage(db, bad)
    finally:
        db.close()
