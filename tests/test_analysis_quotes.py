"""Quotes behind table cells, streamed segments, pseudonyms, the codebook counts and the shared counting
base, on the hand-made project of analysis_project (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from codeer.analysis import Selection, codebook_entries, cooccurrence, frequencies, quotes, segment_rows
from codeer.analysis.cells import shared_cells
from codeer.analysis.pseudonyms import build_pseudonyms
from codeer.errors import CodeerError
from codeer.store.database import Database

pytest_plugins = ["conftest_backends", "analysis_project"]  # the `hand` fixture


def code_id(db: Database, key: str) -> int:
    with db.session() as session:
        return session.execute(text("SELECT id FROM codes WHERE key = :k"), {"k": key}).scalar_one()


def test_quotes_behind_a_frequency_cell(hand: Database) -> None:
    with hand.session() as session:
        found = quotes(session, Selection(by=("organisation",)), ("RET",), code_id(hand, "emotie-neg"))
    # RET emotie-neg: t3.p2 (bram), t3.p4 (anouk whole, carla span "Bert"), t4.p2 (bram).
    assert [(q.transcript, q.passage, q.coder, q.text) for q in found] == [
        ("t3", 2, "bram", "Ik vond het fijn dat ze zo snel belde."),
        ("t3", 4, "anouk", "Bert heeft gelijk, het duurde lang."),
        ("t3", 4, "carla", "Bert"),
        ("t4", 2, "bram", "Ik vond het fijn dat ze zo snel belde."),
    ]
    assert found[0].attributes == {"organisation": "RET", "quadrant": "Q1", "speaker.rol": "deelnemer"}
    assert (found[2].start, found[2].end, found[2].speaker, found[2].time) == (0, 4, "Anna", "0:04:04")


def test_quotes_behind_a_cooccurrence_cell_for_one_coder(hand: Database) -> None:
    neg, contact = code_id(hand, "emotie-neg"), code_id(hand, "contact")
    selection = Selection(by=("quadrant",), coders=("anouk",))
    with hand.session() as session:
        found = quotes(session, selection, ("Q1",), neg, contact)
    # anouk's Q1 passages with both: t3.p4 only (t3.p2 has her contact, but emotie-neg there is bram's).
    assert [(q.transcript, q.passage, q.code.ref) for q in found] == [
        ("t3", 4, "emotie-neg"),
        ("t3", 4, "contact"),
    ]


def test_quotes_with_rollup_show_the_descendants_codings(hand: Database) -> None:
    with hand.session() as session:
        found = quotes(
            session, Selection(by=("organisation",), rollup=True), ("Vitens",), code_id(hand, "emotie")
        )
    assert len({(q.transcript, q.passage) for q in found}) == 4  # the rolled-up count of Vitens emotie
    assert {q.code.ref for q in found} == {"emotie", "emotie-pos", "emotie-neg"}
    with hand.session() as session, pytest.raises(CodeerError, match="a group of 1 value"):
        quotes(session, Selection(by=("organisation",)), (), code_id(hand, "emotie"))


def test_segments_stream_in_reading_order(hand: Database) -> None:
    with hand.session() as session:
        rows = list(segment_rows(session, ("carla",)))
    assert [(r[0], r[2], r[8]) for r in rows] == [
        ("t1", 2, "wacht"),
        ("t2", 3, "emotie-pos"),
        ("t2", 3, "contact"),
        ("t3", 4, "emotie-neg"),
        ("t4", 3, "wacht"),
    ]
    assert rows[3][-1] == "Bert" and rows[3][8:13] == ("emotie-neg", "Emotie-Neg", "carla", 0, 4)


def test_pseudonyms_follow_first_appearance_and_the_moderator_role(hand: Database) -> None:
    with hand.session() as session:
        pseudonyms = build_pseudonyms(session)
        speakers = session.execute(
            text("SELECT s.id, s.name, t.key FROM speakers s JOIN transcripts t ON t.id = s.transcript_id")
        ).all()
        tid = session.execute(text("SELECT id FROM transcripts WHERE key = 't1'")).scalar_one()
    codes = {(key, name): pseudonyms.speaker(sid) for sid, name, key in speakers}
    assert (
        codes[("t1", "Moderator")] == "M"
        and codes[("t1", "Anna")] == "P01"
        and codes[("t1", "Bert")] == "P02"
    )
    assert codes[("t4", "Bert")] == "P02"  # no rol attribute: a participant
    assert pseudonyms.text(tid, "Anna en Bert, en Annabel niet.") == "P01 en P02, en Annabel niet."
    assert pseudonyms.speaker(None) == ""


def test_codebook_entries_count_per_code(hand: Database) -> None:
    with hand.session() as session:
        entries = {e.code.ref: e for e in codebook_entries(session, ("anouk",))}
    assert [entries["wacht"].codings, entries["wacht"].passages, entries["wacht"].transcripts] == [3, 3, 3]
    assert entries["emotie"].passages_with_subcodes == 5  # t2.p2; pos t1.p2, t4.p2; neg t1.p3, t3.p4
    assert entries["emotie-neg"].parent == "emotie" and entries["emotie"].definition == "Definitie van emotie"


def test_shared_cells_give_the_same_tables_and_leave_no_tables_behind(hand: Database) -> None:
    selections = [
        Selection(by=("organisation",)),
        Selection(by=("quadrant",), coders=("anouk",), rollup=True),
    ]
    selections.append(Selection(by=("rol", "organisation"), coders=("bram", "carla")))
    with hand.session() as session:
        alone = [(frequencies(session, s).rows, cooccurrence(session, s).pairs) for s in selections]
    with hand.session() as session:
        with shared_cells(session):
            shared = [(frequencies(session, s).rows, cooccurrence(session, s).pairs) for s in selections]
            again = frequencies(session, selections[0]).rows
        assert session.info == {}
    assert shared == alone and again == alone[0][0]
