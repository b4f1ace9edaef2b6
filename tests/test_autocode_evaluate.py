"""``codeer autocode --evaluate``: precision, recall, F1 and alpha by hand, then on the sample study."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import krippendorff
import pytest
from conftest import SAMPLE_CODINGS, run_cli
from sqlalchemy import select

from codeer.autocode.evaluate import evaluate
from codeer.errors import CodeerError
from codeer.ingest.records import ParsedTranscript, Turn
from codeer.model import Code, Codebook, Passage, Suggestion, Transcript
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.database import Database, open_database
from codeer.store.suggestions import NewSuggestion, reject, sync_suggestions
from codeer.store.transcripts import save_transcript

pytest_plugins = ["conftest_backends"]


@pytest.fixture
def hand(db_url: str) -> Database:
    """Two transcripts; anouk coded only t1: A on passages 1 and 2 (a span), B on 2.

    Suggestions: A on t1#1 (0.9), t1#2 (0.8, rejected), t1#3 (0.4); B on t1#2 (0.2, under the threshold);
    A on t2#1 (0.9, a transcript anouk did not code); C of another codebook on t1#3 (0.9).
    """
    db = open_database(db_url)
    with db.session() as s:
        main, other = Codebook(key="main"), Codebook(key="other")
        s.add_all([main, other])
        s.flush()
        codes = {
            key: Code(codebook_id=book.id, key=key, name=key, keywords=["x"] * n, position=n)
            for key, book, n in [("A", main, 2), ("B", main, 1), ("D", main, 0), ("C", other, 1)]
        }
        s.add_all(codes.values())
        for key, count in [("t1", 3), ("t2", 2)]:
            turns = [Turn("Fatima", f"Zin {n} van {key}.") for n in range(count)]
            save_transcript(
                s, ParsedTranscript(key, Path(f"{key}.txt"), turns, content_hash=key), [[]] * count
            )
        s.flush()
        p = {
            (t, n): i
            for t, n, i in s.execute(select(Transcript.key, Passage.number, Passage.id).join(Transcript))
        }
        anouk = get_or_create_coder(s, "anouk").id
        a, b, c = codes["A"].id, codes["B"].id, codes["C"].id
        apply_coding(s, CodingKey(p["t1", 1], a, anouk))
        apply_coding(s, CodingKey(p["t1", 2], a, anouk, 0, 3))
        apply_coding(s, CodingKey(p["t1", 2], b, anouk))
        found = [
            (("t1", 1), a, 0.9),
            (("t1", 2), a, 0.8),
            (("t1", 3), a, 0.4),
            (("t1", 2), b, 0.2),
            (("t2", 1), a, 0.9),
            (("t1", 3), c, 0.9),
        ]
        sync_suggestions(
            s,
            [NewSuggestion(p[where], code, score, None, None, []) for where, code, score in found],
            code_ids=[a, b, c],
        )
        reject(s, s.scalar(select(Suggestion.id).where(Suggestion.score == 0.8)), anouk)
    yield db
    db.close()


def test_figures_by_hand(hand: Database) -> None:
    with hand.session() as s:
        result = evaluate(s, "anouk", min_score=0.3)
    assert (result.passages, result.transcripts) == (3, 1)
    by_code = {c.key: c for c in result.codes}
    assert list(by_code) == ["A", "B", "D"]  # the codebook anouk used
    a, b, d = by_code["A"].counts, by_code["B"].counts, by_code["D"].counts
    assert (a.human, a.auto, a.both) == (2, 3, 2)  # the rejected suggestion still counts
    assert (a.precision, a.recall, a.f1) == pytest.approx((2 / 3, 1.0, 0.8))
    assert (b.human, b.auto, b.both) == (1, 0, 0)
    assert math.isnan(b.precision) and (b.recall, b.f1) == (0.0, 0.0)
    assert (d.human, d.auto) == (0, 0) and math.isnan(d.f1)
    assert by_code["A"].keywords == 2
    m = result.micro
    assert (m.human, m.auto, m.both) == (3, 3, 2)
    assert (m.precision, m.recall, m.f1) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert (result.macro_precision, result.macro_recall, result.macro_f1) == pytest.approx((2 / 3, 0.5, 0.4))
    # units: passages 1-3 x codes A, B (D was applied by nobody); auto and human disagree on (3, A), (2, B)
    auto = [1, 1, 1, 0, 0, 0]
    human = [1, 1, 0, 0, 1, 0]
    expected = krippendorff.alpha(reliability_data=[auto, human], level_of_measurement="nominal")
    assert result.alpha == pytest.approx(expected) == pytest.approx(7 / 18)


def test_a_lower_threshold_and_another_codebook(hand: Database) -> None:
    with hand.session() as s:
        low = evaluate(s, "anouk", min_score=0.1)
        other = evaluate(s, "anouk", codebooks=["other"], min_score=0.3)
    assert {c.key: c.counts.auto for c in low.codes} == {"A": 3, "B": 1, "D": 0}
    assert [(c.key, c.counts.human, c.counts.auto) for c in other.codes] == [("C", 0, 1)]


def test_evaluating_against_a_coder_without_codings(hand: Database) -> None:
    with hand.session() as s:
        get_or_create_coder(s, "bram")
    with hand.session() as s, pytest.raises(CodeerError, match="bram has coded nothing"):
        evaluate(s, "bram")


def sample_counts(coder: str) -> dict[str, int]:
    """Passages per code that ``coder`` coded, straight from the sample's codings CSV."""
    with open(SAMPLE_CODINGS, encoding="utf-8") as handle:
        rows = {
            (r["transcript"], r["passage"], r["code"]) for r in csv.DictReader(handle) if r["coder"] == coder
        }
    counts: dict[str, int] = {}
    for _, _, code in rows:
        counts[code] = counts.get(code, 0) + 1
    return counts


@pytest.mark.parametrize("coder", ["anouk", "bram"])
def test_on_the_sample_study(sample_project: Path, coder: str) -> None:
    result = run_cli(sample_project, "autocode", "--evaluate", "--against", coder)
    assert result.code == 0, result.err
    assert f"auto vs {coder}: suggestions scoring >= 0.3" in result.out
    assert "micro (all units)" in result.out and "Krippendorff's alpha" in result.out
    db = open_database(f"sqlite:///{sample_project / 'codeer.db'}")
    with db.session() as s:
        evaluation = evaluate(s, coder, min_score=0.3)
    db.close()
    humans = {c.key: c.counts.human for c in evaluation.codes if c.counts.human}
    assert humans == sample_counts(coder)
    # every code of the sample codebook has keywords; most of what the coder coded is found
    assert all(c.keywords for c in evaluation.codes)
    assert evaluation.micro.recall >= 0.65
    assert evaluation.micro.precision >= 0.2
    assert evaluation.alpha > 0.3


def test_sample_suggestions_checked_by_hand(sample_project: Path) -> None:
    """A few passages read by a person: the suggestion is there, for the reason a coder would see."""
    assert run_cli(sample_project, "autocode", "--codebook", "persoonlijke-dienstverlening").code == 0
    db = open_database(f"sqlite:///{sample_project / 'codeer.db'}")
    with db.session() as s:
        rows = s.execute(
            select(Transcript.key, Passage.number, Code.key, Suggestion.triggers)
            .join(Passage, Passage.id == Suggestion.passage_id)
            .join(Transcript, Transcript.id == Passage.transcript_id)
            .join(Code, Code.id == Suggestion.code_id)
        ).all()
    db.close()
    found = {(t, n, c): {x["text"].lower() for x in triggers} for t, n, c, triggers in rows}
    # "De tweede keer had ik een monteur aan de lijn, en die wist precies waar ik het over had."
    assert "monteur" in found["vitens-q1", 22, "deskundigheid"]
    # a moderator's question is never a suggestion
    assert not any(n == 1 and t == "vitens-q1" for t, n, _ in found)
