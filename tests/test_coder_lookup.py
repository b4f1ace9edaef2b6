"""A coder named on the command line is looked up one way: an unknown name is the same one line in every
command (the nearest known name when one is close, and the coders the project knows), exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

pytest_plugins = ["study_fixtures"]

UNKNOWN = "unknown coder 'anuok'; did you mean 'anouk'? (known coders: anouk, bram)"


@pytest.mark.parametrize(
    "args",
    [
        ("log", "--coder", "anuok"),
        ("log", "--summary", "--coder", "anuok"),
        ("codings", "export", "{out}.csv", "--coder", "anuok"),
        ("export", "frequencies", "-o", "{out}.csv", "--coder", "anuok"),
        ("export", "qdpx", "{out}.qdpx", "--coder", "anuok"),
        ("agreement", "--coders", "anouk,anuok"),
    ],
)
def test_an_unknown_coder_is_one_message_everywhere(
    study: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    out = tmp_path / "out"
    result = run_cli(study, *(a.format(out=out) for a in args))
    assert (result.code, result.err.strip()) == (2, UNKNOWN)
    assert not list(tmp_path.glob("out.*")), "nothing is written for an unknown coder"


def test_several_unknown_coders_are_named_together(study: Path, tmp_path: Path) -> None:
    result = run_cli(study, "codings", "export", str(tmp_path / "out.csv"), "--coder", "xx,anouk,yy")
    assert (result.code, result.err.strip()) == (2, "unknown coders 'xx', 'yy' (known coders: anouk, bram)")
