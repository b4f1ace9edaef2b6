"""Accepting suggestions and settling disagreements in bulk write as sets, yet give exactly what one action
at a time gives: the same codings with the same ids, the same history events in the same order, the same
suggestion and settlement rows (on SQLite and on PostgreSQL).

The reference is the same decisions taken one by one (:func:`accept`, :func:`settle`) on a second database
built the same way, as the workbench takes them. The project is agreement_project.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from agreement_project import build
from conftest import SAMPLE_CODEBOOKS, SAMPLE_CODINGS, SAMPLE_TRANSCRIPTS, run_cli
from db_state import codings_and_events
from sqlalchemy import select

from codeer.errors import CodeerError
from codeer.model import Code, Coder, Passage, Settlement, Suggestion, Transcript
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.consensus import BOTH, NEITHER, settle, settle_many
from codeer.store.database import Database
from codeer.store.suggestions import NewSuggestion, accept, accept_many, sync_suggestions

pytest_plugins = ["conftest_backends"]

PAIR = ("anouk", "bram")


def _ids(db: Database) -> tuple[dict[tuple[str, int], int], dict[str, int]]:
    with db.session() as session:
        passages = {
            (key, number): pid
            for key, number, pid in session.execute(
                select(Transcript.key, Passage.number, Passage.id).join(Transcript)
            )
        }
        codes = dict(session.execute(select(Code.key, Code.id)).all())
    return passages, codes


def _state(db: Database) -> tuple[list[tuple], ...]:
    """Every coding, history event, settlement and suggestion, times left out (a batch has one time)."""
    with db.session() as session:
        names = dict(session.execute(select(Coder.id, Coder.name)).all())
        codings, events = codings_and_events(session)
        settlements = [
            (s.id, s.passage_id, names[s.coder_id], s.choice, s.compared, s.note)
            for s in session.scalars(select(Settlement).order_by(Settlement.id))
        ]
        suggestions = [
            (s.id, s.passage_id, s.code_id, s.start, s.end, s.status, s.decided_by)
            for s in session.scalars(select(Suggestion).order_by(Suggestion.id))
        ]
    return codings, events, settlements, suggestions


def _both(db_url: str, reference_url: str, prepare: Callable[[Database], None]) -> tuple[Database, Database]:
    """Two equal projects: the bulk one and the one-at-a-time reference."""
    pair = build(db_url), build(reference_url)
    for db in pair:
        prepare(db)
    assert _state(pair[0]) == _state(pair[1])
    return pair


def _presettle(db: Database) -> None:
    """Earlier outcomes: the consensus coder's codings on t2.p2 and t1.p3 (the newest coding: removing it
    first gives its id to the next new coding on SQLite)."""
    passages, _ = _ids(db)
    with db.session() as session:
        settle(session, passages["t2", 2], BOTH, PAIR, note="eerder")
        settle(session, passages["t1", 3], BOTH, PAIR, note="eerder")


@pytest.mark.parametrize(
    "rounds",
    [
        [("anouk", [("t1", 3), ("t1", 2), ("t2", 2), ("t1", 4), ("t2", 1)])],
        [(BOTH, [("t1", 2), ("t2", 2), ("t1", 4)]), (NEITHER, [("t1", 4), ("t2", 2)]), ("bram", [("t2", 1)])],
        [
            ({"a", "d"}, [("t1", 3), ("t1", 2), ("t2", 2), ("t2", 1)]),
            (BOTH, [("t1", 3), ("t2", 1), ("t1", 1)]),
        ],
    ],
)
def test_settling_many_passages_writes_what_settling_them_one_by_one_writes(
    db_url: str, reference_url: str, rounds: list
) -> None:
    bulk, reference = _both(db_url, reference_url, _presettle)
    try:
        passages, codes = _ids(bulk)
        for choice, where in rounds:
            chosen = {codes[c] for c in choice} if isinstance(choice, set) else choice
            wanted = [passages[w] for w in where]
            with bulk.session() as session:
                done = settle_many(session, wanted, chosen, PAIR, note="in bulk")
            with reference.session() as session:
                for pid in wanted:
                    settle(session, pid, chosen, PAIR, note="in bulk")
            assert done.passages == len(wanted)
            assert _state(bulk) == _state(reference)
        assert any(e[1] == "remove" for e in _state(bulk)[1])  # settled again: earlier outcomes replaced
    finally:
        bulk.close()
        reference.close()


def test_settling_many_with_a_problem_changes_nothing(db_url: str) -> None:
    db = build(db_url)
    try:
        passages, codes = _ids(db)
        before = _state(db)
        for wanted, choice, message in (
            ([passages["t1", 2], 999_999], BOTH, "no passage with id 999999"),
            ([passages["t1", 2]], {999_998}, "no code with id 999998"),
            ([passages["t1", 2]], "carla", "cannot settle by 'carla'"),
        ):
            with pytest.raises(CodeerError, match=message), db.session() as session:
                settle_many(session, wanted, choice, PAIR)
            assert _state(db) == before
    finally:
        db.close()


def _suggest(db: Database) -> None:
    """Suggestions (two with a sentence span); two codes already applied where they are suggested."""
    passages, codes = _ids(db)
    found = [
        NewSuggestion(passages["t1", 1], codes["c"], 0.9, 0, 4, []),
        NewSuggestion(passages["t1", 2], codes["c"], 0.8, None, None, []),
        NewSuggestion(passages["t1", 2], codes["a"], 0.7, None, None, []),  # anouk has a on t1.p2 already
        NewSuggestion(passages["t2", 3], codes["d"], 0.6, 5, 11, []),
        NewSuggestion(passages["t3", 1], codes["b"], 0.5, None, None, []),
    ]
    with db.session() as session:
        sync_suggestions(session, found, code_ids=list(codes.values()))
        carla = get_or_create_coder(session, "carla").id
        apply_coding(session, CodingKey(passages["t2", 3], codes["d"], carla, 5, 11), "al gezien")


@pytest.mark.parametrize("sentence", [False, True])
def test_accepting_many_suggestions_writes_what_accepting_them_one_by_one_writes(
    db_url: str, reference_url: str, sentence: bool
) -> None:
    bulk, reference = _both(db_url, reference_url, _suggest)
    try:
        with bulk.session() as session:
            order = list(session.scalars(select(Suggestion.id).order_by(Suggestion.score)))
        for coder in ("anouk", "carla"):
            wanted = order[:3] if coder == "anouk" else order[3:]
            with bulk.session() as session:
                report = accept_many(
                    session, wanted, get_or_create_coder(session, coder).id, sentence=sentence
                )
            with reference.session() as session:
                for sid in wanted:
                    accept(session, sid, get_or_create_coder(session, coder).id, sentence=sentence)
            assert report.added + report.unchanged == len(wanted)
            assert _state(bulk) == _state(reference)
        with bulk.session() as session:
            assert set(session.scalars(select(Suggestion.status))) == {"accepted"}
    finally:
        bulk.close()
        reference.close()


def test_accepting_many_with_a_decided_or_unknown_suggestion_changes_nothing(db_url: str) -> None:
    db = build(db_url)
    try:
        _suggest(db)
        with db.session() as session:
            ids = list(session.scalars(select(Suggestion.id).order_by(Suggestion.id)))
            accept(session, ids[0], get_or_create_coder(session, "anouk").id)
        before = _state(db)
        with pytest.raises(CodeerError) as caught, db.session() as session:
            accept_many(session, [ids[1], ids[0], 999_999], get_or_create_coder(session, "bram").id)
        assert str(caught.value).splitlines() == [
            f"suggestion {ids[0]} was already accepted",
            "no suggestion with id 999999",
        ]
        assert _state(db) == before
    finally:
        db.close()


def test_accept_and_settle_from_the_shell(project: Path) -> None:
    for args in (
        ("codebook", "load", *map(str, SAMPLE_CODEBOOKS)),
        ("import", str(SAMPLE_TRANSCRIPTS)),
        ("codings", "import", str(SAMPLE_CODINGS)),
    ):
        assert run_cli(project, *args).code == 0
    first = run_cli(project, "settle", "--coders", "anouk,bram", "--by", "both", "--note", "teamoverleg")
    assert first.code == 0 and first.out.startswith("49 passage(s) settled into consensus by both: 95 ")
    again = run_cli(project, "settle", "--coders", "anouk,bram", "--by", "neither")
    assert again.code == 0 and again.out.startswith("0 passage(s) settled")
    assert run_cli(project, "settle", "--coders", "anouk,bram", "--by", "carla").code == 2
    assert run_cli(project, "autocode").code == 0
    accepted = run_cli(project, "--coder", "dana", "accept", "--min-score", "0.9", "--transcripts", "ret-q1")
    assert accepted.code == 0 and accepted.out.endswith("already coded\n")
    count = int(accepted.out.split()[0])
    log = run_cli(project, "log", "--coder", "dana", "--limit", "10000")
    assert log.code == 0 and log.out.count("[accepted suggestion]") == count > 0
    assert run_cli(project, "accept").code == 2  # who accepts?
