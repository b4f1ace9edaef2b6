"""Drawing figures beside the database work: a second process imports matplotlib and draws while this one
reads the project.

Why: importing matplotlib takes most of a second and drawing a figure up to a second or two, all on one
core, while reading a project takes a core of its own. ``codeer chart`` starts the painter first, so the
import overlaps opening the project and counting; ``codeer report`` hands each figure over as soon as its
numbers are known and selects the quotes and computes agreement while the figures are drawn.

The painter is a child made with ``fork`` (before the database is opened, so the child holds no connection):
it loads what drawing needs, then draws each figure it is sent (:func:`codeer.figures.render.render`, the same
bytes as in this process) into a file of a temporary folder and says so. Where forking is not safe or would
gain nothing (not Linux, one core, or other threads running, as in the workbench), and if the child is gone,
the figures are drawn in this process, in the same order.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

from codeer.errors import CodeerError
from codeer.figures.kinds import plain
from codeer.processes import forking_helps

if TYPE_CHECKING:
    from codeer.figures.kinds import Figure


FORMATS = ("svg", "pdf", "png")


def check_output(path: Path) -> str:
    """The format ``path``'s extension names; anything else is refused before any work."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise CodeerError(f"{path}: write a .svg, .pdf or .png file (the extension decides the format)")
    return suffix


class Painter:
    """Draws figures, in a child process where that helps; :meth:`draw` returns a ticket, :meth:`result`
    the file's bytes (waiting for it). Use it as a context manager: leaving it ends the child."""

    def __init__(self) -> None:
        self._requests: IO[bytes] | None = None
        self._replies: IO[bytes] | None = None
        self._pid = 0
        self._folder = Path(tempfile.mkdtemp(prefix="codeer-figures-"))
        self._sent: list[tuple[Figure, str]] = []
        self._done: dict[int, bytes] = {}
        if forking_helps():
            self._start()

    def _start(self) -> None:
        requests_read, requests_write = os.pipe()
        replies_read, replies_write = os.pipe()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        pid = os.fork()
        if pid == 0:  # the child: draw until told to stop, then leave without running the parent's exit code
            code = 1
            try:
                os.close(requests_write)
                os.close(replies_read)
                with os.fdopen(requests_read, "rb") as requests, os.fdopen(replies_write, "wb") as replies:
                    _serve(requests, replies, self._folder)
                code = 0
            finally:
                os._exit(code)
        os.close(requests_read)
        os.close(replies_write)
        self._pid = pid
        self._requests = os.fdopen(requests_write, "wb")
        self._replies = os.fdopen(replies_read, "rb")

    def draw(self, figure: Figure, fmt: str) -> int:
        """Start drawing ``figure`` as ``fmt`` (svg, pdf, png); the ticket for :meth:`result`."""
        ticket = len(self._sent)
        self._sent.append((figure, fmt))
        if self._requests is not None:
            try:
                pickle.dump((ticket, plain(figure), fmt), self._requests)
                self._requests.flush()
            except OSError:  # the child is gone: draw here from now on
                self._stop()
        return ticket

    def result(self, ticket: int) -> bytes:
        while ticket not in self._done and self._replies is not None:
            try:
                done, error = pickle.load(self._replies)
            except (EOFError, OSError, pickle.UnpicklingError):
                self._stop()
                break
            if error:
                raise CodeerError(f"drawing a figure failed: {error}")
            self._done[done] = (self._folder / f"{done}").read_bytes()
        if ticket not in self._done:
            from codeer.figures.render import render

            figure, fmt = self._sent[ticket]
            self._done[ticket] = render(figure, fmt)
        return self._done[ticket]

    def _stop(self, kill: bool = False) -> None:
        if kill and self._pid:  # a command that failed does not wait for matplotlib's import
            os.kill(self._pid, signal.SIGKILL)
        for stream in (self._requests, self._replies):
            if stream is not None:
                with contextlib.suppress(OSError):  # a child gone leaves a broken pipe: nothing to flush
                    stream.close()
        self._requests = self._replies = None
        if self._pid:
            os.waitpid(self._pid, 0)
            self._pid = 0

    def __enter__(self) -> Painter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self._stop(kill=kind is not None)
        shutil.rmtree(self._folder, ignore_errors=True)


def _serve(requests: IO[bytes], replies: IO[bytes], folder: Path) -> None:
    from codeer.figures.render import prepare, render

    prepare()
    while True:
        try:
            ticket, figure, fmt = pickle.load(requests)
        except EOFError:
            return
        error = ""
        try:
            (folder / f"{ticket}").write_bytes(render(figure, fmt))
        except Exception as problem:  # noqa: BLE001 - said to the parent, which raises it as one line
            error = f"{type(problem).__name__}: {problem}"
        pickle.dump((ticket, error), replies)
        replies.flush()
