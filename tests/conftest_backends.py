"""Fixtures that run a test on both backends: SQLite (one researcher) and PostgreSQL (a team).

Registered as a plugin by ``pytest_plugins = ["conftest_backends"]``. One PostgreSQL server is started per
test session in a temporary folder (see :mod:`pg`); every test gets its own new database on it, dropped
afterwards. A machine without PostgreSQL fails these tests loudly, in CI and locally alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pg import PostgresServer
from sqlalchemy import select

from codeer.ingest.records import ParsedTranscript, Turn
from codeer.model import Code, Codebook, Memo, Passage, Setting, Settlement, Suggestion
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder, remove_coding, update_coding
from codeer.store.database import Database
from codeer.store.transcripts import save_transcript

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server."""
    try:
        server = PostgresServer.start()
    except RuntimeError as exc:
        pytest.fail(f"cannot start the test PostgreSQL server: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    """A new, empty PostgreSQL database (URL with a password in it), dropped after the test."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL on each backend in turn: ``sqlite`` and ``postgresql``."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'backend.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def reference_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A second fresh database on the same backend, for a reference built another way (row by row)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'reference.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


TURNS = [
    ("Moderator", "Wat vond u van het contact met de klantenservice?"),
    ("Fatima", "Ik moest mijn hele verhaal drie keer vertellen. Dat was echt vervelend 😤."),
    ("Henk", "Bij mij wisten ze meteen wie ik was, dat vond ik fijn — écht waar."),
    ("Moderator", "En online?"),
    ("Fatima", "Online mis je gewoon dat iemand knikt of even terugzegt wat je bedoelt."),
]


@pytest.fixture(name="build_study")
def build_study_fixture() -> Callable[..., None]:
    """``build_study(db)`` fills an empty project database (see :func:`build_study`)."""
    return build_study


def build_study(db: Database, transcripts: int = 3) -> None:
    """A small project with every kind of row: attributes, speakers, a code tree, coders, codings with
    spans and memos, a full history (apply, update, remove), memos, a suggestion, a setting, a settlement."""
    with db.session() as session:
        book = Codebook(key="dienst", title="Persoonlijke dienstverlening", description="Thema's")
        session.add(book)
        session.flush()
        root = Code(codebook_id=book.id, key="empathie", name="Empathie", examples=["knikken"], hotkey="e")
        session.add(root)
        session.flush()
        child = Code(
            codebook_id=book.id,
            key="oprechte-empathie",
            parent_id=root.id,
            name="Oprechte empathie",
            keywords=["begrip", "knikt"],
            color="#aa3300",
            position=1,
        )
        other = Code(codebook_id=book.id, key="herhaling", name="Verhaal herhalen", position=2)
        session.add_all([child, other])
        session.flush()
        coders = [get_or_create_coder(session, name) for name in ("anouk", "bram")]
        for number in range(1, transcripts + 1):
            parsed = ParsedTranscript(
                key=f"vitens-q{number}",
                source=Path(f"vitens-q{number}.txt"),
                turns=[Turn(speaker, text, start_ms=1000 * i) for i, (speaker, text) in enumerate(TURNS)],
                title=f"Vitens focusgroep {number}",
                attributes={"organisation": "Vitens", "quadrant": f"Q{number}"},
                speakers={
                    "Moderator": {"rol": "moderator"},
                    "Fatima": {"rol": "deelnemer", "leeftijd": "34"},
                },
                content_hash=f"hash-{number}",
            )
            save_transcript(session, parsed, [[[0, len(text)]] for _, text in TURNS])
        passages = session.scalars(select(Passage).order_by(Passage.id)).all()
        for i, passage in enumerate(passages):
            coder = coders[i % 2]
            coding, _ = apply_coding(session, CodingKey(passage.id, child.id, coder.id), memo=f"memo {i}")
            if i % 3 == 0:
                apply_coding(session, CodingKey(passage.id, other.id, coder.id, 0, 5))
            if i % 4 == 0:
                update_coding(session, coding, memo=f"herzien {i} ✓", span=(1, 6))
            if i % 5 == 0:
                remove_coding(session, coding, note="toch niet")
        session.add(Memo(coder_id=coders[0].id, passage_id=passages[1].id, title="Let op", text="Ironie?"))
        session.add(Memo(coder_id=None, title="Project", text="Algemene notitie"))
        session.add(
            Suggestion(
                passage_id=passages[2].id, code_id=root.id, start=3, end=9, score=0.75, triggers=["knikt"]
            )
        )
        session.add(Setting(key="forbid_show_others", value="false"))
        session.add(
            Settlement(passage_id=passages[3].id, coder_id=coders[1].id, choice="anouk", compared=[1, 2])
        )
