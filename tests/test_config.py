"""Settings: codeer.yaml, then environment, then flags; mistakes are errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeer.config import read_settings, remember_coder
from codeer.errors import CodeerError


def test_defaults_put_the_database_in_the_project(project: Path) -> None:
    settings = read_settings(project)
    assert settings.db_url == f"sqlite:///{project.resolve() / 'codeer.db'}"
    assert settings.language == "nl"


def test_file_then_environment_then_flags(project: Path) -> None:
    (project / "codeer.yaml").write_text("coder: anouk\nlanguage: en\ndb: sqlite:///x.db\n")
    assert read_settings(project).coder == "anouk"
    env = {"CODEER_CODER": "bram", "CODEER_DB": "sqlite:///y.db"}
    assert read_settings(project, environ=env).coder == "bram"
    assert read_settings(project, environ=env).db == "sqlite:///y.db"
    assert read_settings(project, coder="chris", db="sqlite:///z.db", environ=env).coder == "chris"
    assert read_settings(project, coder="chris", db="sqlite:///z.db", environ=env).db == "sqlite:///z.db"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("coder: anouk\nlangauge: nl\n", "codeer.yaml:2: unknown setting 'langauge'"),
        ("backups: many\n", "codeer.yaml:1: setting 'backups' must be a whole number"),
        ("coder: [unclosed\n", "codeer.yaml:2: invalid YAML"),
        ("- a list\n", "codeer.yaml:1: expected a mapping"),
        ("db: postgresql://anouk:geheim@server/studie\n", "codeer.yaml:1: a password does not belong"),
        ("keys: " + "[" * 5000 + "\n", "codeer.yaml:1: the settings file is nested too deeply"),
        ("a:\n" + "".join(f"{' ' * i}k{i}:\n" for i in range(1, 80)), "codeer.yaml:65: the settings file is"),
    ],
)
def test_bad_settings_name_file_and_line(project: Path, content: str, message: str) -> None:
    (project / "codeer.yaml").write_text(content)
    with pytest.raises(CodeerError) as caught:
        read_settings(project)
    assert str(caught.value).startswith(str(project.resolve() / message.split(":")[0]) + ":")
    assert message.split(":", 1)[1] in str(caught.value)
    assert "geheim" not in str(caught.value)


def test_remember_coder_keeps_other_settings(project: Path) -> None:
    (project / "codeer.yaml").write_text("language: nl\n")
    settings = read_settings(project)
    remember_coder(settings, "anouk")
    again = read_settings(project)
    assert (again.coder, again.language) == ("anouk", "nl")


def test_bad_settings_file_is_one_line_and_exit_2(cli, project: Path) -> None:
    (project / "codeer.yaml").write_text("colour: blue\n")
    result = cli("status")
    assert result.code == 2
    assert result.err.strip().count("\n") == 0
    assert "codeer.yaml:1: unknown setting 'colour'" in result.err
