"""Suggestions in the coding workbench: shown quietly on their passage, ``+`` accepts, ``-`` rejects.

Driven by key presses through Textual's Pilot; the assertions that matter are on the database.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from test_tui_app import codings, press, rows, workbench
from tui_support import headless, make_project

from codeer.config import Settings
from codeer.model import Code, Coder, CodingEvent, Passage, Suggestion, Transcript
from codeer.store.database import open_database
from codeer.store.suggestions import ACCEPTED_NOTE, NewSuggestion, sync_suggestions


@pytest.fixture
def settings(project: Path) -> Settings:
    """The workbench's small study with suggestions on vitens-q1: passage 2 gets deskundigheid (0.9) and
    nabellen (0.5), passage 5 nabellen (0.8)."""
    settings = make_project(project)
    db = open_database(settings.db_url)
    with db.session() as s:
        code = dict(s.execute(select(Code.key, Code.id)).all())
        passage = dict(
            s.execute(
                select(Passage.number, Passage.id).join(Transcript).where(Transcript.key == "vitens-q1")
            ).all()
        )
        found = [
            (2, "deskundigheid", 0.9, "werkt"),
            (2, "nabellen", 0.5, "kaart"),
            (5, "nabellen", 0.8, "terugbellen"),
        ]
        sync_suggestions(
            s,
            [
                NewSuggestion(
                    passage[n], code[key], score, None, None, [{"text": word, "start": 0, "end": 1}]
                )
                for n, key, score, word in found
            ],
            code_ids=list(code.values()),
        )
    db.close()
    return settings


def decisions(settings: Settings) -> set[tuple[int, str, str, str | None]]:
    """(passage number, code key, status, decided by) of every suggestion."""
    query = (
        select(Passage.number, Code.key, Suggestion.status, Coder.name)
        .join(Passage, Passage.id == Suggestion.passage_id)
        .join(Code, Code.id == Suggestion.code_id)
        .outerjoin(Coder, Coder.id == Suggestion.decided_by)
    )
    return set(rows(settings, query))


@headless
async def test_plus_accepts_and_minus_rejects_the_first_suggestion(settings: Settings) -> None:
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "j")
        shown = screen.view._chips(screen.view.current)
        assert [text for text, _ in shown] == ["+Deskundigheid? werkt", "+Nabellen? kaart"]
        await press(pilot, "plus")
        assert codings(settings) == {(2, "deskundigheid", None, None)}
        assert [text for text, _ in screen.view._chips(screen.view.current)][-1] == "+Nabellen? kaart"
        await press(pilot, "minus")
        assert codings(settings) == {(2, "deskundigheid", None, None)}
        assert screen.view.open_suggestions(screen.view.current.id) == []
        await press(pilot, "minus")  # nothing left here: nothing happens
        await press(pilot, "j", "j", "j", "plus")
        assert codings(settings) == {(2, "deskundigheid", None, None), (5, "nabellen", None, None)}
    assert decisions(settings) == {
        (2, "deskundigheid", "accepted", "anouk"),
        (2, "nabellen", "rejected", "anouk"),
        (5, "nabellen", "accepted", "anouk"),
    }
    notes = set(rows(settings, select(CodingEvent.note, CodingEvent.action)))
    assert notes == {(ACCEPTED_NOTE, "apply")}


@headless
async def test_decided_suggestions_stay_away_and_own_codes_hide_theirs(settings: Settings) -> None:
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "j", "minus")
    async with workbench(settings) as (pilot, screen):
        await press(pilot, "j")
        assert [s.code_key for s in screen.view.open_suggestions(screen.view.current.id)] == ["nabellen"]
        await press(pilot, "j", "j", "j", "1")  # the coder applies nabellen by its own key
        assert screen.view.open_suggestions(screen.view.current.id) == []
        await press(pilot, "plus")
    assert codings(settings) == {(5, "nabellen", None, None)}
    assert (5, "nabellen", "open", None) in decisions(settings)
