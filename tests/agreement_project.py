"""The small two- and three-coder project of the agreement and consensus tests (fixtures ``agree`` on both
backends and ``agree_project``, a project folder on SQLite); see tests/test_agreement_report.py for the
codings and the values worked out by hand from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from codeer.model import Code, Codebook, Passage, Transcript, TranscriptAttribute
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.database import Database, open_database

TEXT = "Dat duurde echt veel te lang, vond ik."
TRANSCRIPTS = {"t1": ("X", 4), "t2": ("Y", 3), "t3": ("X", 2), "t4": ("Y", 2), "t5": ("Y", 2)}
# (transcript, passage, code, coder, span)
CODINGS = [
    ("t1", 1, "a", "anouk", None),
    ("t1", 1, "a", "bram", (0, 5)),
    ("t1", 1, "a", "carla", None),
    ("t1", 2, "a", "anouk", None),
    ("t1", 2, "b", "anouk", None),
    ("t1", 2, "b", "bram", None),
    ("t1", 2, "a", "carla", None),
    ("t1", 3, "a", "bram", None),
    ("t1", 4, "b", "anouk", None),
    ("t1", 4, "d", "bram", None),
    ("t1", 4, "b", "carla", None),
    ("t2", 1, "b", "anouk", None),
    ("t2", 1, "b", "bram", (0, 3)),
    ("t2", 1, "b", "bram", (4, 8)),
    ("t2", 2, "d", "bram", None),
    ("t2", 3, "a", "anouk", None),
    ("t2", 3, "a", "bram", None),
    ("t3", 1, "c", "anouk", None),
    ("t3", 2, "a", "anouk", None),
    ("t4", 1, "a", "carla", None),
]


def build(url: str) -> Database:
    db = open_database(url)
    with db.session() as session:
        book = Codebook(key="cb", title="Test")
        book.codes = [
            Code(key=k, name=f"Code {k}", position=i, definition=f"Definitie {k}")
            for i, k in enumerate("abcd")
        ]
        session.add(book)
        for key, (organisation, count) in TRANSCRIPTS.items():
            transcript = Transcript(key=key, title=key)
            transcript.attributes = [TranscriptAttribute(name="organisation", value=organisation)]
            transcript.passages = [Passage(number=n, text=TEXT) for n in range(1, count + 1)]
            session.add(transcript)
        session.flush()
        codes = {c.key: c.id for c in book.codes}
        passages = {
            (t, n): pid
            for t, n, pid in session.execute(
                select(Transcript.key, Passage.number, Passage.id).join(Transcript)
            )
        }
        for transcript, number, code, coder, span in CODINGS:
            coder_id = get_or_create_coder(session, coder).id
            start, end = span or (None, None)
            apply_coding(session, CodingKey(passages[transcript, number], codes[code], coder_id, start, end))
    return db


@pytest.fixture
def agree(db_url: str) -> Database:
    db = build(db_url)
    yield db
    db.close()


@pytest.fixture
def agree_project(project: Path) -> Path:
    build(f"sqlite:///{project / 'codeer.db'}").close()
    return project
