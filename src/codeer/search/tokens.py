"""What a word is, for searching: one definition, used on every backend.

A word is a run of letters and digits (Unicode categories L and N), so ``e-mail`` is two words and ``zo'n``
two; words compare case-folded, accents kept (``één`` is not ``een``). SQLite's FTS5 index is set up with
the same rule (``unicode61`` with ``categories 'L* N*'`` and ``remove_diacritics 0``), and a test checks
that both split the sample study and generated text identically.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W_]+")

Token = tuple[int, int, str]  # start, end (code points, end exclusive), folded word


def fold(word: str) -> str:
    """Lower case, character by character as SQLite's tokenizer does: no final sigma, and a letter whose
    lower case is two characters (``İ``) stays as it is."""
    if word.isascii():
        return word.lower()
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in word)


def tokens(text: str) -> list[Token]:
    """The words of ``text`` with their places."""
    return [(m.start(), m.end(), fold(m.group())) for m in WORD.finditer(text)]


def words(text: str) -> list[str]:
    """The folded words of ``text``."""
    return [fold(w) for w in WORD.findall(text)]
