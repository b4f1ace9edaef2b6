"""Text queries: what to look for in passage texts, and where exactly it is in one text.

A query is one or more phrases (each a ``codeer search`` argument, quotes optional): a phrase matches its
words in order, next to each other, whatever lies between them that is not a word (punctuation, spaces).
A word ending in ``*`` matches every word that starts with it (``bel*``: bel, bellen, belde, belastingdienst).
With ``--lemma`` a word matches every inflection that spaCy's lookup lemmatizer for the project language
maps to the same lemma (``bellen``: belde, gebeld, belt, ...); with ``--fuzzy`` every word of the project
within a few letters (rapidfuzz edit distance: none for words of up to 3 letters, 1 up to 6, else 2). A
``--regex`` query is a Python regular expression matched anywhere in the text, case-insensitively.

Where a hit is, is found here, in Python, by a regular expression over the folded text that matches exactly
the words :mod:`codeer.words` defines; the database's index only narrows down the passages to look
in, so both backends give the same hits. Overlapping hits of different
phrases count once (the longer one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from codeer.errors import CodeerError
from codeer.store.search_index import IndexTerm, indexed_words, passage_texts
from codeer.words import WORD, fold, words

if TYPE_CHECKING:
    from codeer.store.search_index import Reader

Span = tuple[int, int]
Expand = Callable[[str], frozenset[str]]


@dataclass(frozen=True)
class Term:
    """One word of a phrase: the word itself, a prefix, or exactly the words of ``forms``."""

    word: str
    prefix: bool = False
    forms: frozenset[str] | None = None

    def index_term(self) -> IndexTerm:
        if self.forms is not None:
            return IndexTerm(tuple(sorted(self.forms)))
        return IndexTerm((self.word,), self.prefix)

    def pattern(self, first: bool = False) -> str:
        """A regular expression for the word(s) it matches in a folded text (whole words: see below). The
        ``first`` word of a phrase also checks that no letter or digit stands before it, after its letters,
        so that the expression starts with them and the regular expression engine looks for them quickly."""

        def literal(word: str) -> str:
            return re.escape(word) + (rf"(?<![^\W_]{re.escape(word)})" if first else "")

        if self.forms is not None:
            return "(?:" + "|".join(literal(f) for f in sorted(self.forms, key=len, reverse=True)) + ")"
        return literal(self.word) + (r"[^\W_]*" if self.prefix else "")


def phrase_pattern(phrase: Sequence[Term]) -> re.Pattern[str]:
    """The phrase in a folded text: its words in order, only non-word characters between them, each a whole
    word (no letter or digit just before or after), which is exactly "these tokens, one after another"."""
    words = [t.pattern(first=k == 0) for k, t in enumerate(phrase)]
    return re.compile(r"[\W_]+".join(words) + r"(?![^\W_])")


@dataclass(frozen=True)
class TextQuery:
    """Phrases to find, or a regular expression; ``label`` is the query as the user wrote it."""

    label: str
    phrases: tuple[tuple[Term, ...], ...] = ()
    pattern: re.Pattern[str] | None = None
    _compiled: list[re.Pattern[str]] | None = field(default=None, compare=False, repr=False)

    def index_terms(self) -> list[list[IndexTerm]]:
        return [[term.index_term() for term in phrase] for phrase in self.phrases]

    def find(self, text: str) -> list[Span]:
        """Every hit in ``text``, in order, none overlapping another."""
        if self.pattern is not None:
            found = [m.span() for m in self.pattern.finditer(text) if m.end() > m.start()]
        elif len(self.phrases) == 1:  # one expression: its matches are in order and apart already
            return [m.span() for m in self._patterns()[0].finditer(fold(text))]
        else:
            folded = fold(text)
            found = [m.span() for pattern in self._patterns() for m in pattern.finditer(folded)]
        found.sort(key=lambda span: (span[0], -span[1]))
        kept: list[Span] = []
        for span in found:
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        return kept

    def _patterns(self) -> list[re.Pattern[str]]:
        compiled = self._compiled
        if compiled is None:
            compiled = [phrase_pattern(phrase) for phrase in self.phrases]
            object.__setattr__(self, "_compiled", compiled)
        return compiled


def _phrase(text: str, lemma: Expand | None, fuzzy: Expand | None) -> tuple[Term, ...]:
    terms: list[Term] = []
    for chunk in text.replace('"', " ").split():
        prefix = chunk.endswith("*")
        if "*" in chunk.rstrip("*"):
            raise CodeerError(f"a * stands only at the end of a word: {chunk!r}")
        found = words(chunk.rstrip("*"))
        if prefix and (lemma or fuzzy):
            raise CodeerError(f"{chunk!r}: a word with * cannot also be matched by --lemma or --fuzzy")
        for k, word in enumerate(found):
            last = k == len(found) - 1
            if lemma is not None:
                terms.append(Term(word, forms=lemma(word)))
            elif fuzzy is not None:
                terms.append(Term(word, forms=fuzzy(word)))
            else:
                terms.append(Term(word, prefix and last))
    if not terms:
        raise CodeerError(
            f"{text!r} has no word to search for (letters or digits); use --regex for other characters"
        )
    return tuple(terms)


def parse_text_query(
    queries: Sequence[str],
    *,
    regex: bool = False,
    lemma: Expand | None = None,
    fuzzy: Expand | None = None,
) -> TextQuery:
    """The query of ``codeer search`` arguments; several arguments are alternatives (any of them)."""
    label = " | ".join(queries)
    if regex:
        if lemma or fuzzy:
            raise CodeerError("--regex cannot be combined with --lemma or --fuzzy")
        try:
            pattern = re.compile("|".join(f"(?:{q})" for q in queries), re.IGNORECASE)
        except re.error as exc:
            raise CodeerError(f"not a valid regular expression {label!r}: {exc}") from None
        return TextQuery(label, pattern=pattern)
    if lemma and fuzzy:
        raise CodeerError("choose --lemma or --fuzzy, not both")
    return TextQuery(label, tuple(_phrase(q, lemma, fuzzy) for q in queries))


def max_edits(word: str) -> int:
    """How many letters a ``--fuzzy`` word may differ by: none up to 3 letters, 1 up to 6, else 2."""
    return 0 if len(word) <= 3 else 1 if len(word) <= 6 else 2


def fuzzy_expander(vocabulary: Iterable[str]) -> Expand:
    """``--fuzzy``: a word's neighbours among the project's words (``vocabulary``, read once)."""
    from rapidfuzz import process  # only for --fuzzy
    from rapidfuzz.distance import Levenshtein

    known = sorted({word for w in vocabulary if WORD.fullmatch(word := fold(w))})

    def expand(word: str) -> frozenset[str]:
        found = process.extract(
            word, known, scorer=Levenshtein.distance, score_cutoff=max_edits(word), limit=None
        )
        return frozenset([word, *(choice for choice, _, _ in found)])

    return expand


def project_words(session: Reader) -> Iterable[str]:
    """Every word of the project: from the index where it lists them (SQLite), else read from the texts."""
    listed = indexed_words(session)
    if listed is not None:
        return listed
    return (word for text in passage_texts(session) for word in words(text))
