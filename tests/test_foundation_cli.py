"""The foundation end to end through the ``codeer`` command, on the bundled sample study and on bad input."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE_CODINGS, SAMPLE_TRANSCRIPTS, load_sample
from sqlalchemy import func, select

from codeer.model import Passage, Transcript, TranscriptAttribute
from codeer.store.database import open_database
from codeer.store.dump import content_checksum

EXPECTED_PASSAGES = {
    "belastingdienst-q1": 66, "belastingdienst-q2": 63,
    "belastingdienst-q3": 66, "belastingdienst-q4": 62,
    "gemeente-utrecht-q1": 60, "gemeente-utrecht-q2": 61,
    "gemeente-utrecht-q3": 62, "gemeente-utrecht-q4": 68,
    "ret-q1": 57, "ret-q2": 56, "ret-q3": 54, "ret-q4": 53,
    "vitens-q1": 63, "vitens-q2": 59, "vitens-q3": 54, "vitens-q4": 57,
}  # fmt: skip


def checksum(project: Path) -> str:
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    try:
        return content_checksum(db)
    finally:
        db.close()


def test_sample_study_imports_with_its_passages_and_attributes(sample_project: Path) -> None:
    db = open_database(f"sqlite:///{sample_project / 'codeer.db'}")
    with db.session() as s:
        counts = dict(
            s.execute(
                select(Transcript.key, func.count(Passage.id)).join(Passage).group_by(Transcript.key)
            ).all()
        )
        attributes = s.execute(
            select(Transcript.key, TranscriptAttribute.name, TranscriptAttribute.value).join(
                TranscriptAttribute
            )
        ).all()
    db.close()
    assert counts == EXPECTED_PASSAGES
    by_key: dict[str, dict[str, str]] = {}
    for key, name, value in attributes:
        by_key.setdefault(key, {})[name] = value
    for key, attrs in by_key.items():
        organisation, quadrant = key.rsplit("-", 1)
        assert attrs["quadrant"] == quadrant.upper()
        assert attrs["organisation"].lower().replace(" ", "-") == organisation
        assert attrs["informatie"] in {"zoeker", "niet-zoeker"}
        assert attrs["besluit"] in {"zelfstandig", "geleid"}
    assert len(by_key) == 16


def test_importing_again_changes_nothing(sample_project: Path, cli) -> None:
    before = checksum(sample_project)
    result = cli("import", str(SAMPLE_TRANSCRIPTS))
    assert result.code == 0
    assert "0 new, 0 updated, 16 unchanged" in result.out
    result = cli("codings", "import", str(SAMPLE_CODINGS))
    assert "0 added" in result.out
    assert checksum(sample_project) == before


def test_one_bad_file_refuses_the_whole_import(project: Path, cli, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SAMPLE_TRANSCRIPTS, folder)
    (folder / "kapot.txt").write_bytes(b"\x00\x01\x02binary junk\xff")
    cli("status")
    before = checksum(project)
    result = cli("import", str(folder))
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "kapot.txt" in lines[0]
    assert checksum(project) == before


def read_csv(path: Path) -> list[tuple[str, ...]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sorted(tuple(row.values()) for row in csv.DictReader(handle))


def test_codings_of_two_coders_export_back_equal(sample_project: Path, cli, tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    result = cli("codings", "export", str(out))
    assert result.code == 0
    assert read_csv(out) == read_csv(SAMPLE_CODINGS)
    one = tmp_path / "bram.csv"
    cli("codings", "export", str(one), "--coder", "bram")
    assert read_csv(one) == [row for row in read_csv(SAMPLE_CODINGS) if row[3] == "bram"]


def test_codings_round_trip_into_a_fresh_project(sample_project: Path, tmp_path: Path) -> None:
    from conftest import run_cli

    exported = tmp_path / "export.csv"
    run_cli(sample_project, "codings", "export", str(exported))
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    for codebook in sorted((SAMPLE_TRANSCRIPTS.parent / "codebooks").glob("*.yaml")):
        run_cli(fresh, "codebook", "load", str(codebook))
    run_cli(fresh, "import", str(SAMPLE_TRANSCRIPTS))
    assert run_cli(fresh, "codings", "import", str(exported)).code == 0
    again = tmp_path / "again.csv"
    run_cli(fresh, "codings", "export", str(again))
    assert again.read_bytes() == exported.read_bytes()


BAD_ROWS = [
    ("vitens-q9,3,snelheid,anouk,,,", "unknown transcript 'vitens-q9'; did you mean"),
    ("vitens-q1,999,snelheid,anouk,,,", "transcript 'vitens-q1' has no passage 999 (it has 1–63)"),
    ("vitens-q1,3,snelhied,anouk,,,", "unknown code 'snelhied'"),
    ("vitens-q1,3,snelheid,anouk,5,9999,", "span 5:9999 is outside passage 3"),
    ("vitens-q1,3,snelheid,anouk,7,,", "give both start and end"),
    ("vitens-q1,drie,snelheid,anouk,,,", "passage 'drie' is not a number"),
    ("vitens-q1,3,snelheid,,,,", "the coder column is empty"),
]


def test_a_bad_codings_file_is_refused_whole_with_one_line_per_problem(
    sample_project: Path, cli, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    good = "vitens-q1,2,snelheid,chris,,,"
    bad.write_text(
        "transcript,passage,code,coder,start,end,memo\n"
        + good
        + "\n"
        + "\n".join(r for r, _ in BAD_ROWS)
        + "\n",
        encoding="utf-8",
    )
    before = checksum(sample_project)
    result = cli("codings", "import", str(bad))
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == len(BAD_ROWS)
    for number, (line, (_, message)) in enumerate(zip(lines, BAD_ROWS, strict=True), start=3):
        assert line.startswith(f"{bad}:{number}: ")
        assert message in line
    assert checksum(sample_project) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("transcript,passage,code\nvitens-q1,1,snelheid\n", "missing column(s) coder"),
        ("", "empty file"),
    ],
)
def test_codings_file_structure_errors(sample_project: Path, cli, tmp_path: Path, content: str, message: str):
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    result = cli("codings", "import", str(bad))
    assert result.code == 2 and message in result.err and str(bad) in result.err


def test_codings_from_a_dutch_excel_sheet(sample_project: Path, cli, tmp_path: Path) -> None:
    sheet = tmp_path / "excel.csv"
    sheet.write_bytes(
        "transcript;passage;code;coder;start;end;memo\r\nvitens-q1;2;snelheid;chris;;;één\r\n".encode(
            "utf-8-sig"
        )
    )
    assert cli("codings", "import", str(sheet)).code == 0
    out = tmp_path / "out.csv"
    cli("codings", "export", str(out), "--coder", "chris")
    assert read_csv(out) == [("vitens-q1", "2", "snelheid", "chris", "", "", "één")]


def test_status_counts_per_coder(sample_project: Path, cli) -> None:
    result = cli("status")
    assert result.code == 0
    assert "transcripts  16" in result.out
    assert "passages     961" in result.out
    assert "anouk" in result.out and "bram" in result.out


def test_load_sample_is_what_make_run_does(project: Path) -> None:
    load_sample(project)
    assert (project / "codeer.db").exists()


def test_project_and_database_options_work_after_the_command_too(
    sample_project: Path, tmp_path: Path
) -> None:
    from conftest import run_cli

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    url = f"sqlite:///{sample_project / 'codeer.db'}"
    result = run_cli(elsewhere, "status", "--db", url)
    assert result.code == 0 and "transcripts  16" in result.out
    out = tmp_path / "bram.csv"
    # export's own --coder (which coders to export) keeps its meaning after the command
    assert (
        run_cli(
            elsewhere, "codings", "export", str(out), "--project", str(sample_project), "--coder", "bram"
        ).code
        == 0
    )
    assert {row[3] for row in read_csv(out)} == {"bram"}
