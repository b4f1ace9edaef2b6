"""``codeer export frequencies|cooccurrence|segments|codebook|all`` on the hand-made project of
analysis_project (expected values worked out there), and smoke tests on the bundled sample study."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli
from sqlalchemy import delete, func, select

from codeer.export.standard import export_all
from codeer.model import Coding, TranscriptAttribute
from codeer.store.database import open_database

pytest_plugins = ["conftest_backends", "analysis_project"]  # the `hand_project` fixture


def read_csv(path: Path, excel: bool = False) -> list[list[str]]:
    encoding, delimiter = ("utf-8-sig", ";") if excel else ("utf-8", ",")
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def export(project: Path, *args: str) -> list[list[str]]:
    out = project / "out.csv"
    result = run_cli(project, "export", *args, "-o", str(out))
    assert result.code == 0, result.err
    return read_csv(out)


def test_frequencies_long_format(hand_project: Path) -> None:
    rows = export(hand_project, "frequencies", "--by", "organisation")
    assert rows[0][:7] == [
        "organisation",
        "code",
        "passages",
        "speakers",
        "transcripts",
        "share",
        "group_passages",
    ]
    assert rows[0][7:] == ["name", "path", "codebook"]
    assert [r[:5] for r in rows[1:]] == [
        ["RET", "emotie-pos", "1", "1", "1"],
        ["RET", "emotie-neg", "3", "2", "2"],
        ["RET", "wacht", "3", "3", "3"],
        ["RET", "contact", "2", "1", "1"],
        ["Vitens", "emotie", "1", "1", "1"],
        ["Vitens", "emotie-pos", "2", "2", "2"],
        ["Vitens", "emotie-neg", "1", "1", "1"],
        ["Vitens", "wacht", "3", "3", "2"],
        ["Vitens", "contact", "3", "3", "2"],
    ]
    assert rows[1][5:] == ["0.1", "10", "Emotie-Pos", "Emotie > Emotie-Pos", "cb"]


def test_frequencies_for_one_coder_per_organisation_and_quadrant(hand_project: Path) -> None:
    rows = export(hand_project, "frequencies", "--by", "organisation,quadrant", "--coder", "anouk")
    assert rows[0][:6] == ["organisation", "quadrant", "code", "passages", "speakers", "transcripts"]
    assert [r[:6] for r in rows[1:]] == [
        ["RET", "", "wacht", "1", "1", "1"],
        ["RET", "Q1", "emotie-neg", "1", "1", "1"],
        ["RET", "Q1", "contact", "2", "1", "1"],
        ["RET", "Q2", "emotie-pos", "1", "1", "1"],
        ["Vitens", "Q1", "emotie-pos", "1", "1", "1"],
        ["Vitens", "Q1", "emotie-neg", "1", "1", "1"],
        ["Vitens", "Q1", "wacht", "1", "1", "1"],
        ["Vitens", "Q2", "emotie", "1", "1", "1"],
        ["Vitens", "Q2", "wacht", "1", "1", "1"],
        ["Vitens", "Q2", "contact", "1", "1", "1"],
    ]


def test_frequencies_wide_has_every_code_and_every_group(hand_project: Path) -> None:
    assert export(hand_project, "frequencies", "--by", "quadrant", "--wide") == [
        ["code", "name", "(none)", "Q1", "Q2", "total"],
        ["emotie", "Emotie", "0", "0", "1", "1"],
        ["emotie-pos", "Emotie-Pos", "0", "1", "2", "3"],
        ["emotie-neg", "Emotie-Neg", "0", "3", "1", "4"],
        ["wacht", "Wacht", "1", "3", "2", "6"],
        ["contact", "Contact", "0", "3", "2", "5"],
    ]
    rolled = export(
        hand_project, "frequencies", "--by", "organisation", "--wide", "--rollup", "--measure", "speakers"
    )
    assert rolled[0] == ["code", "name", "RET", "Vitens", "total"]
    assert rolled[1] == ["emotie", "Emotie", "2", "4", "6"]


def test_cooccurrence_pairs_with_jaccard(hand_project: Path) -> None:
    rows = export(hand_project, "cooccurrence", "--by", "quadrant")
    assert rows[0][:5] == ["quadrant", "code_a", "code_b", "passages", "jaccard"]
    got = [(r[0], r[1], r[2], int(r[3]), float(r[4])) for r in rows[1:]]
    assert got == [
        ("Q1", "emotie-pos", "wacht", 1, pytest.approx(1 / 3)),
        ("Q1", "emotie-neg", "wacht", 2, 0.5),
        ("Q1", "emotie-neg", "contact", 2, 0.5),
        ("Q1", "wacht", "contact", 1, 0.2),
        ("Q2", "emotie", "contact", 1, 0.5),
        ("Q2", "emotie-pos", "emotie-neg", 1, 0.5),
        ("Q2", "emotie-pos", "contact", 1, pytest.approx(1 / 3)),
    ]
    assert rows[2][5:9] == ["0.6666666666666666", "0.6666666666666666", "3", "3"]  # shares, n_a, n_b


def test_cooccurrence_matrix_per_group_in_a_workbook(hand_project: Path) -> None:
    path = hand_project / "m.xlsx"
    result = run_cli(
        hand_project, "export", "cooccurrence", "--by", "organisation", "--matrix", "jaccard", "-o", str(path)
    )
    assert result.code == 0, result.err
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["RET", "Vitens"]
    rows = list(book["RET"].iter_rows(values_only=True))
    assert rows[0] == ("organisation", "code", "emotie", "emotie-pos", "emotie-neg", "wacht", "contact")
    assert rows[1] == ("RET", "emotie", 0, 0, 0, 0, 0)
    assert rows[3][:2] == ("RET", "emotie-neg")
    assert rows[3][2:] == pytest.approx((0, 1 / 3, 1, 0.2, 2 / 3))
    counts = export(hand_project, "cooccurrence", "--by", "organisation", "--matrix")
    assert counts[0] == ["organisation", "code", "emotie", "emotie-pos", "emotie-neg", "wacht", "contact"]
    assert counts[3] == ["RET", "emotie-neg", "0", "1", "3", "1", "2"]
    assert counts[6] == ["Vitens", "emotie", "1", "0", "0", "0", "1"]  # the groups stack under one header


def test_segments_quote_spans_and_pseudonymise_speakers(hand_project: Path) -> None:
    from codeer.model import Passage, Transcript
    from codeer.store.workbench import coder_id, set_passage_memo

    db = open_database(f"sqlite:///{hand_project / 'codeer.db'}")
    with db.session() as s:  # anouk's memo on t1's passage 3 (`m` in the workbench)
        t1 = select(Passage.id).join(Transcript).where(Transcript.key == "t1", Passage.number == 3)
        passage = s.scalar(t1)
        set_passage_memo(s, coder_id(s, "anouk"), passage, "Bert twijfelt")
    db.close()
    path = hand_project / "s.csv"
    assert run_cli(hand_project, "export", "segments", "--pseudonymise", "--excel", "-o", str(path)).code == 0
    rows = read_csv(path, excel=True)
    header = rows[0]
    assert header == [
        "transcript", "title", "passage", "time", "speaker", "organisation", "quadrant", "speaker.rol",
        "code", "code_name", "coder", "start", "end", "memo", "passage_memo", "text",
    ]  # fmt: skip
    assert len(rows) - 1 == 22  # every coding of analysis_project.CODINGS
    by = {(r[0], r[2], r[8], r[10]): dict(zip(header, r, strict=True)) for r in rows[1:]}
    bert = by[("t1", "3", "wacht", "anouk")]
    assert (bert["speaker"], bert["time"], bert["speaker.rol"]) == ("P02", "0:03:03", "deelnemer")
    assert bert["text"] == "P01 zei het al, maar ik wachtte weken op antwoord."
    assert bert["memo"] == "P01 noemt dit ook"
    assert bert["passage_memo"] == "P02 twijfelt"  # the coder's memo on the passage, pseudonymised too
    assert by[("t1", "3", "wacht", "bram")]["passage_memo"] == ""  # bram wrote none there
    span = by[("t1", "3", "emotie-neg", "anouk")]
    assert (span["start"], span["end"], span["text"], span["memo"]) == (
        "22",
        "50",
        "ik wachtte weken op antwoord",
        "'-boos",
    )
    assert by[("t1", "2", "wacht", "carla")]["memo"] == '\'=HYPERLINK("http://x")'
    assert by[("t2", "1", "wacht", "anouk")]["speaker"] == "M"
    assert by[("t5", "2", "wacht", "anouk")]["quadrant"] == ""
    assert by[("t4", "3", "wacht", "carla")]["speaker.rol"] == ""
    assert "Anna" not in path.read_text(encoding="utf-8-sig") and "Bert" not in path.read_text(
        encoding="utf-8-sig"
    )
    plain = export(hand_project, "segments", "--coder", "bram")
    assert {r[10] for r in plain[1:]} == {"bram"} and {r[4] for r in plain[1:]} == {"Anna", "Bert"}


def test_codebook_with_definitions_and_counts(hand_project: Path) -> None:
    rows = export(hand_project, "codebook")
    header = rows[0]
    table = {r[1]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert list(table) == ["emotie", "emotie-pos", "emotie-neg", "wacht", "contact"]
    emotie = table["emotie"]
    assert emotie["definition"] == "Definitie van emotie" and emotie["parent"] == ""
    counts = ("codings", "coders", "passages", "transcripts", "passages_with_subcodes")
    assert [emotie[k] for k in counts] == ["1", "1", "1", "1", "7"]
    assert [table["wacht"][k] for k in ("codings", "coders", "passages", "transcripts")] == [
        "7",
        "3",
        "6",
        "5",
    ]
    assert table["emotie-neg"]["parent"] == "emotie" and table["emotie-neg"]["path"] == "Emotie > Emotie-Neg"


def test_export_all_writes_the_standard_set(hand_project: Path) -> None:
    result = run_cli(hand_project, "export", "all")
    assert result.code == 0, result.err
    folder = hand_project / "exports"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [
            "frequencies.csv",
            "frequencies-organisation.csv",
            "frequencies-quadrant.csv",
            "frequencies-organisation-quadrant.csv",
            "cooccurrence-organisation.csv",
            "cooccurrence-quadrant.csv",
            "segments.csv",
            "codebook.csv",
        ]
    )
    same = export(hand_project, "cooccurrence", "--by", "organisation")
    assert read_csv(folder / "cooccurrence-organisation.csv") == same
    assert read_csv(folder / "frequencies-organisation-quadrant.csv") == export(
        hand_project, "frequencies", "--by", "organisation,quadrant"
    )


def test_export_all_reports_progress_by_table_and_transcript(hand_project: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    db = open_database(f"sqlite:///{hand_project / 'codeer.db'}")
    with db.session() as session:
        report = export_all(
            session, hand_project / "x", skip=("codebook",), progress=lambda *a: seen.append(a)
        )
    db.close()
    assert seen[0] == (0, 7, "frequencies") and seen[-1] == (7, 7, "done")
    segments = [label for done, _, label in seen if done == 6]
    assert segments == ["segments", *(f"segments, transcript {i}/5" for i in range(1, 6))]
    assert len(report.written) == 7 and not report.skipped


def test_export_all_as_workbooks_skipping_tables_and_missing_attributes(hand_project: Path) -> None:
    db = open_database(f"sqlite:///{hand_project / 'codeer.db'}")
    with db.session() as session:
        session.execute(delete(TranscriptAttribute).where(TranscriptAttribute.name == "quadrant"))
    db.close()
    out = hand_project / "tables"
    result = run_cli(
        hand_project, "export", "all", "--format", "xlsx", "--dir", str(out), "--skip", "segments"
    )
    assert result.code == 0, result.err
    assert "frequencies-quadrant: skipped, no attribute quadrant in this project" in result.out
    assert sorted(p.name for p in out.iterdir()) == [
        "codebook.xlsx",
        "cooccurrence-organisation.xlsx",
        "frequencies-organisation.xlsx",
        "frequencies.xlsx",
    ]
    rows = list(
        openpyxl.load_workbook(out / "frequencies-organisation.xlsx").active.iter_rows(values_only=True)
    )
    assert rows[2][:5] == ("RET", "emotie-neg", 3, 2, 2)


def test_without_output_the_table_is_printed_aligned(hand_project: Path) -> None:
    result = run_cli(hand_project, "export", "frequencies", "--by", "organisation", "--coder", "carla")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "frequencies"
    assert lines[1].split()[:5] == ["organisation", "code", "passages", "speakers", "transcripts"]
    assert lines[3].split()[:5] == ["RET", "emotie-neg", "1", "1", "1"]
    assert lines[1].index("passages") + len("passages") == lines[3].index("1") + 1  # numbers right-aligned


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["frequencies", "--by", "organisatie"],
            "unknown attribute 'organisatie'; did you mean 'organisation'?",
        ),
        (["cooccurrence", "--by", "speaker.role"], "speaker attributes: rol"),
        (["frequencies", "--coder", "anoek"], "unknown coder 'anoek'; did you mean 'anouk'?"),
        (["frequencies", "--excel"], "--excel needs -o FILE.csv"),
        (["segments", "-o", "quotes.txt"], "cannot write .txt"),
        (["all", "--skip", "quotes"], "no standard table quotes"),
    ],
)
def test_mistakes_are_one_line_errors(hand_project: Path, args: list[str], message: str) -> None:
    result = run_cli(hand_project, "export", *args)
    assert result.code == 2
    assert message in result.err and len(result.err.strip().splitlines()) == 1


def test_sample_study_exports(sample_project: Path) -> None:
    result = run_cli(sample_project, "export", "all", "--excel")
    assert result.code == 0, result.err
    folder = sample_project / "exports"
    freq = read_csv(folder / "frequencies-organisation-quadrant.csv", excel=True)
    assert freq[0][:3] == ["organisation", "quadrant", "code"] and len(freq) > 1
    db = open_database(f"sqlite:///{sample_project / 'codeer.db'}")
    with db.session() as session:
        codings = session.scalar(select(func.count()).select_from(Coding))
    db.close()
    assert len(read_csv(folder / "segments.csv", excel=True)) - 1 == codings
    pairs = read_csv(folder / "cooccurrence-quadrant.csv", excel=True)
    assert all(0 < float(r[4].replace(",", ".")) <= 1 for r in pairs[1:])
    result = run_cli(
        sample_project, "export", "frequencies", "--by", "rol", "--coder", "anouk,bram", "--wide"
    )
    assert result.code == 0, result.err and "deelnemer" in result.out
