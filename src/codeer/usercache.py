"""The user's cache folder for codeer: ``$XDG_CACHE_HOME/codeer``, else ``~/.cache/codeer``.

It holds what codeer can rebuild but should not rebuild on every run (the tokenizer snapshot, matplotlib's
font list), nothing of a project's data, and never anything inside a project's folder.
"""

from __future__ import annotations

import os
from pathlib import Path


def user_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "codeer"
