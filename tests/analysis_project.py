"""A small hand-made project whose counts are worked out by hand in the analysis and export tests.

A plugin module (``pytest_plugins = ["conftest_backends", "analysis_project"]``) giving the fixtures
``hand`` (a database on each backend) and ``hand_project`` (a project folder); not a test module, so that
its fixtures are shared whatever order pytest collects the tests in.

Five transcripts: Vitens Q1 (t1), Vitens Q2 (t2), RET Q1 (t3), RET Q2 (t4), and RET without a quadrant (t5).
Each has a Moderator (rol moderator), Anna and Bert (rol deelnemer; Bert of t4 has no rol). Passages 1–4
are spoken by Moderator, Anna, Bert, Anna (t5 has only 1 and 2). Codebook ``cb``: ``emotie`` with children
``emotie-pos`` and ``emotie-neg``, then ``wacht`` and ``contact``. Three coders: anouk, bram, carla.

The distinct (passage, code) set over all coders, which every expected value in the tests derives from:

    t1.p2 emotie-pos wacht        t2.p1 wacht                  t3.p2 emotie-neg wacht contact
    t1.p3 wacht emotie-neg        t2.p2 emotie contact         t3.p4 emotie-neg contact
    t1.p4 contact                 t2.p3 emotie-pos contact     t4.p2 emotie-pos emotie-neg
                                                               t4.p3 wacht       t5.p2 wacht
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from codeer.model import (
    Code,
    Codebook,
    Passage,
    Speaker,
    SpeakerAttribute,
    Transcript,
    TranscriptAttribute,
)
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.database import Database, open_database

TRANSCRIPTS = {
    "t1": {"organisation": "Vitens", "quadrant": "Q1"},
    "t2": {"organisation": "Vitens", "quadrant": "Q2"},
    "t3": {"organisation": "RET", "quadrant": "Q1"},
    "t4": {"organisation": "RET", "quadrant": "Q2"},
    "t5": {"organisation": "RET"},
}
SPEAKERS = ("Moderator", "Anna", "Bert", "Anna")
TEXTS = (
    "Welkom allemaal, Anna en Bert.",
    "Ik vond het fijn dat ze zo snel belde.",
    "Anna zei het al, maar ik wachtte weken op antwoord.",
    "Bert heeft gelijk, het duurde lang.",
)
CODES = (
    ("emotie", None),
    ("emotie-pos", "emotie"),
    ("emotie-neg", "emotie"),
    ("wacht", None),
    ("contact", None),
)
# (transcript, passage, code, coder, span or None, memo)
CODINGS = (
    ("t1", 2, "emotie-pos", "anouk", None, ""),
    ("t1", 2, "emotie-pos", "bram", (0, 7), ""),
    ("t1", 2, "wacht", "carla", None, '=HYPERLINK("http://x")'),
    ("t1", 3, "wacht", "anouk", None, "Anna noemt dit ook"),
    ("t1", 3, "wacht", "bram", None, ""),
    ("t1", 3, "emotie-neg", "anouk", (22, 50), "-boos"),
    ("t1", 4, "contact", "bram", None, ""),
    ("t2", 2, "emotie", "anouk", None, ""),
    ("t2", 2, "contact", "anouk", None, ""),
    ("t2", 3, "emotie-pos", "carla", None, ""),
    ("t2", 3, "contact", "carla", None, ""),
    ("t2", 1, "wacht", "anouk", None, ""),
    ("t3", 2, "emotie-neg", "bram", None, ""),
    ("t3", 2, "wacht", "bram", None, ""),
    ("t3", 2, "contact", "anouk", (3, 7), ""),
    ("t3", 4, "emotie-neg", "anouk", None, ""),
    ("t3", 4, "emotie-neg", "carla", (0, 4), ""),
    ("t3", 4, "contact", "anouk", None, ""),
    ("t4", 3, "wacht", "carla", None, ""),
    ("t4", 2, "emotie-pos", "anouk", None, ""),
    ("t4", 2, "emotie-neg", "bram", None, ""),
    ("t5", 2, "wacht", "anouk", None, ""),
)


def build_project(target: Path | str) -> Database:
    """Write the project above into ``target`` (a database URL, or a project folder: its ``codeer.db``).

    Codings are made through the coding service, as a coder would.
    """
    db = open_database(target if isinstance(target, str) else f"sqlite:///{target / 'codeer.db'}")
    with db.session() as session:
        book = Codebook(key="cb", title="Test")
        session.add(book)
        codes: dict[str, Code] = {}
        for position, (key, parent) in enumerate(CODES):
            codes[key] = Code(
                key=key,
                name=key.title(),
                position=position,
                parent=codes.get(parent or ""),
                definition=f"Definitie van {key}",
            )
            book.codes.append(codes[key])
        passages: dict[tuple[str, int], Passage] = {}
        for key, attributes in TRANSCRIPTS.items():
            transcript = Transcript(key=key, title=f"Focusgroep {key}")
            session.add(transcript)
            transcript.attributes = [TranscriptAttribute(name=n, value=v) for n, v in attributes.items()]
            speakers = {}
            for name in dict.fromkeys(SPEAKERS):
                speaker = Speaker(name=name)
                if not (key == "t4" and name == "Bert"):
                    role = "moderator" if name == "Moderator" else "deelnemer"
                    speaker.attributes = [SpeakerAttribute(name="rol", value=role)]
                transcript.speakers.append(speaker)
                speakers[name] = speaker
            count = 2 if key == "t5" else 4
            for number in range(1, count + 1):
                passage = Passage(
                    number=number,
                    speaker=speakers[SPEAKERS[number - 1]],
                    text=TEXTS[number - 1],
                    start_ms=number * 61_000,
                )
                transcript.passages.append(passage)
                passages[(key, number)] = passage
        session.flush()
        for key, number, code, coder, span, memo in CODINGS:
            start, end = span or (None, None)
            coder_id = get_or_create_coder(session, coder).id
            apply_coding(
                session, CodingKey(passages[(key, number)].id, codes[code].id, coder_id, start, end), memo
            )
    return db


@pytest.fixture
def hand(db_url: str) -> Iterator[Database]:
    """The hand-made project, on SQLite and on PostgreSQL in turn."""
    db = build_project(db_url)
    yield db
    db.close()


@pytest.fixture
def hand_project(project: Path) -> Path:
    """A project folder holding the hand-made project in its ``codeer.db``, for the command line."""
    build_project(project).close()
    return project
