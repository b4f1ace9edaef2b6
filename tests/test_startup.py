"""Start-up in proportion to the work, guarded by the modules each command loads (never by timing).

Each command runs in a fresh interpreter, as from a shell, and reports the top-level packages it imported:
``--version`` and ``--help`` load no SQLAlchemy (nor anything heavier); a command on a current project
loads no Alembic; only an import loads spaCy, and without the lemmatizer's lookup tables; only a command
that draws (``chart``, ``report``) loads matplotlib.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE_TRANSCRIPTS, run_cli

HEAVY = {
    "sqlalchemy", "alembic", "spacy", "spacy_lookups_data", "numpy", "openpyxl", "textual", "rapidfuzz",
    "matplotlib",
}  # fmt: skip

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


def loaded(project: Path, *args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, "--project", str(project), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    code, modules = json.loads(result.stdout.strip().splitlines()[-1])
    assert code in (0, None), result.stderr
    return set(modules) & HEAVY


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_load_no_database_library(project: Path, flag: str) -> None:
    assert loaded(project, flag) == set()


def test_commands_on_a_current_project_load_no_alembic_and_no_spacy(project: Path) -> None:
    transcript = SAMPLE_TRANSCRIPTS / "vitens-q1.txt"
    assert (
        run_cli(
            project, "codebook", "load", str(SAMPLE_TRANSCRIPTS.parent / "codebooks" / "klantreis.yaml")
        ).code
        == 0
    )
    assert "sqlalchemy" in loaded(project, "import", str(transcript)) - {"alembic"}
    assert loaded(project, "status") == {"sqlalchemy"}
    code = loaded(project, "--coder", "anouk", "code", "vitens-q1", "2", "emoties")
    assert not code & {"alembic", "spacy", "numpy", "openpyxl", "textual"}


def test_an_import_loads_spacy_without_the_lemma_tables(project: Path) -> None:
    modules = loaded(project, "import", str(SAMPLE_TRANSCRIPTS / "vitens-q1.txt"))
    assert "spacy" in modules and "spacy_lookups_data" not in modules and "textual" not in modules


def test_a_search_loads_no_spacy_and_no_table_writer(project: Path) -> None:
    """A keyword-in-context listing is meant to take well under a second: spaCy only with --lemma, openpyxl
    (and numpy with it) only when a table is written."""
    assert run_cli(project, "import", str(SAMPLE_TRANSCRIPTS / "vitens-q1.txt")).code == 0
    modules = loaded(project, "search", "terugbellen")
    assert "sqlalchemy" in modules and not modules & {"alembic", "spacy", "numpy", "openpyxl", "textual"}
