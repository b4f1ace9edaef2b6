"""QDPX import and export on both backends: the same SQL must work on SQLite and PostgreSQL."""

from __future__ import annotations

import zipfile
from pathlib import Path

import xmlschema
from sqlalchemy import func, select

from codeer.interop.qdpx_export import export_qdpx
from codeer.interop.qdpx_import import import_qdpx
from codeer.model import Coding, Memo, Transcript
from codeer.store.database import open_database

pytest_plugins = ["conftest_backends"]

DATA = Path(__file__).parent / "data" / "refi-qda"


def test_import_export_and_import_again(db_url: str, tmp_path: Path) -> None:
    db = open_database(db_url)
    try:
        with db.session() as session:
            for name in ("maxqda-style.qdpx", "qualcoder-style.qdpx"):
                import_qdpx(session, DATA / name)
        out = tmp_path / "out.qdpx"
        with db.session() as session:
            report = export_qdpx(session, out)
        assert (report.transcripts, report.codings, report.memos) == (4, 9, 2)
        with zipfile.ZipFile(out) as archive:
            xmlschema.XMLSchema(DATA / "Project.xsd").validate(archive.read("project.qde"))
        with db.session() as session:
            again = import_qdpx(session, out)
            counts = [session.scalar(select(func.count()).select_from(t)) for t in (Transcript, Coding, Memo)]
        assert (again.transcripts_reused, again.codings_added, again.memos) == (4, 0, 0)
        assert counts == [4, 9, 2]
    finally:
        db.close()
