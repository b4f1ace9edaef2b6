"""The disagreement queue and settling it into a consensus coder, on the project of agreement_project.py.

anouk and bram differ on t1.p2 (a), t1.p3 (a), t1.p4 (b, d) and t2.p2 (d); they agree on t1.p1 (a; bram
with a span) and t2.p1 (b; bram with two spans). t3 (anouk alone) and t4 (carla alone) are nobody's
disagreement.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from codeer.analysis import Selection, frequencies
from codeer.analysis.agreement_report import agreement_report, default_coders
from codeer.errors import CodeerError
from codeer.model import Code, Coder, Coding, CodingEvent, Memo, Passage, Settlement, Transcript
from codeer.store.coding import CodingKey, find_coding, get_or_create_coder, update_coding
from codeer.store.consensus import disagreements, settle
from codeer.store.database import Database

pytest_plugins = ["conftest_backends", "agreement_project"]  # the `agree` fixture

PAIR = ("anouk", "bram")


def passage_id(db: Database, transcript: str, number: int) -> int:
    with db.session() as session:
        return session.scalar(
            select(Passage.id).join(Transcript).where(Transcript.key == transcript, Passage.number == number)
        )


def code_id(db: Database, key: str) -> int:
    with db.session() as session:
        return session.scalar(select(Code.id).where(Code.key == key))


def queue(db: Database, coders=PAIR, **options) -> list[tuple[str, int]]:
    with db.session() as session:
        return [(d.transcript_key, d.number) for d in disagreements(session, coders, **options)]


def consensus_codings(
    db: Database, transcript: str, number: int
) -> set[tuple[str, int | None, int | None, str]]:
    pid = passage_id(db, transcript, number)
    with db.session() as session:
        rows = session.execute(
            select(Code.key, Coding.start, Coding.end, Coding.memo)
            .join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name == "consensus", Coding.passage_id == pid)
        )
        return {tuple(row) for row in rows}


def do_settle(db: Database, transcript: str, number: int, choice, coders=PAIR, note: str = "") -> None:
    pid = passage_id(db, transcript, number)
    with db.session() as session:
        settle(session, pid, choice, coders, note=note)


@pytest.fixture
def memos(agree: Database) -> Iterator[Database]:
    """anouk's memo on her coding a of t1.p2, and her passage memo there."""
    pid, a = passage_id(agree, "t1", 2), code_id(agree, "a")
    with agree.session() as session:
        anouk = get_or_create_coder(session, "anouk")
        coding = find_coding(session, CodingKey(pid, a, anouk.id))
        update_coding(session, coding, memo="zie ook t1.p3")
        session.add(Memo(coder_id=anouk.id, passage_id=pid, title="twijfel", text="a of b?"))
    yield agree


def test_the_queue_holds_the_passages_where_the_raters_differ(agree: Database) -> None:
    assert queue(agree) == [("t1", 2), ("t1", 3), ("t1", 4), ("t2", 2)]
    assert queue(agree, code=code_id(agree, "d")) == [("t1", 4), ("t2", 2)]
    assert queue(agree, codebook="cb") == queue(agree)
    with agree.session() as session:
        (first, _, third, _) = disagreements(session, PAIR)
        keys = {c: session.get(Code, c).key for c in (*first.differing, *third.differing)}
    assert [keys[c] for c in first.differing] == ["a"]
    assert [keys[c] for c in third.differing] == ["b", "d"]
    anouk, bram = first.coders
    assert (anouk.name, anouk.rated, [c.code_key for c in anouk.codings]) == ("anouk", True, ["a", "b"])
    assert (bram.name, bram.rated, [c.code_key for c in bram.codings]) == ("bram", True, ["b"])


def test_a_third_coder_is_missing_on_transcripts_she_did_not_code(agree: Database) -> None:
    three = ("anouk", "bram", "carla")
    assert queue(agree, three) == [("t1", 2), ("t1", 3), ("t1", 4), ("t2", 2)]
    with agree.session() as session:
        last = disagreements(session, three)[-1]
    assert [(c.name, c.rated) for c in last.coders] == [("anouk", True), ("bram", True), ("carla", False)]


def test_memos_come_with_a_disagreement(memos: Database) -> None:
    with memos.session() as session:
        anouk = disagreements(session, PAIR)[0].coders[0]
    assert anouk.memos == ("a of b?",)
    assert [(c.code_key, c.memo) for c in anouk.codings] == [("a", "zie ook t1.p3"), ("b", "")]


def test_keep_one_coder(memos: Database) -> None:
    do_settle(memos, "t1", 2, "anouk", note="anouk volgt de definitie")
    assert consensus_codings(memos, "t1", 2) == {("a", None, None, "zie ook t1.p3"), ("b", None, None, "")}
    assert queue(memos) == [("t1", 3), ("t1", 4), ("t2", 2)]
    with memos.session() as session:
        events = session.execute(
            select(CodingEvent.action, CodingEvent.code_key, CodingEvent.note)
            .join(Coder, Coder.id == CodingEvent.coder_id)
            .where(Coder.name == "consensus")
        ).all()
        settlement = session.scalars(select(Settlement)).one()
    assert sorted(events) == [
        ("settle", "a", "anouk volgt de definitie"),
        ("settle", "b", "anouk volgt de definitie"),
    ]
    assert (settlement.choice, settlement.compared, settlement.note) == (
        "keep anouk",
        ["anouk", "bram"],
        "anouk volgt de definitie",
    )


def test_keep_a_coders_spans(agree: Database) -> None:
    do_settle(agree, "t2", 1, "bram")
    assert consensus_codings(agree, "t2", 1) == {("b", 0, 3, ""), ("b", 4, 8, "")}


def test_both_takes_the_union_and_a_whole_passage_wins_over_spans(agree: Database) -> None:
    do_settle(agree, "t1", 4, "both")
    assert consensus_codings(agree, "t1", 4) == {("b", None, None, ""), ("d", None, None, "")}
    do_settle(agree, "t2", 1, "both")  # anouk: whole passage, bram: two spans
    assert consensus_codings(agree, "t2", 1) == {("b", None, None, "")}


def test_neither_leaves_no_code_but_the_passage_is_settled(agree: Database) -> None:
    do_settle(agree, "t1", 3, "neither")
    assert consensus_codings(agree, "t1", 3) == set()
    assert ("t1", 3) not in queue(agree)
    with agree.session() as session:
        assert session.scalars(select(Settlement.choice)).one() == "neither"


def test_an_edited_outcome(agree: Database) -> None:
    do_settle(agree, "t2", 2, {code_id(agree, "a"), code_id(agree, "d")})
    assert consensus_codings(agree, "t2", 2) == {("a", None, None, ""), ("d", None, None, "")}


def test_settling_again_replaces_the_outcome(agree: Database) -> None:
    do_settle(agree, "t1", 2, "anouk")
    do_settle(agree, "t1", 2, "bram", note="toch niet")
    assert consensus_codings(agree, "t1", 2) == {("b", None, None, "")}
    with agree.session() as session:
        settlement = session.scalars(select(Settlement)).one()
        removed = session.scalars(select(CodingEvent.code_key).where(CodingEvent.action == "remove")).all()
    assert (settlement.choice, settlement.note) == ("keep bram", "toch niet")
    assert removed == ["a"]


def test_the_consensus_coder_is_a_coder_like_any_other(agree: Database) -> None:
    for number, choice in ((2, "anouk"), (3, "neither"), (4, "both")):
        do_settle(agree, "t1", number, choice)
    with agree.session() as session:
        assert default_coders(session) == ("anouk", "bram", "carla")  # the consensus coder is left out
        table = frequencies(session, Selection(coders=("consensus",)))
        assert {(r.code.ref, r.passages) for r in table.rows} == {("a", 1), ("b", 2), ("d", 1)}
        report = agreement_report(session, ("anouk", "consensus"), bootstrap=0)
    # consensus coded t1 only: a 0100 vs anouk 1100, b 0101 vs 0101, d 0001 vs 0000.
    assert {(r.code.ref if r.code else "ALL", r.disagreements) for r in report.rows} == {
        ("a", 1),
        ("b", 0),
        ("d", 1),
        ("ALL", 2),
    }


@pytest.mark.parametrize(
    ("choice", "coders", "message"),
    [
        ("carla", PAIR, "cannot settle by 'carla'"),
        ("anouk", ("anouk", "consensus"), "cannot also be a compared coder"),
        ("anouk", ("anouk",), "two or more different coders"),
        ("anouk", ("anouk", "dirk"), "unknown coder 'dirk'"),
        ({999_999}, PAIR, "no code with id 999999"),
    ],
)
def test_settling_refuses_what_it_cannot_do(agree: Database, choice, coders, message: str) -> None:
    with pytest.raises(CodeerError, match=message):
        do_settle(agree, "t1", 2, choice, coders)
    assert consensus_codings(agree, "t1", 2) == set()
