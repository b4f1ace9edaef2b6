"""Stored suggestions: a run replaces open ones only; accepting makes a coding of the coder, a reject sticks.

On both backends (SQLite and PostgreSQL), without the terminal UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from codeer.errors import CodeerError
from codeer.ingest.records import ParsedTranscript, Turn
from codeer.model import Code, Codebook, Coding, CodingEvent, Passage, Suggestion
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.database import Database, open_database
from codeer.store.suggestions import (
    ACCEPTED_NOTE,
    NewSuggestion,
    accept,
    reject,
    suggestions_for_passage,
    suggestions_for_transcript,
    sync_suggestions,
)
from codeer.store.transcripts import save_transcript

pytest_plugins = ["conftest_backends"]

TEXTS = ["Het ging snel. Ze luisterde echt.", "Niemand belde terug.", "Ik werd gehoord."]


@dataclass
class Study:
    db: Database
    passages: list[int]
    snel: int
    gehoord: int
    anouk: int
    bram: int


@pytest.fixture
def study(db_url: str) -> Study:
    db = open_database(db_url)
    with db.session() as s:
        book = Codebook(key="dienst")
        s.add(book)
        s.flush()
        snel = Code(codebook_id=book.id, key="snelheid", name="Snelheid", hotkey="1", position=0)
        gehoord = Code(codebook_id=book.id, key="gehoord-worden", name="Gehoord worden", position=1)
        s.add_all([snel, gehoord])
        parsed = ParsedTranscript(
            key="t1", source=Path("t1.txt"), turns=[Turn("Fatima", t) for t in TEXTS], content_hash="h"
        )
        save_transcript(s, parsed, [[[0, 14], [15, 33]], [[0, 20]], [[0, 16]]])
        s.flush()
        passages = list(s.scalars(select(Passage.id).order_by(Passage.number)))
        study = Study(
            db,
            passages,
            snel.id,
            gehoord.id,
            get_or_create_coder(s, "anouk").id,
            get_or_create_coder(s, "bram").id,
        )
    yield study
    db.close()


def new(study: Study, index: int, code: int, score: float = 0.9, span=(None, None), word: str = "snel"):
    trigger = {"text": word, "start": 0, "end": len(word), "via": "lemma", "keyword": word}
    return NewSuggestion(study.passages[index], code, score, *span, [trigger])


def sync(study: Study, *found: NewSuggestion, codes=None):
    with study.db.session() as s:
        return sync_suggestions(s, found, code_ids=codes or [study.snel, study.gehoord])


def stored(study: Study) -> dict[tuple[int, int], tuple[str, float, int | None]]:
    with study.db.session() as s:
        rows = s.execute(
            select(
                Suggestion.passage_id,
                Suggestion.code_id,
                Suggestion.status,
                Suggestion.score,
                Suggestion.start,
            )
        ).all()
    return {(p, c): (status, score, start) for p, c, status, score, start in rows}


def test_a_run_adds_updates_keeps_and_withdraws_open_suggestions(study: Study) -> None:
    counts = sync(study, new(study, 0, study.snel, span=(0, 14)), new(study, 1, study.gehoord))
    assert (counts.added, counts.updated, counts.removed) == (2, 0, 0)
    counts = sync(study, new(study, 0, study.snel, 0.5), new(study, 2, study.gehoord))
    assert (counts.added, counts.updated, counts.unchanged, counts.removed) == (1, 1, 0, 1)
    assert stored(study) == {
        (study.passages[0], study.snel): ("open", 0.5, None),
        (study.passages[2], study.gehoord): ("open", 0.9, None),
    }
    counts = sync(study, new(study, 0, study.snel, 0.5), new(study, 2, study.gehoord))
    assert (counts.added, counts.updated, counts.unchanged, counts.removed) == (0, 0, 2, 0)


def test_a_run_covers_only_its_codes(study: Study) -> None:
    sync(study, new(study, 0, study.snel), new(study, 1, study.gehoord))
    sync(study, codes=[study.snel])
    assert list(stored(study)) == [(study.passages[1], study.gehoord)]


def test_decided_suggestions_are_never_touched_nor_resurrected(study: Study) -> None:
    sync(study, new(study, 0, study.snel), new(study, 1, study.gehoord))
    with study.db.session() as s:
        by_passage = suggestions_for_transcript(s, _transcript(s))
        reject(s, by_passage[study.passages[0]][0].id, study.anouk)
        accept(s, by_passage[study.passages[1]][0].id, study.bram)
    counts = sync(study, new(study, 0, study.snel, 0.4), new(study, 1, study.gehoord, 0.3))
    assert counts.kept_decided == 2 and counts.added == 0
    assert stored(study) == {
        (study.passages[0], study.snel): ("rejected", 0.9, None),
        (study.passages[1], study.gehoord): ("accepted", 0.9, None),
    }
    counts = sync(study)  # a run that no longer suggests them leaves them too
    assert counts.removed == 0 and len(stored(study)) == 2


def _transcript(session) -> int:
    return session.scalar(select(Passage.transcript_id).limit(1))


def test_accepting_makes_the_coders_own_coding_with_history(study: Study) -> None:
    sync(study, new(study, 0, study.snel, span=(0, 14)))
    with study.db.session() as s:
        (row,) = suggestions_for_passage(s, study.passages[0])
        assert (row.code_key, row.hotkey, row.words()) == ("snelheid", "1", "snel")
        coding = accept(s, row.id, study.anouk)
        assert (coding.coder_id, coding.start, coding.end) == (study.anouk, None, None)
    with study.db.session() as s:
        suggestion = s.get(Suggestion, row.id)
        assert (suggestion.status, suggestion.decided_by) == ("accepted", study.anouk)
        event = s.scalar(select(CodingEvent).where(CodingEvent.coding_id == coding.id))
        assert (event.action, event.note, event.coder_id) == ("apply", ACCEPTED_NOTE, study.anouk)
        assert suggestions_for_passage(s, study.passages[0]) == []
        with pytest.raises(CodeerError, match="already accepted"):
            accept(s, row.id, study.bram)


def test_accepting_for_the_sentence_only(study: Study) -> None:
    sync(study, new(study, 0, study.snel, span=(0, 14)))
    with study.db.session() as s:
        (row,) = suggestions_for_passage(s, study.passages[0])
        coding = accept(s, row.id, study.bram, sentence=True)
        assert (coding.start, coding.end, coding.coder_id) == (0, 14, study.bram)


def test_accepting_what_the_coder_already_coded_keeps_that_coding(study: Study) -> None:
    sync(study, new(study, 1, study.gehoord))
    with study.db.session() as s:
        mine, _ = apply_coding(s, CodingKey(study.passages[1], study.gehoord, study.anouk), memo="al gedaan")
        (row,) = suggestions_for_passage(s, study.passages[1])
        assert suggestions_for_passage(s, study.passages[1], coder_id=study.anouk) == []
        assert accept(s, row.id, study.anouk).id == mine.id
        assert s.scalar(select(Coding.memo).where(Coding.id == mine.id)) == "al gedaan"


def test_rejecting_hides_it_and_creates_no_coding(study: Study) -> None:
    sync(study, new(study, 2, study.gehoord), new(study, 2, study.snel, 0.4))
    with study.db.session() as s:
        rows = suggestions_for_passage(s, study.passages[2])
        assert [r.code_key for r in rows] == ["gehoord-worden", "snelheid"]  # best first
        reject(s, rows[0].id, study.bram)
        assert [r.code_key for r in suggestions_for_passage(s, study.passages[2])] == ["snelheid"]
        assert s.scalar(select(Coding.id)) is None
        with pytest.raises(CodeerError, match="already rejected"):
            reject(s, rows[0].id, study.anouk)
        with pytest.raises(CodeerError, match="no suggestion"):
            accept(s, 10_000, study.anouk)
