"""Progress for long work, on standard error so that standard output stays a clean table or file."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class StderrProgress:
    """A progress callback ``(done, total, label)`` that redraws one line, at most ten times a second.

    Only on a terminal: in pipes, logs and CI, progress lines would only bury the result and the errors.
    """

    def __init__(self, what: str, stream: TextIO | None = None) -> None:
        self.what = what
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last = 0.0

    def __call__(self, done: int, total: int, label: str = "") -> None:
        if total <= 0 or not self.tty:
            return
        now = time.monotonic()
        finished = done >= total
        if not finished and now - self._last < 0.1:
            return
        self._last = now
        end = "\n" if finished else ""
        self.stream.write(f"\r{self.what}: {done}/{total} {label[:40]:<40}{end}")
        self.stream.flush()
