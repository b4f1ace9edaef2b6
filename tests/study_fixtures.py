"""Fixtures over :mod:`small_study` (a plugin: ``pytest_plugins = ["study_fixtures"]`` in a test module)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from small_study import load_study, write_study


@pytest.fixture(scope="session")
def _study_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("study-template") / "project"
    folder.mkdir()
    load_study(folder)
    return folder / "codeer.db"


@pytest.fixture
def study(project: Path, _study_template: Path) -> Path:
    """A project holding the small study (import it into a test module to use it), files beside it."""
    shutil.copy(_study_template, project / "codeer.db")
    write_study(project.parent / "study-files")
    return project
