"""When a second process, made with ``fork``, can take part of a command's work on the other core.

Only on Linux (``fork`` is the default and safe there for a process without threads), with at least two cores
(else the two only take turns), and with no other thread running (a fork copies one thread: another one's
locks would stay held in the child forever, as in the workbench). The figure painter
(:mod:`codeer.figures.painter`) and ``export all``'s segments writer (:mod:`codeer.export.beside`) ask here.
"""

from __future__ import annotations

import os
import sys
import threading


def forking_helps() -> bool:
    """Whether a forked child would run beside this process rather than take turns with it, and safely."""
    return sys.platform == "linux" and (os.cpu_count() or 1) >= 2 and threading.active_count() == 1
