"""The layers of shared/design/architecture.md, enforced: only the terminal UI may import Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

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
