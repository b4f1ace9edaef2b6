"""Metadata from front matter, metadata.csv, sidecar YAML and speakers.csv; and finding transcript files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from codeer.errors import CodeerError
from codeer.ingest import SUPPORTED, discover, parse_file

DATA = Path(__file__).parent / "data" / "ingest"
META = DATA / "meta"


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A writable copy of the metadata folder."""
    return Path(shutil.copytree(META, tmp_path / "study"))


def test_supported() -> None:
    assert SUPPORTED == (".txt", ".md", ".markdown", ".vtt", ".srt", ".docx")


def test_discover_folder_skips_hidden_sheets_sidecars_and_lock_files() -> None:
    assert discover([META]) == [
        META / "interview-7.txt",
        META / "ret-q2.vtt",
        META / "sidecar-wins.srt",
        META / "sub" / "nested.md",
    ]


def test_discover_direct_files_and_duplicates() -> None:
    found = discover([META / "ret-q2.vtt", META, META / "ret-q2.vtt"])
    assert found[0] == META / "ret-q2.vtt"
    assert len(found) == 4


def test_discover_errors() -> None:
    with pytest.raises(CodeerError) as missing:
        discover([DATA / "nope"])
    assert missing.value.path == str(DATA / "nope")
    with pytest.raises(CodeerError) as unsupported:
        discover([META / "notes.csv"])
    assert unsupported.value.path == str(META / "notes.csv")
    assert ".docx" in unsupported.value.message


def test_metadata_csv_semicolons_bom_file_name_match_and_speakers_csv() -> None:
    t = parse_file(META / "ret-q2.vtt")
    assert t.key == "ret-q2"
    assert t.attributes == {"organisation": "Gemeente Utrecht", "date": "2021-03-09", "group": "retail"}
    assert t.title == "ret-q2"  # the Title column is empty for this row
    # the empty-transcript row applies to Moderator (who speaks here), not to the absent "Nobody Here"
    assert t.speakers == {
        "Moderator": {"role": "moderator"},
        "Anna de Vries": {"role": "participant", "gender": "v"},
    }


def test_metadata_csv_overrides_front_matter_and_matches_stem_ignoring_case() -> None:
    t = parse_file(META / "interview-7.txt")
    assert t.title == "Interview zeven"
    assert t.attributes == {"organisation": "Bakkerij de Korenaar", "region": "Noord", "date": "2021-04-01"}
    assert t.speakers == {"Bakker": {"role": "eigenaar"}}


def test_sidecar_overrides_metadata_csv_and_speakers_csv() -> None:
    t = parse_file(META / "sidecar-wins.srt")
    assert t.key == "sw-1"
    assert t.attributes == {"organisation": "Sidecar org", "date": "2021-06-01", "group": "csvgroep"}
    # speakers.csv found the row by the sidecar's id; the sidecar's role wins, the sheet's gender stays
    assert t.speakers == {"Moderator": {"role": "moderator"}, "P1": {"role": "deelnemer", "gender": "m"}}


def test_editing_the_sheet_changes_hash_and_is_reread(study: Path) -> None:
    before = parse_file(study / "ret-q2.vtt")
    sheet = study / "metadata.csv"
    sheet.write_text(sheet.read_text(encoding="utf-8-sig").replace("Gemeente Utrecht", "Gemeente Zeist"))
    after = parse_file(study / "ret-q2.vtt")
    assert after.attributes["organisation"] == "Gemeente Zeist"
    assert after.content_hash != before.content_hash


def test_duplicate_sheet_row(study: Path) -> None:
    with (study / "metadata.csv").open("a", encoding="utf-8") as sheet:
        sheet.write("ret-q2;Andere;2022-01-01;;;\n")
    with pytest.raises(CodeerError) as error:
        parse_file(study / "ret-q2.vtt")
    assert error.value.path == str(study / "metadata.csv")
    assert error.value.line == 6


def test_sheet_without_transcript_column(study: Path) -> None:
    (study / "metadata.csv").write_text("file,organisation\nret-q2.vtt,X\n")
    with pytest.raises(CodeerError) as error:
        parse_file(study / "ret-q2.vtt")
    assert (error.value.path, error.value.line) == (str(study / "metadata.csv"), 1)
    assert "transcript" in error.value.message


def test_sheet_row_with_too_many_cells(study: Path) -> None:
    (study / "speakers.csv").write_text("transcript,speaker,role\nret-q2,Anna,x,extra\n")
    with pytest.raises(CodeerError) as error:
        parse_file(study / "ret-q2.vtt")
    assert (error.value.path, error.value.line) == (str(study / "speakers.csv"), 2)


def test_broken_sidecar_yaml_names_its_line(study: Path) -> None:
    (study / "ret-q2.yaml").write_text("organisation: X\nspeakers:\n  Anna: [unclosed\n")
    with pytest.raises(CodeerError) as error:
        parse_file(study / "ret-q2.vtt")
    assert error.value.path == str(study / "ret-q2.yaml")
    assert error.value.line is not None and error.value.line >= 3


def test_sidecar_speakers_as_list_and_nested_attribute_error(study: Path) -> None:
    (study / "ret-q2.yaml").write_text("speakers: [Gast]\n")
    assert parse_file(study / "ret-q2.vtt").speakers["Gast"] == {}
    (study / "ret-q2.yaml").write_text("title: T\nplace:\n  city: Utrecht\n")
    with pytest.raises(CodeerError) as error:
        parse_file(study / "ret-q2.vtt")
    assert (error.value.path, error.value.line) == (str(study / "ret-q2.yaml"), 3)
