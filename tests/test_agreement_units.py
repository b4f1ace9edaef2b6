"""``codeer agreement --unit sentence|char``, ``--overlap`` and ``--report`` on small projects whose values
are worked out by hand (and, for the report, the same content on SQLite and PostgreSQL).

The sentence project (``spans`` below), one transcript coded by anouk and bram:

    p1 "Eerste zin. Tweede zin."  sentences [0, 11) [12, 23)
        a: anouk whole passage; bram span [12, 18) ("Tweede")      -> sentences anouk 1 1, bram 0 1
    p2 "Alleen een zin."          no stored sentences: one sentence
        b: anouk span [0, 6); bram whole passage                   -> anouk 1, bram 1
    p3 "Nog een beurt hier."      b: anouk span [0, 9), bram span [1, 9): overlap 8/9
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from conftest import run_cli
from sqlalchemy import select

from codeer.agreement import krippendorff_alpha
from codeer.analysis.agreement_report import agreement_report, overlap_report
from codeer.analysis.reliability_report import gather, to_html, to_markdown
from codeer.model import Code, Codebook, Passage, Speaker, Transcript
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.consensus import settle
from codeer.store.database import Database, open_database

pytest_plugins = ["conftest_backends", "agreement_project"]  # agree, agree_project, db_url

PASSAGES = [
    ("Eerste zin. Tweede zin.", [[0, 11], [12, 23]]),
    ("Alleen een zin.", []),
    ("Nog een beurt hier.", []),
]
SPANS = [  # (passage, code, coder, span)
    (1, "a", "anouk", None),
    (1, "a", "bram", (12, 18)),
    (2, "b", "anouk", (0, 6)),
    (2, "b", "bram", None),
    (3, "b", "anouk", (0, 9)),
    (3, "b", "bram", (1, 9)),
]


def build_spans(url: str) -> Database:
    db = open_database(url)
    with db.session() as session:
        book = Codebook(key="cb", title="Test")
        book.codes = [Code(key=k, name=f"Code {k}", position=i) for i, k in enumerate("ab")]
        transcript = Transcript(key="s1", title="s1")
        transcript.passages = [Passage(number=n, text=t, sentences=s) for n, (t, s) in enumerate(PASSAGES, 1)]
        session.add_all([book, transcript])
        session.flush()
        codes = {c.key: c.id for c in book.codes}
        ids = {p.number: p.id for p in transcript.passages}
        for number, code, coder, span in SPANS:
            start, end = span or (None, None)
            coder_id = get_or_create_coder(session, coder).id
            apply_coding(session, CodingKey(ids[number], codes[code], coder_id, start, end))
    return db


@pytest.fixture
def spans(tmp_path: Path) -> Database:
    db = build_spans(f"sqlite:///{tmp_path / 'spans.db'}")
    yield db
    db.close()


def test_sentences_are_the_units_and_a_span_covers_the_sentences_it_touches(spans: Database) -> None:
    with spans.session() as session:
        report = agreement_report(session, ("anouk", "bram"), unit="sentence", bootstrap=0)
        passage = agreement_report(session, ("anouk", "bram"), bootstrap=0)
    assert (report.unit, report.units, report.passages) == ("sentence", 4, 3)
    rows = {row.code.ref if row.code else "ALL": row for row in report.rows}
    # a: anouk 1 1 0 0, bram 0 1 0 0; b: anouk 0 0 1 1, bram 0 0 1 1
    assert rows["a"].krippendorff_alpha == pytest.approx(krippendorff_alpha([[1, 1, 0, 0], [0, 1, 0, 0]]))
    assert rows["b"].krippendorff_alpha == pytest.approx(1.0)
    assert (rows["a"].units, rows["a"].disagreements, rows["a"].only) == (4, 1, (1, 0))
    assert passage.rows[0].krippendorff_alpha == pytest.approx(1.0)  # on passages, a agrees: both coded p1


def test_char_unit_counts_characters(spans: Database) -> None:
    with spans.session() as session:
        report = agreement_report(session, ("anouk", "bram"), unit="char", bootstrap=200)
    length = sum(len(t) for t, _ in PASSAGES)
    assert (report.unit, report.units, report.transcripts) == ("char", length, 1)
    a = report.rows[0]
    # a: anouk codes p1 entirely (23 characters), bram 6 of them: 6 by both, 17 by anouk only
    assert (a.applied_by_all, a.disagreements, a.only) == (6, 17, (17, 0))
    assert a.percent_agreement == pytest.approx((length - 17) / length)
    assert a.prevalence == pytest.approx((23 + 6) / (2 * length))
    assert a.krippendorff_alpha < 1 and report.rows[-1].code is None
    assert math.isnan(a.alpha_low)  # one transcript: nothing to resample


def test_overlap_is_intersection_over_union_and_kappa_uses_the_number_of_codes(spans: Database) -> None:
    with spans.session() as session:
        result = overlap_report(session, ("anouk", "bram"), None, (0.5, 0.88, 0.9, 1.0))
    rows = {(row.threshold, row.code.ref if row.code else "ALL"): row for row in result.rows}
    # a: [0, 23) against [12, 18): 6/23 -> unmatched at 0.5. b on p2: [0, 6) against [0, 15): 6/15;
    # b on p3: [0, 9) against [1, 9): 8/9 = 0.889 -> matched at 0.5 and 0.88, not at 0.9.
    assert (rows[0.5, "a"].matched, rows[0.5, "a"].unmatched) == ((0, 0), (1, 1))
    assert rows[0.88, "b"].matched == (1, 1) and rows[0.9, "b"].matched == (0, 0)
    pooled = rows[0.88, "ALL"]
    assert pooled.segments == (3, 3) and pooled.percent_agreement == pytest.approx(2 / 6)
    assert pooled.kappa == pytest.approx((2 / 6 - 1 / 2) / (1 - 1 / 2))  # k = 2 codes


def test_overlap_of_exactly_the_threshold_matches(spans: Database) -> None:
    with spans.session() as session:
        result = overlap_report(session, ("anouk", "bram"), None, (8 / 9,))
    assert next(r for r in result.rows if r.code and r.code.ref == "b").matched == (1, 1)


# --------------------------------------------------------------------------- the command


def test_cli_units_overlap_and_their_errors(agree_project: Path) -> None:
    result = run_cli(agree_project, "agreement", "--coders", "anouk,bram", "--unit", "char")
    assert result.code == 0, result.err
    assert "characters (7 passages) of 2 transcript(s)" in result.out
    result = run_cli(agree_project, "agreement", "--coders", "anouk,bram", "--overlap", "sweep")
    assert result.code == 0, result.err
    assert [line.split()[0] for line in result.out.splitlines() if line.split()[1:2] == ["ALL"]] == [
        "0.500", "0.600", "0.700", "0.800", "0.900", "1.000"
    ]  # fmt: skip
    for args, message in [
        (("--overlap", "0.9"), "--overlap compares two coders"),
        (("--coders", "anouk,bram", "--overlap", "90"), "between 0 and 1"),
        (("--coders", "anouk,bram", "--report", "r.txt"), "FILE.md or FILE.html"),
        (("--coders", "anouk,bram", "--pseudonymise"), "--pseudonymise applies"),
        (("--coders", "anouk,bram", "--by", "organisation", "--report", "r.md"), "leave out --by"),
        (("--coders", "anouk,bram", "--unit", "char", "--by", "organisation"), "not char"),
        (("--coders", "anouk,bram,carla", "--unit", "char"), None),
    ]:
        result = run_cli(agree_project, "agreement", *args)
        if message is None:  # three coders share t1 only: char uses it and says t2 was left out
            assert result.code == 0 and "of 1 transcript(s) coded by every one of them" in result.out
        else:
            assert result.code == 2 and message in result.err, (args, result.err)


# --------------------------------------------------------------------------- the report


def settle_with_a_name(db: Database) -> None:
    """Speaker Jan Jansen says t1 #4; the consensus coder settles it with a note that names him."""
    with db.session() as session:
        t1 = session.scalar(select(Transcript).where(Transcript.key == "t1"))
        speaker = Speaker(transcript_id=t1.id, name="Jan Jansen")
        session.add(speaker)
        session.flush()
        passage = session.scalar(select(Passage).where(Passage.transcript_id == t1.id, Passage.number == 4))
        passage.speaker_id = speaker.id
        passage.text = "Ik ben Jan Jansen en het duurde te lang."
        session.flush()
        settle(session, passage.id, "anouk", ("anouk", "bram"), note="Jan bedoelde de rekening")


def report_text(db: Database, suffix: str, unit: str = "passage", pseudonymise: bool = False) -> str:
    with db.session() as session:
        table = agreement_report(session, ("anouk", "bram"), unit=unit, bootstrap=200)
        facts = gather(session, table, 200, pseudonymise)
    return to_html(facts) if suffix == ".html" else to_markdown(facts)


def test_report_says_what_a_methods_section_needs(agree: Database) -> None:
    settle_with_a_name(agree)
    text = report_text(agree, ".md")
    for needed in [
        "## Unit of analysis",
        "The unit of analysis is the passage",
        "Coders compared: anouk, bram.",
        "Transcripts coded by two or more of them: 2 of 5.",
        "Passages in those transcripts: 7 of 13 (54%)",
        "| a | Code a | 7 | 0.429 | 0.458 |",
        "below 0.667",
        "## How disagreements were settled",
        "1 passage(s) settled by consensus:",
        "| keep anouk | 1 |",
        "Ik ben Jan Jansen",
        "## For the methods section",
        "Intercoder reliability was assessed on 2 of 5 transcripts",
        "(Hayes & Krippendorff, 2007)",
        "O'Connor, C., & Joffe, H. (2020)",
    ]:
        assert needed in text, needed
    hidden = report_text(agree, ".md", pseudonymise=True)
    assert "Jansen" not in hidden and "Ik ben P01 en het duurde" in hidden and "note: P01 bedoelde" in hidden
    html = report_text(agree, ".html", pseudonymise=True)
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html and "src=" not in html
    assert "Ik ben P01" in html and "Jansen" not in html


def test_report_on_characters_names_atlas_ti_and_the_cu_rows(agree: Database) -> None:
    text = report_text(agree, ".md", unit="char")
    assert (
        "ATLAS.ti: alpha binary" in text and "N (characters)" in text and "Krippendorff et al., 2016" in text
    )


def test_the_report_is_the_same_on_sqlite_and_postgresql(tmp_path: Path, pg_url: str) -> None:
    from agreement_project import build

    texts = []
    for url in (f"sqlite:///{tmp_path / 'a.db'}", pg_url):
        db = build(url)
        settle_with_a_name(db)
        texts.append(
            (
                report_text(db, ".md"),
                report_text(db, ".md", unit="sentence"),
                report_text(db, ".html", unit="char", pseudonymise=True),
            )
        )
        db.close()
    assert texts[0] == texts[1]


def test_cli_writes_the_report(agree_project: Path) -> None:
    out = agree_project / "report.html"
    result = run_cli(
        agree_project, "agreement", "--coders", "anouk,bram", "--report", str(out), "--unit", "sentence"
    )
    assert result.code == 0, result.err
    assert "The unit of analysis is the sentence" in out.read_text(encoding="utf-8")


def test_every_unit_has_a_seeded_interval_and_the_probabilities_under_the_minimums(
    agree_project: Path,
) -> None:
    for unit in ("passage", "sentence", "char"):
        tables = []
        for _ in range(2):
            out = agree_project / f"{unit}.csv"
            result = run_cli(
                agree_project, "agreement", "--coders", "anouk,bram", "--unit", unit, "-o", str(out)
            )
            assert result.code == 0, result.err
            tables.append(list(csv.DictReader(out.open(encoding="utf-8", newline=""))))
        assert tables[0] == tables[1]  # the same data, the same interval: the bootstrap is seeded
        pooled = tables[0][-1]
        assert pooled["code"] == "ALL" and pooled["alpha_ci_low"] and pooled["prevalence"]
        low, high = float(pooled["alpha_ci_low"]), float(pooled["alpha_ci_high"])
        assert (
            low <= high
            and 0 <= float(pooled["p_alpha_below_0.667"]) <= float(pooled["p_alpha_below_0.800"]) <= 1
        )


def test_char_rows_equal_the_naive_definition_on_the_projects_text(agree: Database) -> None:
    """The database's codings laid out by hand, character by character, give the same alphas."""
    from agreement_project import CODINGS, TEXT, TRANSCRIPTS
    from test_agreement_unitized import naive_alpha

    with agree.session() as session:
        report = agreement_report(session, ("anouk", "bram"), unit="char", bootstrap=0)
    shared = ["t1", "t2"]  # the transcripts both coded, in order

    def coded(code: str, coder: str, transcript: str) -> list[bool]:
        marks = [False] * (len(TEXT) * TRANSCRIPTS[transcript][1])
        for t, number, c, who, span in CODINGS:
            if (t, c, who) == (transcript, code, coder):
                start, end = span or (0, len(TEXT))
                for x in range(start, end):
                    marks[(number - 1) * len(TEXT) + x] = True
        return marks

    sums = [0.0, 0.0]
    for row in report.rows[:-1]:
        d_o, d_e = naive_alpha([[coded(row.code.key, k, t) for k in ("anouk", "bram")] for t in shared])
        assert row.krippendorff_alpha == pytest.approx(1 - d_o / d_e, abs=1e-12), row.code.key
        sums = [sums[0] + d_o, sums[1] + d_e]
    assert report.rows[-1].krippendorff_alpha == pytest.approx(1 - sums[0] / sums[1], abs=1e-12)
    assert report.units == len(TEXT) * 7


def test_cu_alpha_rows_for_a_parent_with_sub_codes(tmp_path: Path) -> None:
    db = build_spans(f"sqlite:///{tmp_path / 'tree.db'}")
    with db.session() as session:
        book = session.scalar(select(Codebook))
        parent = Code(codebook_id=book.id, key="p", name="Parent", position=9)
        session.add(parent)
        session.flush()
        for code in session.scalars(select(Code).where(Code.key.in_(["a", "b"]))):
            code.parent_id = parent.id
    with db.session() as session:
        report = agreement_report(session, ("anouk", "bram"), unit="char", bootstrap=100)
    db.close()
    (cu,) = report.cu
    # both coders coded a sub-code on p1 [12, 18) (a, a), p2 [0, 6) (b, b), p3 [1, 9) (b, b): all agree
    assert (cu.code.key, cu.units, cu.krippendorff_alpha) == ("p", 6 + 6 + 8, 1.0)


def test_report_lists_the_codes_first_applied_after_coding_began(agree: Database) -> None:
    from datetime import timedelta

    from codeer.model import CodingEvent

    with agree.session() as session:
        for event in session.scalars(select(CodingEvent).where(CodingEvent.code_key == "d")):
            event.at = event.at + timedelta(days=3)
    text = report_text(agree, ".md")
    assert "- d (Code d) was first applied on " in text and "- b (Code b)" not in text


def test_one_transcript_gives_no_character_interval(agree: Database) -> None:
    with agree.session() as session:
        report = agreement_report(session, ("anouk", "bram", "carla"), unit="char")
    assert (report.transcripts, report.left_out) == (1, 1)  # t1; t2 lacks carla
    assert all(math.isnan(row.alpha_low) and math.isnan(row.below_tentative) for row in report.rows)
    assert not math.isnan(report.rows[-1].krippendorff_alpha)
