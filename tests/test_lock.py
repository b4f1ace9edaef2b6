"""The lock file that `make test`, `make run` and CI install from stays in step with pyproject.toml.

A dependency added to pyproject.toml but not to the lock would be installed at whatever version is newest on
the day CI runs: the drift the lock exists to stop. So every requirement, with its extras, must be pinned in
``requirements/lock.txt`` at a version its range admits; `make lock` renews it.
"""

from __future__ import annotations

import os
import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;]+)\s*(?:;(.*))?$")


def _pins() -> dict[str, str]:
    """Name → pinned version for this interpreter (the lock is universal: some pins carry markers)."""
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match and (match.group(3) is None or Marker(match.group(3)).evaluate()):
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        listed += extra
    return [Requirement(text) for text in listed]


def test_every_requirement_is_pinned_in_the_lock_within_its_range() -> None:
    pins = _pins()
    problems = []
    for requirement in _requirements():
        version = pins.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement.name} is not in requirements/lock.txt: run `make lock`")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}=={version} is outside {requirement.specifier}")
    assert not problems, problems


def test_the_lock_pins_exact_versions_only() -> None:
    lines = (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8").splitlines()
    loose = [line for line in lines if line and not line.startswith((" ", "#")) and not PIN.match(line)]
    assert not loose, loose


@pytest.mark.skipif(os.environ.get("CODEER_UNLOCKED") == "1", reason="make test-latest: newest on purpose")
def test_the_environment_under_test_is_the_lock() -> None:
    """`make test` installs the lock exactly; a venv that drifted from it is not the one CI tests."""

    drift = []
    for name, pinned in _pins().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            drift.append(f"{name}: lock {pinned}, installed {installed}")
    assert not drift, drift
