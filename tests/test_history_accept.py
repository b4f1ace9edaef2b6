"""Accepting a suggestion is the coder's own keyboard action: undo takes exactly it back, redo replays it."""

from __future__ import annotations

from sqlalchemy import select

from codeer.model import Code, Codebook, Coding, Passage, Suggestion, Transcript
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.history import ACTION_NOTE, redo, undo_last
from codeer.store.suggestions import accept


def test_undo_after_accepting_a_suggestion_removes_that_coding_only(db) -> None:
    with db.session() as s:
        t = Transcript(key="t1")
        book = Codebook(key="b")
        s.add_all([t, book])
        s.flush()
        p1 = Passage(transcript_id=t.id, number=1, text="Ze belde me meteen terug.")
        p2 = Passage(transcript_id=t.id, number=2, text="Dat was snel geregeld.")
        c = Code(codebook_id=book.id, key="snelheid", name="Snelheid")
        s.add_all([p1, p2, c])
        s.flush()
        coder = get_or_create_coder(s, "anouk").id
        apply_coding(s, CodingKey(p1.id, c.id, coder), note=ACTION_NOTE)  # an earlier workbench action
        suggestion = Suggestion(passage_id=p2.id, code_id=c.id, score=0.8, triggers=[])
        s.add(suggestion)
        s.flush()
        ids = (p1.id, p2.id, c.id, coder, suggestion.id)
    p1, p2, code, coder, suggestion = ids
    with db.session() as s:
        accept(s, suggestion, coder)
    with db.session() as s:
        undo_last(s, coder)
    with db.session() as s:
        assert s.scalars(select(Coding.passage_id)).all() == [p1]
    with db.session() as s:
        redo(s, coder)
    with db.session() as s:
        assert sorted(s.scalars(select(Coding.passage_id)).all()) == [p1, p2]
