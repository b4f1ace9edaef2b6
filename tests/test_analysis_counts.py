"""Frequencies and co-occurrence of the hand-made project (see analysis_project), worked out by hand
from its (passage, code) set, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from codeer.analysis import Selection, cooccurrence, frequencies
from codeer.errors import CodeerError
from codeer.model import Coding, Passage
from codeer.store.database import Database

pytest_plugins = ["conftest_backends", "analysis_project"]  # the `hand` fixture


def test_the_hand_made_project_is_as_described(hand: Database) -> None:
    with hand.session() as session:
        assert session.scalar(select(func.count()).select_from(Passage)) == 18
        assert session.scalar(select(func.count()).select_from(Coding)) == 22
        spans = session.scalars(select(Coding.start).where(Coding.start.is_not(None))).all()
        assert len(spans) == 4


def counts(db: Database, selection: Selection) -> dict[tuple, tuple[int, int, int]]:
    with db.session() as session:
        table = frequencies(session, selection)
    return {(*r.group, r.code.ref): (r.passages, r.speakers, r.transcripts) for r in table.rows}


def pairs(db: Database, selection: Selection) -> dict[tuple, tuple[int, float]]:
    with db.session() as session:
        table = cooccurrence(session, selection)
    return {(*p.group, p.code_a.ref, p.code_b.ref): (p.passages, p.jaccard) for p in table.pairs}


def test_frequencies_per_organisation_all_coders(hand: Database) -> None:
    # Vitens wacht: t1.p2 (Anna), t1.p3 (Bert), t2.p1 (Moderator) -> 3 passages, 3 speakers, 2 transcripts.
    # RET emotie-neg: t3.p2, t3.p4 (both Anna of t3), t4.p2 (Anna of t4) -> 3, 2, 2.
    # t1.p2 has emotie-pos from anouk (whole) and bram (span): one passage.
    assert counts(hand, Selection(by=("organisation",))) == {
        ("RET", "emotie-pos"): (1, 1, 1),
        ("RET", "emotie-neg"): (3, 2, 2),
        ("RET", "wacht"): (3, 3, 3),
        ("RET", "contact"): (2, 1, 1),
        ("Vitens", "emotie"): (1, 1, 1),
        ("Vitens", "emotie-pos"): (2, 2, 2),
        ("Vitens", "emotie-neg"): (1, 1, 1),
        ("Vitens", "wacht"): (3, 3, 2),
        ("Vitens", "contact"): (3, 3, 2),
    }


def test_frequencies_per_quadrant_for_one_coder_and_a_missing_attribute(hand: Database) -> None:
    # anouk alone; t5 has no quadrant and falls in the group "".
    assert counts(hand, Selection(by=("quadrant",), coders=("anouk",))) == {
        ("", "wacht"): (1, 1, 1),
        ("Q1", "emotie-pos"): (1, 1, 1),
        ("Q1", "emotie-neg"): (2, 2, 2),
        ("Q1", "wacht"): (1, 1, 1),
        ("Q1", "contact"): (2, 1, 1),
        ("Q2", "emotie"): (1, 1, 1),
        ("Q2", "emotie-pos"): (1, 1, 1),
        ("Q2", "wacht"): (1, 1, 1),
        ("Q2", "contact"): (1, 1, 1),
    }


def test_frequencies_per_organisation_and_quadrant_for_two_coders(hand: Database) -> None:
    got = counts(hand, Selection(by=("organisation", "quadrant"), coders=("bram", "carla")))
    assert got == {
        ("RET", "Q1", "emotie-neg"): (2, 1, 1),
        ("RET", "Q1", "wacht"): (1, 1, 1),
        ("RET", "Q2", "emotie-neg"): (1, 1, 1),
        ("RET", "Q2", "wacht"): (1, 1, 1),
        ("Vitens", "Q1", "emotie-pos"): (1, 1, 1),
        ("Vitens", "Q1", "wacht"): (2, 2, 1),
        ("Vitens", "Q1", "contact"): (1, 1, 1),
        ("Vitens", "Q2", "emotie-pos"): (1, 1, 1),
        ("Vitens", "Q2", "contact"): (1, 1, 1),
    }


def test_rollup_counts_the_union_of_descendants(hand: Database) -> None:
    got = counts(hand, Selection(by=("organisation",), rollup=True))
    # Vitens emotie: t2.p2 (itself), t1.p2 + t2.p3 (pos), t1.p3 (neg) -> 4 passages, 4 speakers, 2 files.
    # RET emotie: t3.p2, t3.p4, t4.p2 (t4.p2 has pos and neg: counted once) -> 3, 2, 2.
    assert got[("Vitens", "emotie")] == (4, 4, 2)
    assert got[("RET", "emotie")] == (3, 2, 2)
    assert got[("RET", "emotie-neg")] == (3, 2, 2)  # a leaf is unchanged


def test_overall_table_and_group_sizes(hand: Database) -> None:
    with hand.session() as session:
        table = frequencies(session, Selection())
    assert table.groups == [()] and table.group_passages == {(): 18}
    assert {r.code.ref: r.passages for r in table.rows} == {
        "emotie": 1,
        "emotie-pos": 3,
        "emotie-neg": 4,
        "wacht": 6,
        "contact": 5,
    }
    with hand.session() as session:
        table = frequencies(session, Selection(by=("quadrant",)))
    assert table.group_passages == {("",): 2, ("Q1",): 8, ("Q2",): 8}
    assert table.cell(("Q1",), table.codes[0].id) is None  # nobody applied emotie in Q1


def test_speaker_attribute_groups_by_the_speaker_of_the_passage(hand: Database) -> None:
    got = counts(hand, Selection(by=("rol",)))
    assert got[("moderator", "wacht")] == (1, 1, 1)  # t2.p1
    assert got[("", "wacht")] == (1, 1, 1)  # t4.p3: Bert of t4 has no rol
    assert got[("deelnemer", "wacht")] == (4, 4, 3)  # t1.p2, t1.p3, t3.p2, t5.p2
    assert got[("deelnemer", "contact")] == (5, 4, 3)
    assert counts(hand, Selection(by=("speaker.rol",))) == got


def test_unknown_attribute_lists_the_known_ones_with_a_suggestion(hand: Database) -> None:
    with hand.session() as session, pytest.raises(CodeerError) as caught:
        frequencies(session, Selection(by=("organisatie",)))
    message = str(caught.value)
    assert "did you mean 'organisation'" in message
    assert "transcript attributes: organisation, quadrant" in message and "speaker attributes: rol" in message
    with hand.session() as session, pytest.raises(CodeerError, match="unknown coder 'anoek'.*'anouk'"):
        frequencies(session, Selection(coders=("anoek",)))


def test_cooccurrence_per_organisation_all_coders(hand: Database) -> None:
    # RET: emotie-neg x contact on t3.p2 and t3.p4: 2 / (3 + 2 - 2).
    assert pairs(hand, Selection(by=("organisation",))) == pytest.approx(
        {
            ("RET", "emotie-pos", "emotie-neg"): (1, 1 / 3),
            ("RET", "emotie-neg", "wacht"): (1, 1 / 5),
            ("RET", "emotie-neg", "contact"): (2, 2 / 3),
            ("RET", "wacht", "contact"): (1, 1 / 4),
            ("Vitens", "emotie", "contact"): (1, 1 / 3),
            ("Vitens", "emotie-pos", "wacht"): (1, 1 / 4),
            ("Vitens", "emotie-pos", "contact"): (1, 1 / 4),
            ("Vitens", "emotie-neg", "wacht"): (1, 1 / 3),
        },
        rel=1e-12,
    )


def test_cooccurrence_per_quadrant_for_one_coder(hand: Database) -> None:
    # anouk: Q1 has t1.p3 {wacht, emotie-neg}, t3.p4 {emotie-neg, contact}, t3.p2 {contact}, t1.p2 {pos}.
    assert pairs(hand, Selection(by=("quadrant",), coders=("anouk",))) == pytest.approx(
        {
            ("Q1", "emotie-neg", "wacht"): (1, 1 / 2),
            ("Q1", "emotie-neg", "contact"): (1, 1 / 3),
            ("Q2", "emotie", "contact"): (1, 1.0),
        },
        rel=1e-12,
    )


def test_cooccurrence_with_rollup_leaves_out_a_code_and_its_ancestor(hand: Database) -> None:
    got = pairs(hand, Selection(by=("organisation",), rollup=True))
    assert ("Vitens", "emotie", "emotie-pos") not in got
    assert got[("Vitens", "emotie", "wacht")] == pytest.approx((2, 2 / (4 + 3 - 2)))
    assert got[("Vitens", "emotie", "contact")] == pytest.approx((2, 2 / (4 + 3 - 2)))
    assert got[("RET", "emotie", "contact")] == pytest.approx((2, 2 / (3 + 2 - 2)))


def test_matrix_and_conditional_shares(hand: Database) -> None:
    with hand.session() as session:
        table = cooccurrence(session, Selection(by=("organisation",)))
    matrix = table.matrix(("RET",))
    refs = [c.ref for c in matrix.codes]
    assert refs == ["emotie", "emotie-pos", "emotie-neg", "wacht", "contact"]
    neg, contact = refs.index("emotie-neg"), refs.index("contact")
    assert matrix.counts[neg][neg] == 3 and matrix.counts[contact][contact] == 2
    assert matrix.counts[neg][contact] == matrix.counts[contact][neg] == 2
    assert matrix.jaccard(neg, contact) == pytest.approx(2 / 3)
    assert matrix.counts[0] == [0, 0, 0, 0, 0]  # emotie is applied only in Vitens
    pair = next(p for p in table.pairs if p.group == ("RET",) and p.code_b.ref == "contact")
    assert (pair.code_a.ref, pair.share_of_a, pair.share_of_b) == ("emotie-neg", 2 / 3, 1.0)
