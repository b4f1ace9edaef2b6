"""A small, real project for the workbench tests: one codebook and two transcripts in a SQLite file.

Built through the ORM and the transcript store (not the CLI), so these tests do not depend on the file
readers; the ``sample_project`` fixture covers the full import path.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Callable, Coroutine
from pathlib import Path

from codeer.config import Settings
from codeer.ingest.records import ParsedTranscript, Turn
from codeer.model import Code, Codebook
from codeer.store.database import Database, open_database
from codeer.store.transcripts import save_transcript

CODES = [
    # key, name, hotkey, parent key, colour
    ("dienstverlening", "Goede dienstverlening", None, None, "#0072b2"),
    ("deskundigheid", "Deskundigheid", "d", "dienstverlening", "#0072b2"),
    ("informatie", "Kwaliteit van informatie", "i", "dienstverlening", "#0072b2"),
    ("empathie", "Oprechte empathie", "e", None, "#d55e00"),
    ("nabellen", "Nabellen", "1", None, "#009e73"),
    ("zonder-toets", "Zonder sneltoets", None, None, "#cc79a7"),
]

TURNS = [
    ("Moderator", "Welkom allemaal. Wat vinden jullie goede dienstverlening?"),
    ("Anna", "Dat het gewoon werkt. Dat de tram rijdt, dat de kaart het doet."),
    ("Bram", "Ik wil iemand die verstand van zaken heeft. Niet steeds doorverwezen worden."),
    ("Moderator", "En als het misgaat?"),
    ("Anna", "Dan wil ik dat ze terugbellen. Niemand belde mij terug, dat was echt vervelend."),
    ("Bram", "De website klopte niet. Op de ene pagina stond vijf dagen, op de andere tien."),
    ("Anna", "Ze luisterden echt naar mij. Dat voelde oprecht."),
    ("Moderator", "Dank jullie wel."),
]


def sentences(text: str) -> list[list[int]]:
    """Sentence offsets the way spaCy stores them: ``[start, end]`` per sentence, end exclusive."""
    return [[m.start(), m.end()] for m in re.finditer(r"[^.?!]+[.?!]?\s*", text) if m.group().strip()]


def add_transcript(db: Database, key: str, turns: list[tuple[str, str]], **attributes: str) -> None:
    parsed = ParsedTranscript(
        key=key,
        source=Path(f"{key}.txt"),
        turns=[Turn(speaker, text, start_ms=i * 15_000) for i, (speaker, text) in enumerate(turns)],
        title=key.replace("-", " ").title(),
        attributes=attributes,
        speakers={"Moderator": {"rol": "moderator"}, "Anna": {"rol": "deelnemer"}},
        content_hash=key,
    )
    with db.session() as session:
        save_transcript(session, parsed, [sentences(t.text) for t in parsed.turns])


def add_codebook(db: Database) -> None:
    with db.session() as session:
        book = Codebook(key="dienst", title="Dienstverlening")
        session.add(book)
        session.flush()
        ids: dict[str, int] = {}
        for position, (key, name, hotkey, parent, color) in enumerate(CODES):
            code = Code(
                codebook_id=book.id,
                key=key,
                name=name,
                hotkey=hotkey,
                color=color,
                position=position,
                parent_id=ids.get(parent) if parent else None,
                definition=f"Definitie van {name.lower()}.",
                include="Wel: voorbeelden.",
                exclude="Niet: andere dingen.",
                examples=[f"Voorbeeld van {name.lower()}."],
                keywords=[name.split()[-1].lower()],
            )
            session.add(code)
            session.flush()
            ids[key] = code.id


def make_project(folder: Path, coder: str = "anouk") -> Settings:
    """A project folder with codeer.db holding the small study; returns its settings."""
    db = open_database(f"sqlite:///{folder / 'codeer.db'}")
    try:
        add_codebook(db)
        add_transcript(db, "vitens-q1", TURNS, organisation="Vitens", quadrant="Q1")
        add_transcript(db, "ret-q2", TURNS[:4], organisation="RET", quadrant="Q2")
    finally:
        db.close()
    return Settings(project=folder, coder=coder)


def headless(test: Callable[..., Coroutine]) -> Callable[..., None]:
    """Run an ``async def`` test (Textual's Pilot is async) without an asyncio pytest plugin."""

    @functools.wraps(test)
    def run(*args, **kwargs) -> None:
        asyncio.run(test(*args, **kwargs))

    return run
