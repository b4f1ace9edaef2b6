"""``codeer codebook ...`` end to end through ``codeer.cli.main.main`` on a project in a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from codeer.cli.main import main
from codeer.codebook import load_codebook
from codeer.model.orm import Code, Codebook, Coder, Coding, Passage, Transcript
from codeer.store.database import open_database

DATA = Path(__file__).parent / "data" / "codebook"
SAMPLES = Path(__file__).parent.parent / "codebooks"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CODEER_DB", raising=False)
    monkeypatch.delenv("CODEER_CODER", raising=False)
    shutil.copy(DATA / "good.yaml", tmp_path / "good.yaml")
    return tmp_path


def codeer(project: Path, *args: str) -> int:
    return main(["--project", str(project), *args])


def test_load_reload_list_show(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert codeer(project, "codebook", "load", str(project / "good.yaml")) == 0
    assert capsys.readouterr().out == "dienstverlening: 4 added, 0 updated, 0 unchanged, 0 removed\n"
    assert codeer(project, "codebook", "load", str(project / "good.yaml")) == 0
    assert capsys.readouterr().out == "dienstverlening: 0 added, 0 updated, 4 unchanged, 0 removed\n"

    assert codeer(project, "codebook", "list") == 0
    assert capsys.readouterr().out == "dienstverlening     4 codes  Dienstverlening\n"
    assert codeer(project, "codebook") == 0  # list is the default
    assert "dienstverlening" in capsys.readouterr().out

    assert codeer(project, "codebook", "show", "dienstverlening") == 0
    assert capsys.readouterr().out == (
        "dienstverlening  Dienstverlening\n"
        "  [e]  empathie  Oprechte empathie\n"
        "  [1]    erkenning  Erkenning van gevoel\n"
        "           spiegelen  Spiegelen\n"
        "  [S]  snelheid  Snelheid\n"
    )
    assert codeer(project, "codebook", "show", "dienstverlenning") == 2
    assert capsys.readouterr().err == "no codebook 'dienstverlenning'; did you mean 'dienstverlening'?\n"

    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as session:
        assert session.scalar(select(Codebook.source_file)) == "good.yaml"  # relative to the project
    db.close()


def test_warnings_go_to_stderr(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert codeer(project, "codebook", "load", str(DATA / "warnings.yaml")) == 0
    out, err = capsys.readouterr()
    assert out == "met-waarschuwing: 2 added, 0 updated, 0 unchanged, 0 removed\n"
    assert err.splitlines() == [
        f"{DATA / 'warnings.yaml'}:3: warning: code 'zonder-definitie' has no definition",
        f"{DATA / 'warnings.yaml'}:5: warning: code 'lege-definitie' has no definition",
    ]


def test_one_bad_file_loads_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = codeer(project, "codebook", "load", str(project / "good.yaml"), str(DATA / "duplicate-id.yaml"),
                    str(DATA / "unknown-field.yaml"))
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err.splitlines() == [
        f"{DATA / 'duplicate-id.yaml'}:10: duplicate code id 'empathie' (first at line 3)",
        f"{DATA / 'unknown-field.yaml'}:5: unknown field 'defintion'; did you mean 'definition'?",
        f"{DATA / 'unknown-field.yaml'}:6: unknown field 'hotkey'; did you mean 'key'?",
    ]
    assert codeer(project, "codebook", "list") == 0
    assert capsys.readouterr().out == ""


def test_same_codebook_in_two_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(project / "good.yaml", project / "copy.yaml")
    assert codeer(project, "codebook", "load", str(project / "good.yaml"), str(project / "copy.yaml")) == 2
    assert capsys.readouterr().err == (
        f"{project / 'copy.yaml'}:1: codebook 'dienstverlening' is also in {project / 'good.yaml'}\n"
    )


def test_missing_codes_with_codings_need_force(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "good.yaml"
    assert codeer(project, "codebook", "load", str(path)) == 0
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as session:
        code = session.scalar(select(Code).where(Code.key == "snelheid"))
        passage = Passage(transcript=Transcript(key="t1"), number=1, text="Dat ging snel.")
        session.add(Coding(passage=passage, code=code, coder=Coder(name="anna")))
    db.close()
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("  - id: snelheid")], encoding="utf-8")
    capsys.readouterr()

    assert codeer(project, "codebook", "load", str(path)) == 2
    assert capsys.readouterr().err == (
        f"{path}: codes with codings missing from the file: snelheid (1 coding); use --force to delete them\n"
    )
    assert codeer(project, "codebook", "load", "--force", str(path)) == 0
    assert capsys.readouterr().out == "dienstverlening: 0 added, 0 updated, 3 unchanged, 1 removed\n"


def test_check_touches_no_project(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert codeer(project, "codebook", "check", str(project / "good.yaml")) == 0
    out = capsys.readouterr().out
    assert out == f"{project / 'good.yaml'}: ok, codebook 'dienstverlening' with 4 codes\n"
    assert not (project / "codeer.db").exists()
    assert codeer(project, "codebook", "check", str(DATA / "empty.yaml")) == 2
    assert capsys.readouterr().err == f"{DATA / 'empty.yaml'}:1: the codebook file is empty\n"


@pytest.mark.parametrize("name", ["persoonlijke-dienstverlening.yaml", "klantreis.yaml"])
def test_sample_codebooks_are_clean(name: str) -> None:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} not written yet")
    spec = load_codebook(path)
    assert spec.warnings == []
    assert spec.key == path.stem
