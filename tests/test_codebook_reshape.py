"""Reshaping a codebook (merge, split, delete, rename, move, edit, memo) on SQLite and PostgreSQL: every
coder's codings follow, undo gives back exactly what was there, and coders coding at the same time lose
nothing."""

from __future__ import annotations

import time

import pytest
from coding_worker import TRANSCRIPT, prepare, run_workers
from db_state import codebook_state
from sqlalchemy import select

from codeer.errors import CodeerError
from codeer.model import Code, CodebookEvent, Coder, Coding, CodingEvent, Memo, Passage, Transcript
from codeer.store.codebook_history import codes_changed_after, undo_change
from codeer.store.codebook_ops import (
    add_code,
    delete_code,
    edit_code,
    merge_codes,
    move_code,
    rename_code,
    set_code_memo,
    split_code,
)
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.database import Database, open_database
from codeer.store.retry import run_in_transaction

pytest_plugins = ["conftest_backends"]


@pytest.fixture
def db(db_url: str, build_study) -> Database:
    database = open_database(db_url)
    build_study(database, transcripts=1)
    yield database
    database.close()


def by_code(db: Database) -> dict[str, list[tuple[int, str, int | None, str]]]:
    """code key -> sorted (passage number, coder, start, memo) of its codings."""
    with db.session() as s:
        rows = s.execute(
            select(Code.key, Passage.number, Coder.name, Coding.start, Coding.memo)
            .join(Code, Code.id == Coding.code_id)
            .join(Passage, Passage.id == Coding.passage_id)
            .join(Coder, Coder.id == Coding.coder_id)
        ).all()
    found: dict[str, list] = {}
    for key, *rest in rows:
        found.setdefault(key, []).append(tuple(rest))
    return {k: sorted(v, key=lambda r: (r[0], r[1], r[2] or -1)) for k, v in found.items()}


def me(db: Database, name: str = "anouk") -> int:
    with db.session() as s:
        return get_or_create_coder(s, name).id


def test_merge_moves_every_coders_codings_folds_duplicates_and_undo_restores_exactly(db: Database) -> None:
    anouk = me(db)
    with db.session() as s:
        passages = s.scalars(select(Passage.id).order_by(Passage.id)).all()
        herhaling = s.scalar(select(Code.id).where(Code.key == "herhaling"))
        # a duplicate-to-be: anouk has herhaling [0:5] on passage 1 already; give her the same on oprechte too
        oprechte = s.scalar(select(Code.id).where(Code.key == "oprechte-empathie"))
        apply_coding(s, CodingKey(passages[0], oprechte, anouk, 0, 5), memo="van oprechte")
        s.scalar(
            select(Coding).where(Coding.code_id == herhaling, Coding.passage_id == passages[0])
        ).memo = "van herhaling"
        s.add(Memo(code_id=oprechte, coder_id=anouk, text="idee A"))
        s.add(Memo(code_id=herhaling, coder_id=anouk, text="idee B"))
    before, codes_before = codebook_state(db), by_code(db)
    moving = len(codes_before["oprechte-empathie"])
    with db.session() as s:
        outcome = merge_codes(s, anouk, "oprechte-empathie", "herhaling")
    assert "1 folded" in outcome.message
    after = by_code(db)
    assert "oprechte-empathie" not in after
    assert len(after["herhaling"]) == len(codes_before["herhaling"]) + moving - 1
    assert (1, "anouk", 0, "van herhaling\n\nvan oprechte") in after["herhaling"]  # both memos kept
    assert {c for _, c, _, _ in after["herhaling"]} == {"anouk", "bram"}  # every coder's codings
    with db.session() as s:
        assert s.scalars(select(Memo.text).where(Memo.code_id == herhaling)).all() == ["idee B\n\nidee A"]
        notes = s.scalars(select(CodingEvent.note).where(CodingEvent.note.like("merge %"))).all()
        assert (
            len(notes) == 2 * (moving - 1) + 2
        )  # each moved coding: removed + applied; the fold: update + remove
        undone = undo_change(s, anouk)
    assert undone.action == "undo"
    assert codebook_state(db) == before


def test_split_moves_chosen_codings_to_a_new_code_and_undo_takes_it_back(db: Database) -> None:
    anouk = me(db)
    before = codebook_state(db)
    with db.session() as s:
        chosen = s.scalars(
            select(Coding.id).join(Code).where(Code.key == "oprechte-empathie").order_by(Coding.id).limit(2)
        ).all()
        split_code(s, anouk, "oprechte-empathie", chosen, "", new_name="Luisteren")
    with db.session() as s:
        new = s.scalar(select(Code).where(Code.key == "luisteren"))
        assert sorted(s.scalars(select(Coding.id).where(Coding.code_id == new.id))) == sorted(chosen)
        assert new.parent.key == "empathie"  # beside the code it was split from
        with pytest.raises(CodeerError, match="not codings of oprechte-empathie"):
            split_code(s, anouk, "oprechte-empathie", chosen, "herhaling")
    with db.session() as s:
        undo_change(s, anouk)
    assert codebook_state(db) == before


def test_delete_needs_force_with_codings_and_undo_restores_them(db: Database) -> None:
    anouk = me(db)
    before = codebook_state(db)
    with db.session() as s, pytest.raises(CodeerError, match="has .* coding"):
        delete_code(s, anouk, "herhaling")
    assert codebook_state(db) == before
    with db.session() as s:
        delete_code(s, anouk, "empathie")  # no codings of its own; its child moves up to the top
    with db.session() as s:
        assert s.scalar(select(Code.parent_id).where(Code.key == "oprechte-empathie")) is None
        delete_code(s, anouk, "herhaling", force=True)
    assert "herhaling" not in by_code(db)
    with db.session() as s:
        undo_change(s, anouk)
    with db.session() as s:
        undo_change(s, anouk)
    assert codebook_state(db) == before


def test_rename_move_edit_and_memo_are_each_one_undoable_change(db: Database) -> None:
    anouk = me(db)
    before = codebook_state(db)
    with db.session() as s:
        rename_code(s, anouk, "herhaling", "Steeds opnieuw vertellen")
    with db.session() as s:
        move_code(s, anouk, "herhaling", "empathie")
    with db.session() as s:
        edit_code(
            s,
            anouk,
            "herhaling",
            definition="Het verhaal opnieuw moeten doen.",
            hotkey="h",
            examples=["drie keer"],
        )
    with db.session() as s:
        set_code_memo(s, anouk, "herhaling", "Komt vaak voor bij de gemeente.")
    with db.session() as s:
        code = s.scalar(select(Code).where(Code.key == "herhaling"))
        assert (code.name, code.parent.key, code.hotkey, code.examples) == (
            "Steeds opnieuw vertellen",
            "empathie",
            "h",
            ["drie keer"],
        )
        with pytest.raises(CodeerError, match="inside"):
            move_code(s, anouk, "empathie", "oprechte-empathie")
        with pytest.raises(CodeerError, match="oprechte-empathie is inside empathie"):
            merge_codes(s, anouk, "empathie", "oprechte-empathie")
        with pytest.raises(CodeerError, match="reserved"):
            edit_code(s, anouk, "herhaling", hotkey="j")
    for _ in range(4):
        with db.session() as s:
            undo_change(s, anouk)
    assert codebook_state(db) == before
    with db.session() as s, pytest.raises(CodeerError, match="no codebook change of yours"):
        undo_change(s, anouk)


def test_undo_is_refused_when_a_later_change_touched_the_same_code(db: Database) -> None:
    anouk, bram = me(db), me(db, "bram")
    with db.session() as s:
        rename_code(s, anouk, "herhaling", "Herhalen")
    with db.session() as s:
        edit_code(s, bram, "herhaling", definition="Later werk van bram.")
    before = codebook_state(db)
    with db.session() as s, pytest.raises(CodeerError, match="a later change touched the same codes"):
        undo_change(s, anouk)
    assert codebook_state(db) == before


def test_codes_that_changed_after_a_coders_codings_are_named(db: Database) -> None:
    anouk = me(db)
    with db.session() as s:
        assert codes_changed_after(s) == []
    with db.session() as s:
        edit_code(s, anouk, "oprechte-empathie", definition="Een nieuwe, engere betekenis.")
        set_code_memo(s, anouk, "herhaling", "alleen een memo: de betekenis blijft")
    with db.session() as s:
        changes = codes_changed_after(s)
    assert {(c.code, c.coder, c.action) for c in changes} == {
        ("oprechte-empathie", "anouk", "edit"),
        ("oprechte-empathie", "bram", "edit"),
    }


def test_a_new_code_is_applied_in_the_same_action_and_undone_with_it(db: Database) -> None:
    anouk = me(db)
    before = codebook_state(db)
    with db.session() as s:
        passage = s.scalar(select(Passage.id).order_by(Passage.id))
        outcome = add_code(
            s,
            anouk,
            "Echt gehoord worden",
            parent="empathie",
            hotkey="w",
            apply_to=CodingKey(passage, 0, anouk, 0, 3),
        )
    assert outcome.code_key == "echt-gehoord-worden"
    assert by_code(db)["echt-gehoord-worden"] == [(1, "anouk", 0, "")]
    with db.session() as s:
        undo_change(s, anouk)
    assert codebook_state(db) == before


MERGES = [
    ("code-06", "code-01"),
    ("code-07", "code-02"),
    ("code-08", "code-03"),
    ("code-09", "code-04"),
    ("code-10", "code-05"),
]


def test_coders_coding_while_the_codebook_is_merged_and_undone_lose_nothing(
    db_url: str, backend: str
) -> None:
    """Coders apply code-01..03 while the analyst merges code-06..08 into them (so a coding may arrive just
    before or just after its twin is moved), merges code-09 and code-10 into code-04 and code-05 and undoes
    those two."""
    workers, count, passages = (4, 90, 30) if backend == "postgresql" else (2, 90, 30)
    codes = prepare(db_url, passages, 10)
    coders = [f"coder-{n}" for n in range(workers)]
    db = open_database(db_url)
    expected: dict[str, set[tuple[int, str]]] = {c: set() for c in coders}
    early: dict[str, set[tuple[int, str]]] = {c: set() for c in coders}
    with db.session() as s:
        ids = {
            p.number: p.id
            for p in s.scalars(select(Passage).join(Transcript).where(Transcript.key == TRANSCRIPT))
        }
        code_ids = {c.key: c.id for c in s.scalars(select(Code))}
        for n, coder in enumerate(coders):  # codings of the codes to be merged, some on the same passages
            who = get_or_create_coder(s, coder).id
            for j, (source, _) in enumerate(MERGES):
                for number in (1 + n + j, 10 + n, 25 - j):
                    apply_coding(s, CodingKey(ids[number], code_ids[source], who))
                    early[coder].add((number, source))
        analyst = get_or_create_coder(s, "analyst").id
    for coder in coders:
        for i in range(count):
            expected[coder].add((i % passages + 1, codes[:3][i // passages % 3]))
    steps = [lambda s, a=a, b=b: merge_codes(s, analyst, a, b) for a, b in MERGES]
    steps += [lambda s: undo_change(s, analyst), lambda s: undo_change(s, analyst)]

    def next_step() -> None:
        if steps:
            run_in_transaction(db, steps.pop(0))
        time.sleep(0.05)

    reports = run_workers(db_url, coders, count=count, passages=passages, codes=codes[:3], during=next_step)
    while steps:
        next_step()
    for report in reports:
        assert sum(report["outcomes"].values()) == count
        assert set(report["outcomes"]) <= {"applied", "already applied"}
    merged = dict(MERGES[:3])  # the last two merges were undone
    with db.session() as s:
        got: dict[str, set[tuple[int, str]]] = {c: set() for c in coders}
        rows = s.execute(
            select(Coder.name, Passage.number, Code.key)
            .join(Coding, Coding.coder_id == Coder.id)
            .join(Passage, Passage.id == Coding.passage_id)
            .join(Code, Code.id == Coding.code_id)
        )
        for coder, number, key in rows:
            got[coder].add((number, key))
        actions = s.scalars(select(CodebookEvent.action).order_by(CodebookEvent.id)).all()
    for coder in coders:
        want = expected[coder] | {(number, merged.get(code, code)) for number, code in early[coder]}
        assert got[coder] == want, coder
    assert actions == ["merge"] * 5 + ["undo"] * 2
    db.close()


def test_undo_is_refused_when_codings_were_made_since_with_the_code_it_would_remove(db: Database) -> None:
    anouk, bram = me(db), me(db, "bram")
    with db.session() as s:
        code_id = add_code(s, anouk, "Nieuw").code_id
        passage = s.scalar(select(Passage.id).order_by(Passage.id))
    with db.session() as s:
        apply_coding(s, CodingKey(passage, code_id, bram))
    before = codebook_state(db)
    with db.session() as s, pytest.raises(CodeerError, match="1 coding\\(s\\) were made since"):
        undo_change(s, anouk)
    assert codebook_state(db) == before


def test_codes_made_or_moved_take_their_place_in_tree_order_and_undo_puts_it_back(db: Database) -> None:
    anouk = me(db)
    before = codebook_state(db)
    with db.session() as s:
        add_code(s, anouk, "Knikken", parent="empathie")
    with db.session() as s:
        move_code(s, anouk, "herhaling", "empathie")
    with db.session() as s:
        order = s.scalars(select(Code.key).order_by(Code.position)).all()
    assert order == ["empathie", "oprechte-empathie", "knikken", "herhaling"]
    for _ in range(2):
        with db.session() as s:
            undo_change(s, anouk)
    assert codebook_state(db) == before
