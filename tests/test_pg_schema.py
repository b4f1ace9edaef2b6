"""The schema on PostgreSQL: the migrations build exactly the ORM's tables, and every older revision upgrades.

The same checks run on SQLite in ``test_schema.py``; here they catch SQLite-only DDL in a new migration
(an expression index, a JSON column, a check constraint quoting ``"end"``) before a team server meets it.
"""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from codeer.model import Base
from codeer.store.database import (
    _alembic_config,
    create_db_engine,
    head_revision,
    open_database,
    schema_revision,
)

pytest_plugins = ["conftest_backends"]


def test_migrations_build_the_orm_schema_on_postgresql(pg_url: str) -> None:
    db = open_database(pg_url)
    with db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.close()
    assert diffs == [], "a migration builds something else on PostgreSQL than model/tables.py declares"


@pytest.mark.parametrize(
    "revision", [r.revision for r in ScriptDirectory.from_config(_alembic_config()).walk_revisions()]
)
def test_a_postgresql_database_from_every_older_revision_upgrades(pg_url: str, revision: str) -> None:
    engine = create_db_engine(pg_url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()
    db = open_database(pg_url)
    assert schema_revision(db.engine) == head_revision()
    db.close()


def test_whole_passage_codings_are_unique_on_postgresql_too(pg_url: str, build_study) -> None:
    db = open_database(pg_url)
    build_study(db)
    duplicate = text(
        'INSERT INTO codings (passage_id, code_id, coder_id, start, "end", memo, created_at, updated_at) '
        "SELECT passage_id, code_id, coder_id, start, \"end\", '', now(), now() FROM codings "
        "WHERE start IS NULL LIMIT 1"
    )
    with pytest.raises(IntegrityError, match="uq_codings_passage_code_coder_span"), db.session() as session:
        session.execute(duplicate)
    bad_span = text(
        'INSERT INTO codings (passage_id, code_id, coder_id, start, "end", memo, created_at, updated_at) '
        "SELECT passage_id, code_id, coder_id, 5, 5, '', now(), now() FROM codings LIMIT 1"
    )
    with pytest.raises(IntegrityError, match="ck_codings_span_ordered"), db.session() as session:
        session.execute(bad_span)
    db.close()
