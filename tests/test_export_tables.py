"""Table writers: RFC 4180 CSV, CSV for Dutch Excel, XLSX, the terminal, and the formula-injection guard.

Files are read back the way a spreadsheet user's tools read them: the csv module (``utf-8-sig``, ``;``) and
openpyxl; and, where LibreOffice is installed, LibreOffice itself converts them.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from codeer.errors import CodeerError
from codeer.export import tables
from codeer.export.tables import Table, neutralise, render_text, sheet_names, write_tables

TEXT = "Zoë zei: “één keer bellen”, dat is alles 😤"
COLUMNS = ["organisation", "code", "passages", "jaccard", "memo"]
ROWS = [
    ["Gemeente Utrecht", "wacht", 3, 0.25, '=HYPERLINK("http://x")'],
    ["Vitens", "emotie", -2, -0.5, "+31 6 1234"],
    ["RET", "contact", 0, None, TEXT],
    ["Belastingdienst", "-", 1, 1 / 3, "@SUM(A1)"],
]


def sample() -> Table:
    return Table("frequencies", COLUMNS, [list(r) for r in ROWS])


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_starts_a_formula_is_neutralised(start: str) -> None:
    assert neutralise(f"{start}1+1") == f"'{start}1+1"


def test_numbers_and_ordinary_text_are_left_alone() -> None:
    assert neutralise(-3) == -3 and neutralise(-0.5) == -0.5 and neutralise(0) == 0
    assert neutralise("Vitens") == "Vitens" and neutralise("") == "" and neutralise(None) is None
    assert neutralise("a=b") == "a=b"


def test_csv_is_rfc_4180_utf8(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    assert write_tables([sample()], path) == 4
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8").split("\r\n")
    assert lines[0] == "organisation,code,passages,jaccard,memo"
    assert lines[1] == 'Gemeente Utrecht,wacht,3,0.25,"\'=HYPERLINK(""http://x"")"'
    assert lines[2] == "Vitens,emotie,-2,-0.5,'+31 6 1234"
    assert lines[3] == f'RET,contact,0,,"{TEXT}"'
    assert lines[4] == f"Belastingdienst,'-,1,{1 / 3!r},'@SUM(A1)"
    assert lines[5] == ""  # every record ends with CRLF
    with path.open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle))[3][4] == TEXT


def test_excel_csv_has_bom_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    write_tables([sample()], path, excel=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == COLUMNS
    assert rows[1] == ["Gemeente Utrecht", "wacht", "3", "0,25", '\'=HYPERLINK("http://x")']
    assert rows[2] == ["Vitens", "emotie", "-2", "-0,5", "'+31 6 1234"]
    assert rows[3] == ["RET", "contact", "0", "", TEXT]
    assert rows[4][3] == repr(1 / 3).replace(".", ",")


def test_xlsx_has_a_sheet_per_table_with_numbers_as_numbers(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    other = Table("Vitens / Q1: [all]?", ["code", "passages"], [["wacht", 7]])
    assert write_tables([sample(), other], path) == 5
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["frequencies", "Vitens - Q1- -all--"]
    sheet = book["frequencies"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS and sheet["A1"].font.bold
    assert rows[1] == ("Gemeente Utrecht", "wacht", 3, 0.25, '\'=HYPERLINK("http://x")')
    assert rows[2] == ("Vitens", "emotie", -2, -0.5, "'+31 6 1234")
    assert rows[3][4] == TEXT and rows[3][3] is None
    assert sheet.freeze_panes == "A2"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula anywhere
    assert list(book["Vitens - Q1- -all--"].iter_rows(values_only=True)) == [
        ("code", "passages"),
        ("wacht", 7),
    ]


def test_a_table_longer_than_a_sheet_goes_on_in_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "XLSX_MAX_ROWS", 3)  # a header and two rows per sheet
    path = tmp_path / "t.xlsx"
    rows = ([i] for i in range(5))
    assert write_tables([Table("segments", ["n"], rows)], path) == 5
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["segments", "segments (2)", "segments (3)"]
    assert [r[0] for r in book["segments (3)"].iter_rows(values_only=True)] == ["n", 4]


def test_sheet_names_are_valid_and_distinct() -> None:
    names = list(sheet_names(["a" * 40, "a" * 40, "Totaal", "TOTAAL", "'quoted'", ""]))
    assert names[0] == "a" * 31 and names[1] == "a" * 27 + " (2)"
    assert names[2:4] == ["Totaal", "TOTAAL (2)"]
    assert names[4] == "quoted" and names[5] == "sheet"


def test_several_matrices_stack_into_one_csv_under_one_header(tmp_path: Path) -> None:
    first = Table("RET", ["organisation", "code", "a"], [["RET", "a", 1]])
    second = Table("Vitens", ["organisation", "code", "a"], [["Vitens", "a", 2]])
    path = tmp_path / "m.csv"
    assert write_tables([first, second], path) == 2
    assert path.read_text(encoding="utf-8").splitlines() == ["organisation,code,a", "RET,a,1", "Vitens,a,2"]
    with pytest.raises(ValueError):
        write_tables([first, Table("x", ["other"], [])], path)


def test_terminal_text_aligns_columns_and_right_aligns_numbers() -> None:
    text = render_text(
        [Table("t", ["code", "passages", "jaccard"], [["wacht", 12, 0.25], ["contactmoment", 3, None]])]
    )
    assert text.splitlines() == [
        "t",
        "code           passages  jaccard",
        "-------------  --------  -------",
        "wacht                12    0.250",
        "contactmoment         3",
    ]


def test_unknown_extensions_and_excel_for_xlsx_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CodeerError, match=r"cannot write \.txt"):
        write_tables([sample()], tmp_path / "t.txt")
    with pytest.raises(CodeerError, match="--excel is for .csv"):
        write_tables([sample()], tmp_path / "t.xlsx", excel=True)


def _libreoffice(tmp_path: Path, source: Path, target: str, infilter: str | None = None) -> Path:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed")
    out = tmp_path / "converted"
    command = [office, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", target, "--outdir", str(out), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    return out / f"{source.stem}.{target.split(':')[0]}"


def test_libreoffice_opens_the_xlsx_without_garbling(tmp_path: Path) -> None:
    path = tmp_path / "table.xlsx"
    write_tables([sample()], path)
    converted = _libreoffice(tmp_path, path, "csv:Text - txt - csv (StarCalc):44,34,76")
    with converted.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == COLUMNS
    assert rows[3][4] == TEXT
    assert rows[1][4] == '\'=HYPERLINK("http://x")'  # text, not a formula's result


def test_libreoffice_reads_the_excel_csv_as_dutch_excel_would(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    write_tables([sample()], path, excel=True)
    # ';' separated, '"' quoted, UTF-8 (76), from line 1, Dutch (1043) number format.
    converted = _libreoffice(tmp_path, path, "xlsx", infilter="CSV:59,34,76,1,,1043")
    rows = list(openpyxl.load_workbook(converted).active.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    assert rows[1][:4] == ("Gemeente Utrecht", "wacht", 3, 0.25)  # the decimal comma read as a number
    assert rows[2][2:4] == (-2, -0.5)
    assert rows[3][4] == TEXT
