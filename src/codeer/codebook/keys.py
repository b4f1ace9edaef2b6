"""Hotkeys: the single characters that apply a code on the coding screen.

The coding screen keeps some keys for its own bindings (moving between passages, undo, search, help, memos,
span selection, suggestions, ...), so a codebook may not use them as hotkeys. ``RESERVED_KEYS`` is derived
from the workbench's key table (:func:`codeer.tui.keymap.reserved_characters`, plain data without Textual), so
a new binding of the coding screen reserves its key here at once and loading names every codebook hotkey that
clashes. Enter and Space are added: the codebook tree uses them. Every ``ctrl+`` key is reserved too.

Hotkeys are case-sensitive (``e`` and ``E`` are two keys); digits, other letters and punctuation are free.
A hotkey is one printable, non-space character; named keys are listed so that an attempt to use them gets
"reserved" rather than the less helpful "must be one character".
"""

from __future__ import annotations

from collections.abc import Collection

from codeer.tui.keymap import reserved_characters

RESERVED_KEYS: frozenset[str] = reserved_characters() | {"enter", "space", " "}


def is_reserved(key: str) -> bool:
    """Single characters are compared exactly (``G`` is reserved, ``J`` is not); named keys in any case."""
    if len(key) == 1:
        return key in RESERVED_KEYS
    lowered = key.lower()
    return lowered in RESERVED_KEYS or lowered.startswith("ctrl+")


def hotkey_problem(key: str) -> str | None:
    """Why ``key`` cannot be a hotkey, or None if it can (uniqueness is checked elsewhere)."""
    if is_reserved(key):
        return f"key {key!r} is reserved by the coding screen"
    if len(key) != 1:
        return f"key must be a single character, not {key!r}"
    if not key.isprintable() or key.isspace():
        return f"key must be a printable character, not {key!r}"
    return None


def free_keys(name: str, used: Collection[str], *, limit: int = 3) -> list[str]:
    """Letters of ``name`` that are neither reserved nor taken: what to offer instead of a bad hotkey."""
    found: list[str] = []
    for char in name.lower():
        if (
            char.isalpha()
            and char.isascii()
            and char not in used
            and not is_reserved(char)
            and char not in found
        ):
            found.append(char)
            if len(found) == limit:
                break
    return found
