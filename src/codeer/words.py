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
from functools import lru_cache

WORD = re.compile(r"[^\W_]+")

Token = tuple[int, int, str]  # start, end (code points, end exclusive), folded word


def _fold_letter(c: str) -> str:
    folded = c.casefold()
    if len(folded) == 1:
        return folded
    lower = c.lower()
    return lower if len(lower) == 1 else c


@lru_cache(maxsize=1)
def _folds() -> dict[int, str]:
    """Every character whose folded form differs, to that form: always one character for one, so a folded
    text keeps the offsets of the original. (No character above U+1E943 has a case.)"""
    return {
        code: folded
        for code in range(0x1E944)
        if not 0xD800 <= code < 0xE000 and (folded := _fold_letter(chr(code))) != chr(code)
    }


def fold(text: str) -> str:
    """Case folded, letter by letter, as SQLite's tokenizer does: ``ς`` is ``σ``, while a letter whose
    folded form is two letters (``ß``, ``İ``) stays one letter. Offsets stay those of ``text``."""
    if text.isascii():
        return text.lower()
    folded = text.casefold()  # letter by letter too; one letter for one when the length is kept
    if len(folded) == len(text):
        return folded
    return text.translate(_folds())


def tokens(text: str) -> list[Token]:
    """The words of ``text`` with their places."""
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(fold(text))]


def words(text: str) -> list[str]:
    """The folded words of ``text``."""
    return WORD.findall(fold(text))
