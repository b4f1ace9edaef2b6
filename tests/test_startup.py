"""Start-up in proportion to the work, guarded by the modules each command loads (never by timing).

Each command runs in a fresh interpreter, as from a shell, and reports the top-level packages it imported:
``--version`` and ``--help`` load no SQLAlchemy (nor anything heavier); a command on a new or a current
project loads no Alembic; only an import loads spaCy, without the lemmatizer's lookup tables, and only to
take the tokenizer snapshot that later imports segment with (codeer.nlp.snapshot); only a command that
draws (``chart``, ``report``) loads matplotlib.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE_TRANSCRIPTS, run_cli

from codeer.cli.main import COMMAND_MODULES, COMMANDS

HEAVY = {
    "sqlalchemy", "alembic", "spacy", "spacy_lookups_data", "numpy", "openpyxl", "textual", "rapidfuzz",
    "matplotlib",
}  # fmt: skip
HEAVY |= {"yaml"}  # read only when there is a codeer.yaml (or a codebook, metadata) to read

SCRIPT = """\
import contextlib, io, json, sys
from codeer.cli.main import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exit:
        code = exit.code
print(json.dumps([code, sorted({name.split(".")[0] for name in sys.modules})]))
"""


def modules(project: Path, *args: str, fails: bool = False) -> set[str]:
    """Every module the command loaded (``a.b.c``, not only the top-level package); ``fails``: the command
    is refused (exit code 2)."""
    script = SCRIPT.replace('name.split(".")[0] for name in sys.modules', "name for name in sys.modules")
    assert script != SCRIPT
    result = subprocess.run(
        [sys.executable, "-c", script, "--project", str(project), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    code, names = json.loads(result.stdout.strip().splitlines()[-1])
    assert code == 2 if fails else code in (0, None), result.stderr
    return set(names)


def loaded(project: Path, *args: str) -> set[str]:
    """The heavy top-level packages the command loaded."""
    return {name.split(".")[0] for name in modules(project, *args)} & HEAVY


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_load_no_database_library(project: Path, flag: str) -> None:
    assert loaded(project, flag) == set()


def test_commands_on_a_new_or_current_project_load_no_alembic_and_no_spacy(project: Path) -> None:
    transcript = SAMPLE_TRANSCRIPTS / "vitens-q1.txt"
    assert "alembic" not in loaded(project, "import", str(transcript))  # the new project's schema too
    assert (
        run_cli(
            project, "codebook", "load", str(SAMPLE_TRANSCRIPTS.parent / "codebooks" / "klantreis.yaml")
        ).code
        == 0
    )
    assert loaded(project, "status") == {"sqlalchemy"}
    code = loaded(project, "--coder", "anouk", "code", "vitens-q1", "2", "emoties")
    assert code == {"sqlalchemy"}  # no YAML without a codeer.yaml, no fuzzy matching when names are found


def test_an_import_loads_spacy_once_for_the_snapshot_and_never_the_lemma_tables(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    first = loaded(project, "import", str(SAMPLE_TRANSCRIPTS / "vitens-q1.txt"))
    assert "spacy" in first and "spacy_lookups_data" not in first and "textual" not in first
    assert list((tmp_path / "empty-cache" / "codeer").glob("tokenizer-nl-*.json"))
    later = loaded(project, "import", str(SAMPLE_TRANSCRIPTS / "ret-q2.vtt"))
    assert not later & {"spacy", "alembic", "textual", "numpy"}


def test_a_csv_export_loads_no_workbook_library(project: Path, tmp_path: Path) -> None:
    assert run_cli(project, "import", str(SAMPLE_TRANSCRIPTS / "vitens-q1.txt")).code == 0
    heavy = loaded(project, "export", "all", "--dir", str(tmp_path / "out"))
    assert "sqlalchemy" in heavy and not heavy & {"openpyxl", "textual", "spacy", "alembic"}


def test_a_search_loads_no_spacy_and_no_table_writer(project: Path) -> None:
    """A keyword-in-context listing is meant to take well under a second: spaCy only with --lemma, openpyxl
    (and numpy with it) only when a table is written."""
    assert run_cli(project, "import", str(SAMPLE_TRANSCRIPTS / "vitens-q1.txt")).code == 0
    heavy = loaded(project, "search", "terugbellen")
    assert "sqlalchemy" in heavy
    assert not heavy & {"alembic", "spacy", "numpy", "openpyxl", "textual", "rapidfuzz"}
    for args in (["terugbellen"], ["terugbellen", "--by", "organisation"]):  # read through the Core tables
        assert not {"sqlalchemy.orm", "codeer.analysis"} & modules(project, "search", *args)


def test_every_command_is_found_in_its_module_and_status_builds_only_its_own_parser_and_no_orm(
    project: Path,
) -> None:
    for name in COMMAND_MODULES:
        registered = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"codeer.cli.{name}").register(registered)
        assert {command for command, module in COMMANDS.items() if module == name} == set(registered.choices)
    assert run_cli(project, "status").code == 0  # a project that exists (a new one is made with the ORM)
    names = modules(project, "status")
    shared = ("codeer.cli.main", "codeer.cli.context")
    commands = [m for m in sorted(names) if m.startswith("codeer.cli.") and m not in shared]
    assert commands == ["codeer.cli.status"]
    assert "sqlalchemy.orm" not in names  # status reads through codeer.model.tables alone


ORM = {"sqlalchemy.orm", "codeer.model.orm"}


def test_code_and_uncode_run_on_core_connections_without_the_orm(project: Path) -> None:
    """A scripted ``codeer code`` costs what ``status`` costs to start: the coding rules of
    :mod:`codeer.store.coding` run on a plain connection, the ORM is neither imported nor configured, by a
    first coding of a new coder, a coding, a memo, a removal, nor a code or passage that is not there."""
    assert run_cli(project, "import", str(SAMPLE_TRANSCRIPTS / "vitens-q1.txt")).code == 0
    book = SAMPLE_TRANSCRIPTS.parent / "codebooks" / "klantreis.yaml"
    assert run_cli(project, "codebook", "load", str(book)).code == 0
    where = ("--coder", "bram", "code", "vitens-q1", "2", "emoties")
    for args in (where, where, (*where, "--memo", "twee keer"), ("--coder", "bram", "uncode", *where[3:])):
        names = modules(project, *args)
        assert not names & ORM and "codeer.store.codebooks" not in names, args
    for wrong in ("nope", "klantreis:nope"):
        assert not modules(project, "--coder", "bram", "code", "vitens-q1", "2", wrong, fails=True) & ORM
    assert not modules(project, "--coder", "bram", "code", "vitens-q1", "999", "emoties", fails=True) & ORM
    log = run_cli(project, "log", "--coder", "bram")
    assert [line.split()[3] for line in log.out.splitlines()[1:]] == ["remove", "update", "apply"]


PAINTER_SCRIPT = """\
import contextlib, io, json, sys
import codeer.figures.painter as painter
started = []
class Watched(painter.Painter):
    def __init__(self):
        started.append("sqlalchemy" in sys.modules)
        super().__init__()
painter.Painter = Watched
from codeer.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps([code, started]))
"""


@pytest.mark.parametrize("command", [["chart", "frequencies", "-o", "f.svg"], ["report", "-o", "r.html"]])
def test_a_drawing_command_starts_its_painter_before_the_project_is_opened(sample_project, command) -> None:
    """matplotlib's import (half a second, in the painter's process) runs beside SQLAlchemy's, not after
    it: the painter starts before the project is opened, once, and the command still draws."""
    project = sample_project
    result = subprocess.run(
        [sys.executable, "-c", PAINTER_SCRIPT, "--project", str(project), *command],
        capture_output=True,
        text=True,
        check=True,
        cwd=project,
    )
    code, started = json.loads(result.stdout.strip().splitlines()[-1])
    assert code == 0, result.stderr
    assert started == [False]
    assert (project / command[-1]).stat().st_size > 0
