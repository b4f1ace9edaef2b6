"""Codebook keywords compiled once, and every distinct word of a corpus classified against them once.

Auto-coding looks up each token of each passage; doing fuzzy or compound matching per token occurrence would
cost (tokens x keywords) string comparisons. Instead every *distinct* word form is classified the first time
it is seen (a batch of new forms against all keyword words with :func:`rapidfuzz.process.cdist`), and every
later occurrence is a dictionary lookup. A corpus of a million words has only some tens of thousands of
distinct forms, and most passages add none.

How a word form matches a keyword word, best first:

- ``lemma``: the form equals the keyword word's lower-case text or lemma (``gehoord`` ~ ``horen``), after
  folding accents (``wéér`` ~ ``weer``);
- ``fuzzy``: a spelling variant, :func:`rapidfuzz.fuzz.ratio` >= :data:`FUZZY_CUTOFF` between two words of
  at least :data:`LONG_WORD` characters (one letter more or less: ``klopte`` ~ ``klopt``);
- ``head``: a Dutch compound whose last part is the keyword (``klantenservice`` ~ ``service``), the part
  before it at least :data:`COMPOUND_REST` letters;
- ``modifier``: a compound whose first part is the keyword (``wachttijd`` ~ ``wacht``), the rest at least
  :data:`COMPOUND_REST` + 1 letters, so that inflections (``-ingen``) and derivations do not count.

Compound parts are only looked for with keyword forms of at least :data:`LONG_WORD` letters: short keywords
(``mens``, ``naam``) are the start or end of too many unrelated words.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

# How a form matches a keyword word; a lower rank is a better match.
LEMMA, FUZZY, HEAD, MODIFIER = 0, 1, 2, 3
VIA_NAMES = {LEMMA: "lemma", FUZZY: "fuzzy", HEAD: "fuzzy", MODIFIER: "fuzzy"}

LONG_WORD = 5
FUZZY_CUTOFF = 90.0
COMPOUND_REST = 4


@lru_cache(maxsize=1 << 18)
def fold(text: str) -> str:
    """Lower case without accents: Dutch writes stress and diaeresis (``wéér``, ``ideeën``) at will."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_word(form: str) -> bool:
    """Tokens without a letter or digit (punctuation, dashes) are neither keywords nor gaps in a phrase."""
    return any(c.isalnum() for c in form)


@dataclass(frozen=True)
class Keyword:
    """One keyword or phrase of one or more codes: ``words`` are indexes into the keyword-word table."""

    text: str
    words: tuple[int, ...]
    codes: frozenset[int]


class KeywordTable:
    """All keywords of a set of codes, with their words' forms ready for lookup and fuzzy matching.

    ``keywords`` maps code ids to their keyword strings; ``analysed`` gives, for each distinct keyword
    string, its tokens as ``(lower, lemma)`` pairs from the same spaCy pipeline as the passages.
    """

    def __init__(
        self, keywords: dict[int, Sequence[str]], analysed: dict[str, list[tuple[str, str]]]
    ) -> None:
        word_index: dict[tuple[str, str], int] = {}
        codes_of: dict[tuple[int, ...], set[int]] = {}
        texts: dict[tuple[int, ...], str] = {}
        for code_id, strings in keywords.items():
            for text in strings:
                pairs = [
                    (fold(lower), fold(lemma)) for lower, lemma in analysed.get(text, []) if is_word(lower)
                ]
                words = tuple(word_index.setdefault(pair, len(word_index)) for pair in pairs)
                if words:
                    codes_of.setdefault(words, set()).add(code_id)
                    texts.setdefault(words, text.strip())
        self.keywords = [Keyword(texts[w], w, frozenset(c)) for w, c in codes_of.items()]
        self.exact: dict[str, list[int]] = {}
        self.bases: dict[str, list[int]] = {}  # lemmas long enough to be a compound part
        self.spellings: list[str] = []  # surface forms long enough for fuzzy matching
        self.spelling_words: list[int] = []
        for (lower, lemma), word in word_index.items():
            for form in {lower, lemma}:
                self.exact.setdefault(form, []).append(word)
            if len(lemma) >= LONG_WORD:
                self.bases.setdefault(lemma, []).append(word)
            if len(lower) >= LONG_WORD:
                self.spellings.append(lower)
                self.spelling_words.append(word)
        self._forms: dict[str, dict[int, int]] = {}
        self._fuzzy: dict[str, dict[int, int]] = {}
        self._tokens: dict[tuple[str, str], dict[int, int]] = {}

    def classify(self, tokens: Iterable[tuple[str, str]]) -> None:
        """Classify the ``(lower, lemma)`` forms not seen before against every keyword word."""
        new = {f for pair in tokens for f in pair if f not in self._forms}
        for form in new:
            self._forms[form] = self._exact_and_compound(form)
        spelled = [f for f in new if len(f) >= LONG_WORD]
        for form in spelled:
            self._fuzzy[form] = {}
        if not spelled or not self.spellings:
            return
        scores = process.cdist(
            spelled, self.spellings, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, dtype="uint8", workers=-1
        )
        for row, column in zip(*scores.nonzero(), strict=True):
            _better(self._fuzzy[spelled[row]], self.spelling_words[column], FUZZY)

    def matches(self, lower: str, lemma: str) -> dict[int, int]:
        """Keyword words (index → how, :data:`LEMMA` .. :data:`MODIFIER`) a classified token matches.

        Spelling variants are looked for in the token's own letters only: between lemmas, fuzzy matching
        pairs different verbs (``nemen`` ~ ``noemen``).
        """
        key = (lower, lemma)
        found = self._tokens.get(key)
        if found is None:
            found = merged(merged(self._forms[lower], self._forms[lemma]), self._fuzzy.get(lower, {}))
            self._tokens[key] = found
        return found

    def _exact_and_compound(self, form: str) -> dict[int, int]:
        found = {word: LEMMA for word in self.exact.get(form, ())}
        for cut in range(COMPOUND_REST, len(form) - LONG_WORD + 1):
            for word in self.bases.get(form[cut:], ()):
                _better(found, word, HEAD)
        for cut in range(LONG_WORD, len(form) - COMPOUND_REST + 1):
            for word in self.bases.get(form[:cut], ()):
                _better(found, word, MODIFIER)
        return found


def _better(found: dict[int, int], word: int, how: int) -> None:
    if how < found.get(word, how + 1):
        found[word] = how


def merged(first: dict[int, int], second: dict[int, int]) -> dict[int, int]:
    """The matches of a token's text and of its lemma together, the better "how" where both match."""
    if not second:
        return first
    if not first:
        return second
    both = dict(first)
    for word, how in second.items():
        _better(both, word, how)
    return both
