"""Hotkeys: the single characters that apply a code on the coding screen.

The coding screen keeps some keys for its own bindings (moving between passages, undo, search, help,
memos, span selection, suggestions, ...), so a codebook may not use them as hotkeys. ``RESERVED_KEYS`` holds
exactly::

    j  k  g  G  q  u  U  n  /  ?  m  s  x  v  r  a  p  f  +  -
    escape  enter  space  tab  ctrl+<anything>

If the coding screen gains a binding, add its key here: loading then names every codebook hotkey that clashes.

Hotkeys are case-sensitive (``e`` and ``E`` are two keys); digits, other letters and punctuation are free.
A hotkey is one printable, non-space character; the named keys above are listed so that an attempt to use
them gets "reserved" rather than the less helpful "must be one character".
"""

from __future__ import annotations

from collections.abc import Collection

RESERVED_KEYS: frozenset[str] = frozenset(
    ["j", "k", "g", "G", "q", "u", "U", "n", "/", "?", "m", "s", "x", "v", "r", "a", "p", "f", "+", "-",
     "escape", "enter", "space", "tab", " "]
)


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
        if char.isalpha() and char.isascii() and char not in used and not is_reserved(char) \
                and char not in found:
            found.append(char)
            if len(found) == limit:
                break
    return found
