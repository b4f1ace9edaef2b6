"""How much of a codebook example quote a sentence echoes: the weak, second signal of auto-coding.

An example quote is reduced to its content words (no stop words, no words shorter than three letters), each
weighed by its inverse document frequency in the corpus being coded, so that a shared ``eigenlijk`` or
``gewoon`` counts for little and a shared ``monteur`` for a lot. A sentence's similarity to a quote is the
weighted share of the quote's content words it contains (0-1); it needs at least two of them (or the only
one), because one common word in common is chance.

The comparison goes through an inverted index (content word → quotes that hold it), so a sentence costs a
lookup per word, not a comparison with every quote.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from codeer.autocode.vocabulary import fold

MIN_LETTERS = 3
MIN_SHARED = 2


@dataclass(frozen=True)
class Example:
    text: str
    codes: frozenset[int]
    words: frozenset[int]


@dataclass(frozen=True)
class Echo:
    """A sentence's best likeness to one quote: ``shared`` are the ``(word, start, end)`` it has in common."""

    example: Example
    similarity: float
    shared: tuple[tuple[int, int, int], ...]


class ExampleTable:
    """The example quotes of a set of codes as sets of content words, with an index from word to quote."""

    def __init__(
        self,
        examples: dict[int, Sequence[str]],
        analysed: dict[str, list[tuple[str, str]]],
        stop_words: Iterable[str],
    ) -> None:
        self.stop_words = frozenset(fold(w) for w in stop_words)
        self.word_of: dict[str, int] = {}
        self.size = 0
        codes_of: dict[str, set[int]] = {}
        for code_id, quotes in examples.items():
            for quote in quotes:
                codes_of.setdefault(quote.strip(), set()).add(code_id)
        self.examples: list[Example] = []
        for quote, codes in codes_of.items():
            words = set()
            for lower, lemma in analysed.get(quote, []):
                if self._content(fold(lower), fold(lemma)):
                    word = self.word_of.setdefault(fold(lemma), self.size)
                    self.size = max(self.size, word + 1)
                    self.word_of.setdefault(fold(lower), word)
                    words.add(word)
            if words:
                self.examples.append(Example(quote, frozenset(codes), frozenset(words)))
        self.postings: list[list[int]] = [[] for _ in range(self.size)]
        for index, example in enumerate(self.examples):
            for word in example.words:
                self.postings[word].append(index)

    def _content(self, lower: str, lemma: str) -> bool:
        return (
            len(lemma) >= MIN_LETTERS
            and lemma.isalpha()
            and lower not in self.stop_words
            and lemma not in self.stop_words
        )

    def word(self, lower: str, lemma: str) -> int | None:
        """The content word of the quotes this (folded) token is, if any."""
        found = self.word_of.get(lemma)
        return self.word_of.get(lower) if found is None else found

    def weights(self, document_frequency: Sequence[int], documents: int) -> list[float]:
        """Inverse document frequency of every content word, smoothed so that unseen words stay finite."""
        return [math.log((documents + 1) / (df + 1)) + 1.0 for df in document_frequency]

    def echoes(self, occurrences: Sequence[tuple[int, int, int]], weights: Sequence[float]) -> list[Echo]:
        """The quotes a sentence (its content words as ``(word, start, end)``) echoes enough to count."""
        present = {word for word, _, _ in occurrences}
        weight_of: dict[int, float] = {}
        shared_of: dict[int, int] = {}
        for word in present:
            for index in self.postings[word]:
                weight_of[index] = weight_of.get(index, 0.0) + weights[word]
                shared_of[index] = shared_of.get(index, 0) + 1
        found = []
        for index, weight in weight_of.items():
            example = self.examples[index]
            if shared_of[index] < min(MIN_SHARED, len(example.words)):
                continue
            total = sum(weights[w] for w in example.words)
            shared = tuple(o for o in occurrences if o[0] in example.words)
            found.append(Echo(example, weight / total, shared))
        return found
