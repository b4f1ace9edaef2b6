"""The segments CSV the database writes (``segment_csv``, for ``export all`` and ``export segments``) is byte
for byte what Python's ``csv`` writer makes of the same rows (``segment_rows``), on SQLite and PostgreSQL,
for text that needs the formula guard, quoting or both, in either dialect (``,`` and Dutch Excel's ``;``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select, update

from codeer.analysis.segments import segment_rows
from codeer.analysis.segments_csv import segment_csv
from codeer.export.layouts import segment_table
from codeer.export.tables import write_table
from codeer.model import Code, Passage, Speaker, TranscriptAttribute
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.database import open_database
from codeer.store.workbench import set_passage_memo

pytest_plugins = ["conftest_backends"]

AWKWARD = [
    '=1+1, "zei ze"\nen toen',
    "'-- al met een apostrof",
    "@gemeente; de wijk",
    "regel\r\nnog een",
    'alleen "aanhalingstekens"',
    "\tmet een tab",
    "gewoon",
    "+31 6 12345678",
    "''=twee apostroffen",
    "",
]


def _awkward_study(db) -> None:
    with db.session() as session:
        passages = session.scalars(select(Passage).order_by(Passage.id)).all()
        for passage, text in zip(passages, AWKWARD, strict=False):
            session.execute(update(Passage).where(Passage.id == passage.id).values(text=text))
        session.execute(update(Speaker).where(Speaker.name == "Fatima").values(name='Fatima "F", 34'))
        session.execute(update(TranscriptAttribute).values(value="=Vitens, Q1"))
        session.execute(update(Code).values(position=1000 - Code.position))  # codebook order unlike id order
        coder = get_or_create_coder(session, "-de Vries, J.").id
        code = session.scalars(select(Code.id).order_by(Code.id)).first()
        assert code is not None
        for i, passage in enumerate(passages[: len(AWKWARD)]):
            apply_coding(session, CodingKey(passage.id, code, coder), AWKWARD[-1 - i])  # memos: awkward too
            if len(AWKWARD[i]) > 3:  # a span: its quote is cut out by the database
                apply_coding(session, CodingKey(passage.id, code, coder, 0, 3), AWKWARD[i])
            set_passage_memo(session, coder, passage.id, AWKWARD[(i + 3) % len(AWKWARD)] or "x")


@pytest.mark.parametrize("excel", [False, True])
def test_the_database_writes_the_bytes_the_csv_writer_writes(
    db_url: str, build_study, tmp_path: Path, excel: bool
) -> None:
    db = open_database(db_url)
    try:
        build_study(db)
        _awkward_study(db)
        delimiter = ";" if excel else ","
        with db.read_session() as session:
            expected = io.StringIO(newline="")
            writer = csv.writer(expected, delimiter=delimiter, lineterminator="\r\n")
            rows = list(segment_rows(session, neutralised=True))
            writer.writerows(rows)
            chunks = list(segment_csv(session, delimiter=delimiter))
            assert sum(count for count, _ in chunks) == len(rows) > 10
            assert "".join(text for _, text in chunks) == expected.getvalue()
            assert any('"' in text for _, text in chunks) and "'=" in expected.getvalue()
            # the whole file through the writer, as export all writes it, and again without the fast path
            fast, slow = tmp_path / "fast.csv", tmp_path / "slow.csv"
            table = segment_table(session, (), pseudonymise=False)
            assert table.csv is not None
            assert write_table(table, fast, excel=excel) == len(rows)
            table.csv = None
            write_table(table, slow, excel=excel)
        assert fast.read_bytes() == slow.read_bytes()
    finally:
        db.close()
