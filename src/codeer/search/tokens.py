"""What a word is, for searching: one definition, used on every backend.

A word is a run of letters and digits (Unicode categories L and N), so ``e-mail`` is two words and ``zo'n``
two; words compare case-folded, accents kept (``één`` is not ``een``). SQLite's FTS5 index is set up with
the same rule (``unicode61`` with ``categories 'L* N*'`` and ``remove_diacritics 0``), and a test checks
that both split the sample study and generated text identically. SQLite's letter tables date from Unicode
6.1: for some 400 letters added or changed since (Georgian capitals, Cherokee small letters, a few
historic scripts) SQLite and Python disagree, and a search on SQLite may miss words written with them.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W_]+")

Token = tuple[int, int, str]  # start, end (code points, end exclusive), folded word


def _fold_letter(c: str) -> str:
    folded = c.casefold()
    if len(folded) == 1:
        return folded
    lower = c.lower()
    return lower if len(lower) == 1 else c


def fold(word: str) -> str:
    """Case folded, letter by letter, as SQLite's tokenizer does: ``ς`` is ``σ``, while a letter whose
    folded form is two letters (``ß``, ``İ``) stays one letter."""
    if word.isascii():
        return word.lower()
    return "".join(map(_fold_letter, word))


def tokens(text: str) -> list[Token]:
    """The words of ``text`` with their places."""
    return [(m.start(), m.end(), fold(m.group())) for m in WORD.finditer(text)]


def words(text: str) -> list[str]:
    """The folded words of ``text``."""
    return [fold(w) for w in WORD.findall(text)]
