"""The schema: migrations build the ORM's tables, old databases upgrade, the database guards itself."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from codeer.model import Base, Code, Codebook, Coder, Coding, Passage, Transcript
from codeer.store.database import (
    _alembic_config,
    create_db_engine,
    head_revision,
    open_database,
    schema_revision,
)


def _migrated(path: Path) -> Engine:
    """A database built by replaying every migration, as an old project's upgrade does."""
    engine = create_db_engine(f"sqlite:///{path}")
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return engine


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_migrations_build_the_orm_schema(tmp_path: Path) -> None:
    engine = _migrated(tmp_path / "codeer.db")
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == [], "model/tables.py changed without a migration: add an Alembic revision"
    assert schema_revision(engine) == head_revision()


def _schema(engine: Engine) -> dict[str, object]:
    """Everything SQLite keeps of each table, columns by name (a migration adds a column at the end)."""
    found: dict[str, object] = {}
    with engine.connect() as conn:
        for (table,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'"):
            columns = conn.exec_driver_sql(f"PRAGMA table_info({table})").all()
            indexes = set()
            for _, name, unique, origin, _ in conn.exec_driver_sql(f"PRAGMA index_list({table})"):
                described = tuple(conn.exec_driver_sql(f"PRAGMA index_xinfo('{name}')").all())
                # a unique constraint's own index is numbered in the order of the CREATE TABLE's clauses
                named = "" if name.startswith("sqlite_autoindex_") else name
                indexes.add((named, unique, origin, described))
            keys = sorted(tuple(row[2:]) for row in conn.exec_driver_sql(f"PRAGMA foreign_key_list({table})"))
            sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).scalar()
            checks = sorted(re.findall(r"CONSTRAINT (\w+) CHECK \((.*?)\)(?:,|\n)", sql))
            found[table] = (sorted(tuple(c[1:]) for c in columns), indexes, keys, checks)
        found["alembic"] = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return found


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_a_new_project_gets_the_schema_the_migrations_build_without_loading_alembic(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'new.db'}")
    assert _schema(db.engine) == _schema(_migrated(tmp_path / "migrated.db"))
    assert schema_revision(db.engine) == head_revision()
    script = "from codeer.store.database import open_database; import sys; open_database(sys.argv[1]);"
    script += "print(sorted(m for m in sys.modules if m.startswith('alembic')))"
    other = f"sqlite:///{tmp_path / 'other.db'}"
    result = subprocess.run([sys.executable, "-c", script, other], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "revision", [r.revision for r in ScriptDirectory.from_config(_alembic_config()).walk_revisions()]
)
def test_a_database_from_every_older_revision_upgrades_on_open(tmp_path: Path, revision: str) -> None:
    path = tmp_path / "old.db"
    engine = create_db_engine(f"sqlite:///{path}")
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO coders (name, created_at) VALUES ('anouk', '2021-03-09 10:00:00')"))
    engine.dispose()

    db = open_database(f"sqlite:///{path}")
    assert schema_revision(db.engine) == head_revision()
    with db.session() as session:
        assert session.query(Coder).one().name == "anouk"


def test_sqlite_settings_and_private_file(tmp_path: Path) -> None:
    path = tmp_path / "codeer.db"
    db = open_database(f"sqlite:///{path}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def _passage(db) -> tuple[int, int, int]:
    with db.session() as s:
        t = Transcript(key="t1")
        book = Codebook(key="b")
        s.add_all([t, book])
        s.flush()
        p = Passage(transcript_id=t.id, number=1, text="Ja, dat klopt.")
        c = Code(codebook_id=book.id, key="c", name="C")
        coder = Coder(name="anouk")
        s.add_all([p, c, coder])
        s.flush()
        return p.id, c.id, coder.id


@pytest.mark.parametrize(
    "span",
    [(None, None), (2, 5)],
)
def test_the_schema_refuses_duplicate_codings(db, span) -> None:
    pid, cid, coder = _passage(db)
    with db.session() as s:
        s.add(Coding(passage_id=pid, code_id=cid, coder_id=coder, start=span[0], end=span[1]))
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Coding(passage_id=pid, code_id=cid, coder_id=coder, start=span[0], end=span[1]))


@pytest.mark.parametrize("span", [(3, 3), (5, 2), (-1, 2), (1, None)])
def test_the_schema_refuses_malformed_spans(db, span) -> None:
    pid, cid, coder = _passage(db)
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Coding(passage_id=pid, code_id=cid, coder_id=coder, start=span[0], end=span[1]))


def test_foreign_keys_are_enforced(db) -> None:
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Coding(passage_id=999, code_id=999, coder_id=999))


def test_another_process_sees_committed_codings(db) -> None:
    pid, cid, coder = _passage(db)
    with db.session() as s:
        s.add(Coding(passage_id=pid, code_id=cid, coder_id=coder))
    other = sqlite3.connect(db.sqlite_path)
    assert other.execute("SELECT count(*) FROM codings").fetchone()[0] == 1
