"""Undo and redo over the coding history, and the workbench's queries, without a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tui_support import make_project

from codeer.model import Code, Coding, CodingEvent, Memo, Passage, Setting
from codeer.store import history
from codeer.store import workbench as wb
from codeer.store.blinding import show_others_forbidden
from codeer.store.coding import CodingKey, apply_coding
from codeer.store.database import Database, open_database


@pytest.fixture
def study(project: Path) -> Database:
    make_project(project)
    database = open_database(f"sqlite:///{project / 'codeer.db'}")
    yield database
    database.close()


def ids(db: Database) -> tuple[int, dict[int, int], dict[str, int]]:
    """(coder id of anouk, passage number → id in vitens-q1, code key → id)."""
    with db.session() as s:
        me = wb.coder_id(s, "anouk")
        data = wb.load_transcript(s, 1, me)
        codes = {c.key: c.id for c in wb.list_codes(s)}
    return me, {p.number: p.id for p in data.passages}, codes


def code(s: Session, key: CodingKey) -> int:
    """Apply a coding as the workbench does (:func:`workbench.set_coding`); the new coding's id."""
    assert wb.set_coding(s, key, True)
    return s.scalar(select(func.max(Coding.id)))


def codings(db: Database) -> set[tuple[int, int, int | None]]:
    with db.session() as s:
        return {tuple(r) for r in s.execute(select(Coding.passage_id, Coding.code_id, Coding.start))}


def test_coding_records_workbench_events_and_undo_redo_reverse_them(study: Database) -> None:
    me, p, c = ids(study)
    with study.session() as s:
        code(s, CodingKey(p[2], c["deskundigheid"], me))
    with study.session() as s:
        code(s, CodingKey(p[3], c["informatie"], me))
    assert codings(study) == {(p[2], c["deskundigheid"], None), (p[3], c["informatie"], None)}
    with study.session() as s:
        change = history.undo_last(s, me)
    assert change.describe() == "undo: informatie removed on vitens-q1 #3"
    assert codings(study) == {(p[2], c["deskundigheid"], None)}
    with study.session() as s:
        assert history.undo_last(s, me).target.code_key == "deskundigheid"
    with study.session() as s:
        assert history.undo_last(s, me) is None  # nothing left
    assert codings(study) == set()
    with study.session() as s:
        assert history.redo(s, me).target.code_key == "deskundigheid"
    with study.session() as s:
        assert history.redo(s, me).target.code_key == "informatie"
    with study.session() as s:
        assert history.redo(s, me) is None
    assert len(codings(study)) == 2
    with study.session() as s:
        notes = s.scalars(select(CodingEvent.note).order_by(CodingEvent.id)).all()
    assert notes[:2] == ["workbench", "workbench"]
    assert all(n.startswith(("undo #", "redo #")) for n in notes[2:])


def test_a_new_action_empties_the_redo_stack(study: Database) -> None:
    me, p, c = ids(study)
    with study.session() as s:
        code(s, CodingKey(p[2], c["deskundigheid"], me))
    with study.session() as s:
        history.undo_last(s, me)
    with study.session() as s:
        code(s, CodingKey(p[4], c["empathie"], me))
    with study.session() as s:
        assert history.redo(s, me) is None
        assert history.undo_redo_stacks(s, me)[1] == []


def test_imports_are_not_undone_and_other_coders_are_untouched(study: Database) -> None:
    me, p, c = ids(study)
    with study.session() as s:
        bram = wb.coder_id(s, "bram")
        apply_coding(s, CodingKey(p[2], c["deskundigheid"], me), note="import codings.csv")
        code(s, CodingKey(p[3], c["informatie"], bram))
    with study.session() as s:
        assert history.undo_last(s, me) is None
    assert len(codings(study)) == 2


def test_undo_skips_what_someone_already_reverted(study: Database) -> None:
    me, p, c = ids(study)
    with study.session() as s:
        code(s, CodingKey(p[2], c["deskundigheid"], me))
    with study.session() as s:
        code(s, CodingKey(p[3], c["informatie"], me))
    with study.session() as s:  # removed outside the workbench, e.g. by a codings import
        s.delete(s.scalar(select(Coding).where(Coding.passage_id == p[3])))
    with study.session() as s:
        change = history.undo_last(s, me)
    assert change.target.code_key == "deskundigheid"
    assert codings(study) == set()


def test_memo_change_is_undone_to_the_previous_memo(study: Database) -> None:
    me, p, c = ids(study)
    with study.session() as s:
        coding_id = code(s, CodingKey(p[2], c["deskundigheid"], me))
    with study.session() as s:
        assert wb.set_coding_memo(s, coding_id, me, "klopt").memo == "klopt"
    with study.session() as s:
        assert history.undo_last(s, me).action == "update"
    with study.session() as s:
        assert s.get(Coding, coding_id).memo == ""
    with study.session() as s:
        history.redo(s, me)
        assert s.get(Coding, coding_id).memo == "klopt"


def test_span_coding_round_trips_through_undo(study: Database) -> None:
    me, p, c = ids(study)
    with study.session() as s:
        code(s, CodingKey(p[2], c["deskundigheid"], me, 0, 21))
    with study.session() as s:
        history.undo_last(s, me)
        history.undo_last(s, me)  # nothing more: the stack held one action
    assert codings(study) == set()
    with study.session() as s:
        history.redo(s, me)
    assert codings(study) == {(p[2], c["deskundigheid"], 0)}


def test_passage_memo_is_written_updated_and_deleted(study: Database) -> None:
    me, p, _ = ids(study)
    with study.session() as s:
        wb.set_passage_memo(s, me, p[5], "eerste gedachte")
    with study.session() as s:
        wb.set_passage_memo(s, me, p[5], "beter")
    with study.session() as s:
        assert wb.load_transcript(s, 1, me).memos == {p[5]: "beter"}
        assert s.scalar(select(Memo.transcript_id)) == 1
    with study.session() as s:
        wb.set_passage_memo(s, me, p[5], "  ")
    with study.session() as s:
        assert s.scalar(select(Memo)) is None


def test_queries_return_progress_moderators_tree_order_and_blindness(study: Database) -> None:
    me, p, c = ids(study)
    with study.session() as s:
        bram = wb.coder_id(s, "bram")
        code(s, CodingKey(p[2], c["deskundigheid"], me))
        code(s, CodingKey(p[2], c["informatie"], me))
        code(s, CodingKey(p[3], c["empathie"], bram))
    with study.session() as s:
        rows = {r.key: r for r in wb.list_transcripts(s, me)}
        assert (rows["vitens-q1"].coded, rows["vitens-q1"].passages) == (1, 8)
        assert rows["vitens-q1"].attributes == {"organisation": "Vitens", "quadrant": "Q1"}
        assert [(x.key, x.depth) for x in wb.list_codes(s)][:3] == [
            ("dienstverlening", 0),
            ("deskundigheid", 1),
            ("informatie", 1),
        ]
        data = wb.load_transcript(s, 1, me)
        assert [x.moderator for x in data.passages][:4] == [True, False, False, True]
        assert {x.coder for x in data.codings} == {"anouk"}
        assert {x.coder for x in wb.load_transcript(s, 1, me, others=True).codings} == {"anouk", "bram"}
        assert not show_others_forbidden(s)
        s.add(Setting(key="forbid_show_others", value="1"))
    with study.session() as s:
        assert show_others_forbidden(s)


def test_removing_another_coders_coding_is_refused(study: Database) -> None:
    me, p, c = ids(study)
    with study.session() as s:
        bram = wb.coder_id(s, "bram")
        coding_id = code(s, CodingKey(p[3], c["empathie"], bram))
    with pytest.raises(Exception, match="no longer exists"), study.session() as s:
        wb.remove(s, coding_id, me)


def test_event_rows_serve_a_log(study: Database) -> None:
    me, p, c = ids(study)
    with study.session() as s:
        code(s, CodingKey(p[2], c["deskundigheid"], me, 0, 21))
    with study.session() as s:
        (event,) = history.coder_events(s, me, limit=5)
        assert event.where() == "deskundigheid on vitens-q1 #2 [0:21]"
        assert s.scalar(select(Passage.number).where(Passage.id == event.passage_id)) == 2
        assert s.get(Code, event.code_id).key == "deskundigheid"
