"""``codeer import`` as a user meets it: --dry-run, --unlabelled, folders with files that are not read, and
bounded work on hostile input (one clear line, exit status 2, nothing stored)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli

from codeer.cli.main import main
from codeer.errors import MAX_SHOWN_PROBLEMS, CodeerError, CodeerErrors
from codeer.ingest import find_transcripts, parse_file
from codeer.ingest.formats import READERS, SUFFIXES

OTTER = "Kelly  0:00\nWelkom.\n\nUnknown Speaker  0:04\nHallo.\n\nKelly  0:09\nDag.\n\nTranscribed by https://otter.ai\n"
CAPTIONS = "".join(f"00:00:{i:02d} regel {i} van de opname\n" for i in range(40))


def rows(project: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(project / "codeer.db") as db:
        return db.execute(sql).fetchall()


@pytest.fixture
def study(tmp_path: Path) -> Path:
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "otter.txt").write_text(OTTER, encoding="utf-8")
    (folder / "captions.txt").write_text(CAPTIONS, encoding="utf-8")
    (folder / "metadata.csv").write_text("transcript,organisatie\ncaptions,Vitens\n", encoding="utf-8")
    (folder / "slides.pdf").write_bytes(b"%PDF-1.4")
    return folder


def test_dry_run_prints_per_file_and_stores_nothing(project: Path, study: Path) -> None:
    (study / "captions.txt").unlink()
    result = run_cli(project, "import", "--dry-run", str(study))
    assert result.code == 0, result.err
    out = result.out
    assert f"{study / 'slides.pdf'}: skipped: not a transcript format" in out
    assert "metadata.csv" not in out  # metadata files are read, not skipped
    assert "new transcript 'otter', layout: name-and-time lines" in out
    assert "3 passage(s), 3 with a time" in out
    assert "Kelly: 2 turn(s), 2 word(s)" in out and "Unknown Speaker: 1 turn(s), 1 word(s)" in out
    assert "postamble: 1 line(s)" in out and "nothing stored" in out
    assert not (project / "codeer.db").exists()  # not even an empty database is left behind
    assert run_cli(project, "import", str(study)).code == 0
    again = run_cli(project, "import", "--dry-run", str(study))
    assert "unchanged transcript 'otter'" in again.out  # compared with the database once there is one


def test_dry_run_reports_every_refusal_with_status_2(project: Path, study: Path) -> None:
    result = run_cli(project, "import", "--dry-run", str(study))
    assert result.code == 2
    assert f"{study / 'captions.txt'}: no speaker turns found" in result.err
    assert "--unlabelled" in result.err and "Traceback" not in result.err
    assert "new transcript 'otter'" in result.out  # the readable file is still shown


def test_unlabelled_import_stores_passages_without_speaker_and_metadata(project: Path, study: Path) -> None:
    refused = run_cli(project, "import", str(study))
    assert refused.code == 2 and rows(project, "select count(*) from transcripts") == [(0,)]
    result = run_cli(project, "import", "--unlabelled", "cues", str(study))
    assert result.code == 0, result.err
    assert f"{study / 'slides.pdf'}: skipped" in result.out
    passages = rows(
        project,
        "select p.speaker_id, p.start_ms from passages p join transcripts t on t.id = p.transcript_id "
        "where t.key = 'captions' order by p.number",
    )
    assert len(passages) == 40 and {s for s, _ in passages} == {None}
    assert [ms for _, ms in passages[:3]] == [0, 1_000, 2_000]
    assert rows(project, "select name, value from transcript_attributes") == [("organisatie", "Vitens")]
    assert rows(project, "select count(*) from speakers where name = ''") == [(0,)]
    # the labelled file next to it kept its speakers
    assert sorted(rows(project, "select distinct name from speakers")) == [("Kelly",), ("Unknown Speaker",)]


def test_help_names_every_format_of_the_registry(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert tuple(s for reader in READERS for s in reader.suffixes) == SUFFIXES
    with pytest.raises(SystemExit):
        main(["--project", str(project), "--help"])
    assert " ".join(SUFFIXES) in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--project", str(project), "import", "--help"])
    out = capsys.readouterr().out
    assert "--unlabelled {paragraphs,cues}" in out and "--dry-run" in out


# --- folders: regular files only ---------------------------------------------------------------------------


def test_links_fifos_and_dangling_links_are_listed_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "a.txt").write_text("Anna: Ja.\nBram: Nee.\n", encoding="utf-8")
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("Anna: Ja.\n", encoding="utf-8")
    (folder / "outside.txt").symlink_to(outside)
    (folder / "inside.txt").symlink_to(folder / "a.txt")  # the same file twice: read once
    (folder / "gone.txt").symlink_to(tmp_path / "nothing.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.txt")
    found = find_transcripts([folder])
    assert found.files == [folder / "a.txt"]
    why = {path.name: reason for path, reason in found.skipped}
    assert why["outside.txt"].startswith("a link to a file outside the folder")
    assert why["gone.txt"] == "a link to a file that does not exist"
    assert why["zero.txt"].startswith("not a regular file") and why["pipe.txt"].startswith(
        "not a regular file"
    )


def test_special_files_named_directly_are_refused_before_reading(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nothing.txt")
    for name, words in [("pipe.txt", "not a regular file"), ("zero.txt", "not a regular file")]:
        with pytest.raises(CodeerError, match=words):
            find_transcripts([tmp_path / name])
        with pytest.raises(CodeerError, match=words):
            parse_file(tmp_path / name)
    with pytest.raises(CodeerError, match="a link to a file that does not exist"):
        find_transcripts([tmp_path / "gone.txt"])


def test_a_file_larger_than_any_transcript_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: nothing is written to disk
        handle.truncate(READERS[0].max_bytes + 1)
    with pytest.raises(CodeerError, match="larger than any transcript"):
        parse_file(path)


@pytest.mark.parametrize("key", ["../../etc/passwd", "a/b", "..", "x" * 201, "tab\there"])
def test_transcript_ids_that_are_paths_or_too_long_are_refused(tmp_path: Path, key: str) -> None:
    path = tmp_path / "t.txt"
    path.write_text(f'---\nid: "{key}"\n---\nAnna: Ja.\nBram: Nee.\n', encoding="utf-8")
    with pytest.raises(CodeerError, match="transcript id .* refused"):
        parse_file(path)


def test_sheets_with_a_million_columns_are_refused_quickly(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("Anna: Ja.\nBram: Nee.\n", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("transcript," + ",".join(f"c{i}" for i in range(10**6)) + "\n")
    with pytest.raises(CodeerError) as error:
        parse_file(tmp_path / "t.txt")
    assert "columns in the header" in error.value.message and len(str(error.value)) < 300


def test_front_matter_with_thousands_of_keys_is_refused(tmp_path: Path) -> None:
    keys = "".join(f"k{i}: v\n" for i in range(1000))
    (tmp_path / "t.txt").write_text(f"---\n{keys}---\nAnna: Ja.\nBram: Nee.\n", encoding="utf-8")
    with pytest.raises(CodeerError, match="1,000 keys"):
        parse_file(tmp_path / "t.txt")


def test_error_lists_are_capped(project: Path, tmp_path: Path) -> None:
    errors = CodeerErrors([CodeerError("bad", f"f{i}.txt") for i in range(MAX_SHOWN_PROBLEMS + 10)])
    lines = str(errors).split("\n")
    assert len(lines) == MAX_SHOWN_PROBLEMS + 1 and lines[-1] == "… and 10 more"
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(MAX_SHOWN_PROBLEMS + 5):
        (folder / f"f{i:03d}.txt").write_text("geen sprekers hier\n", encoding="utf-8")
    result = run_cli(project, "import", str(folder))
    assert result.code == 2 and result.err.strip().endswith("… and 5 more")


def test_a_real_import_prints_warnings(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "header.txt"
    path.write_text("Datum: 9 maart\nAnna: Ja.\nBram: Nee.\nAnna: Goed.\n", encoding="utf-8")
    result = run_cli(project, "import", str(path))
    assert result.code == 0, result.err
    assert (
        f"{path}: warning: 1 line(s) at the top by speakers who never speak again read as preamble"
        in result.out
    )


def test_label_forms_without_a_common_speaker_are_said_at_import_and_in_a_dry_run(
    project: Path, tmp_path: Path
) -> None:
    path = tmp_path / "mixed-forms.md"
    turns = "".join(f"**Interviewer:** Vraag {i}?\n\nRespondent: Antwoord {i}.\n\n" for i in range(4))
    path.write_text(turns, encoding="utf-8")
    said = f"{path}: warning: speaker labels in two forms with no name in common"
    dry = run_cli(project, "import", "--dry-run", str(path))
    assert dry.code == 0 and "warning: speaker labels in two forms with no name in common" in dry.out
    stored = run_cli(project, "import", str(path))
    assert stored.code == 0 and said in stored.out
    assert rows(project, "SELECT name FROM speakers ORDER BY name") == [("Interviewer",), ("Respondent",)]


def test_a_huge_metadata_sheet_is_refused_unread(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("Anna: Ja.\nBram: Nee.\n", encoding="utf-8")
    with (tmp_path / "metadata.csv").open("wb") as handle:
        handle.truncate(51 * 2**20)
    with pytest.raises(CodeerError, match="a metadata sheet is read up to 50 MB"):
        parse_file(tmp_path / "t.txt")
