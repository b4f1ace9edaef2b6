"""The layers of shared/design/architecture.md, enforced: only the terminal UI may import Textual."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import codeer


def _modules() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.walk_packages(codeer.__path__, "codeer.")
        if not m.name.startswith(("codeer.tui", "codeer.model.migrations"))
        and m.name not in {"codeer.cli.tui"}
    )


def test_no_module_outside_the_ui_imports_textual() -> None:
    modules = _modules()
    assert "codeer.store.database" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"textual imported outside codeer.tui: {result.stdout}"


def test_the_command_line_starts_without_spacy() -> None:
    """spaCy costs seconds to import; commands that never segment (status, export, agreement) must not pay."""
    script = (
        "import sys\n"
        "from codeer.cli.main import build_parser\n"
        "build_parser()\n"
        "print(','.join(sorted(m for m in sys.modules if m == 'spacy' or m.startswith('spacy.'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_a_module_named_test_holds_tests() -> None:
    """Helpers shared by tests live in modules not named ``test_*.py`` (``tests/tui_support.py``)."""
    without = [
        path.name
        for path in sorted(Path(__file__).parent.glob("test_*.py"))
        if not re.search(r"^\s*(async )?def test_", path.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert without == []
