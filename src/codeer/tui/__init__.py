"""The coding workbench: a keyboard-first Textual terminal UI (the only package that imports Textual)."""
