"""Shared fixtures: real SQLite files on disk, the CLI run in-process, the bundled sample study."""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from codeer.cli.main import main
from codeer.store.database import Database, open_database

pytest_plugins = ["conftest_backends"]
# The team tests import pg_team's helpers before their own ``pytest_plugins`` loads it: registered here,
# its asserts are rewritten whichever comes first (pytest warned otherwise).
pytest.register_assert_rewrite("pg_team")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CODEBOOKS = sorted((ROOT / "codebooks").glob("*.yaml"))
SAMPLE_TRANSCRIPTS = ROOT / "transcripts"
SAMPLE_CODINGS = SAMPLE_TRANSCRIPTS / "codings-sample.csv"


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(project: Path, *args: str) -> Result:
    """Run ``codeer --project PROJECT ARGS...`` in this process, as a user would from a shell."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--project", str(project), *args])
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def _shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One user cache for the whole run (the tokenizer snapshot of codeer.nlp.snapshot is taken once)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, _shared_cache: Path) -> None:
    """No test reads the developer's settings, database or cache."""
    monkeypatch.delenv("CODEER_DB", raising=False)
    monkeypatch.delenv("CODEER_CODER", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(_shared_cache))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder."""
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


@pytest.fixture
def cli(project: Path):
    """``cli("import", "x.txt")`` runs codeer on the test's project folder."""
    return lambda *args: run_cli(project, *args)


@pytest.fixture
def db(project: Path) -> Database:
    database = open_database(f"sqlite:///{project / 'codeer.db'}")
    yield database
    database.close()


def load_sample(project: Path) -> None:
    for codebook in SAMPLE_CODEBOOKS:
        assert run_cli(project, "codebook", "load", str(codebook)).code == 0
    result = run_cli(project, "import", str(SAMPLE_TRANSCRIPTS))
    assert result.code == 0, result.err
    result = run_cli(project, "codings", "import", str(SAMPLE_CODINGS))
    assert result.code == 0, result.err


@pytest.fixture(scope="session")
def _sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample-template")
    load_sample(folder)
    return folder / "codeer.db"


@pytest.fixture
def sample_project(project: Path, _sample_template: Path) -> Path:
    """A project folder holding the bundled sample study (codebooks, 16 transcripts, sample codings)."""
    shutil.copy(_sample_template, project / "codeer.db")
    return project
