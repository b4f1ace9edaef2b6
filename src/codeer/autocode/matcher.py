"""Auto-coding suggestions from a codebook's keywords and example quotes: pure matching, no database.

A suggestion is a (passage, code) pair with a score from 0 to 1 and the words that triggered it. The score
combines independent pieces of evidence like a noisy OR, ``1 - (1 - s1)(1 - s2)...``, one piece per distinct
keyword found in the passage (repeating a keyword adds nothing) plus the best example quote echoed by one of
its sentences. A piece's strength is

    :data:`ONE_KEYWORD` x how it matched x how specific the keyword is in this corpus

- how: an exact word or lemma, or a phrase whose words follow each other (at most :data:`MAX_GAP` other
  words between them), 1.0; a spelling variant 0.85; a compound ending in the keyword 0.8, starting with it
  0.6 (see :mod:`codeer.autocode.vocabulary`); an example quote :data:`EXAMPLE_WEIGHT` x its similarity,
  counted from :data:`EXAMPLE_MIN_SIMILARITY` (see :mod:`codeer.autocode.examples`).
- specificity: 1.0 for a keyword found in at most :data:`SPECIFIC_SHARE` of the passages (a theme seldom
  comes up more often than that), ``SPECIFIC_SHARE / share`` for a commoner one (``goed``, ``weet``, ``je``):
  a keyword can hardly be right more often than its theme comes up. The share is taken over the passages
  being coded plus :data:`PRIOR_PASSAGES` imaginary passages without the keyword, so that a handful of
  passages does not make every keyword look common.

So one specific keyword scores 0.8, two 0.96, a keyword found in a tenth of the passages about 0.16. No
single piece of evidence makes a suggestion certain, so that a passage with more evidence for a code ranks
above one with less (the workbench offers the best suggestion first).

Codebooks code at the lowest level that fits: a code is not suggested where one of its subcodes scores at
least as high. A suggestion covers the whole passage; when every trigger lies in one sentence of a passage of
several sentences, that sentence is its ``start``/``end``, so that a coder can accept it for the sentence
only.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import numpy as np

from codeer.autocode.examples import Echo, ExampleTable
from codeer.autocode.tokens import TokenBatch, string_store, tokens
from codeer.autocode.vocabulary import FUZZY, HEAD, LEMMA, MODIFIER, VIA_NAMES, KeywordTable, fold, is_word
from codeer.choices import DEFAULT_MIN_SCORE
from codeer.nlp import get_pipeline

MAX_GAP = 1
ONE_KEYWORD = 0.8
HOW_WEIGHT = {LEMMA: 1.0, FUZZY: 0.85, HEAD: 0.8, MODIFIER: 0.6}
EXAMPLE_WEIGHT = 0.6
EXAMPLE_MIN_SIMILARITY = 0.5
SPECIFIC_SHARE = 0.02
PRIOR_PASSAGES = 100
BATCH = 512
_PLAIN: tuple[dict[int, int], None] = ({}, None)  # a word that matches no keyword word and is no example word


@dataclass(frozen=True)
class CodeRules:
    """What the matcher knows of a code: its keywords (words or phrases) and example quotes."""

    code_id: int
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    parent_id: int | None = None


@dataclass(frozen=True)
class PassageText:
    """A passage to match: ``sentences`` are its ``[start, end]`` sentence offsets (may be empty)."""

    id: int
    text: str
    sentences: Sequence[Sequence[int]] = ()


@dataclass(frozen=True)
class Trigger:
    """Words that triggered a suggestion: ``text[start:end]``, how (``lemma``, ``fuzzy``, ``phrase``,
    ``example``) and which keyword or example quote they matched."""

    text: str
    start: int
    end: int
    via: str
    keyword: str

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "via": self.via,
            "keyword": self.keyword,
        }


@dataclass(frozen=True)
class Suggested:
    """A suggestion before it is stored: ``start``/``end`` is the one sentence holding every trigger."""

    passage_id: int
    code_id: int
    score: float
    start: int | None
    end: int | None
    triggers: tuple[Trigger, ...]


@dataclass(slots=True)
class _Hit:
    keyword: int
    start: int
    end: int
    how: int
    phrase: bool
    sentence: int


@dataclass
class _Scan:
    """The raw evidence of one passage, kept until the corpus-wide frequencies are known."""

    passage: PassageText
    hits: list[_Hit] = field(default_factory=list)
    # per sentence index: its content words of example quotes as (word, start, end)
    echo_words: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)


class Matcher:
    """Keywords and example quotes of some codes, compiled once; :meth:`suggest` runs them over passages."""

    def __init__(self, codes: Sequence[CodeRules], language: str = "nl", model: str = "") -> None:
        self.language, self.model = language, model
        strings = sorted({s for c in codes for s in (*c.keywords, *c.examples) if s.strip()})
        self._strings = string_store(language, model)
        analysed = {
            s: [(self._strings[lower], self._strings[lemma]) for lower, lemma, _, _ in found]
            for s, found in zip(strings, tokens(strings, language, model), strict=True)
        }
        self.keywords = KeywordTable({c.code_id: c.keywords for c in codes}, analysed)
        stop_words = get_pipeline(language, model).Defaults.stop_words
        self.examples = ExampleTable({c.code_id: c.examples for c in codes}, analysed, stop_words)
        parents = {c.code_id: c.parent_id for c in codes}
        self.ancestors = {code: _ancestors(code, parents) for code in parents}
        self._forms: dict[tuple[int, int], tuple[dict[int, int], int | None] | None] = {}
        self._single: dict[int, list[int]] = {}
        self._phrases: dict[int, list[int]] = {}
        for index, keyword in enumerate(self.keywords.keywords):
            table = self._single if len(keyword.words) == 1 else self._phrases
            table.setdefault(keyword.words[0], []).append(index)

    def suggest(
        self,
        passages: Iterable[PassageText],
        min_score: float = DEFAULT_MIN_SCORE,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[Suggested]:
        """Suggestions scoring at least ``min_score``; ``progress(n)`` after every ``n`` passages read.

        All passages are read before the first suggestion comes out, because a keyword's specificity
        depends on how many passages hold it.
        """
        scans: list[_Scan] = []
        keyword_df = [0] * len(self.keywords.keywords)
        word_df = [0] * self.examples.size
        documents = 0
        iterator = iter(passages)
        while batch := list(islice(iterator, BATCH)):
            for scan in self._scan_batch(batch):
                documents += 1
                for keyword in {h.keyword for h in scan.hits}:
                    keyword_df[keyword] += 1
                for word in {w for words in scan.echo_words.values() for w, _, _ in words}:
                    word_df[word] += 1
                if scan.hits or scan.echo_words:
                    scans.append(scan)
            if progress is not None:
                progress(len(batch))
        specificity = [_specificity(df, documents) for df in keyword_df]
        weights = self.examples.weights(word_df, documents)
        for scan in scans:
            yield from self._score(scan, specificity, weights, min_score)

    def _scan_batch(self, batch: list[PassageText]) -> Iterator[_Scan]:
        """Tokenize a batch; the tokens that can matter (words with a match) are picked out with numpy, so
        that Python only loops over those."""
        found = TokenBatch.of(list(tokens([p.text for p in batch], self.language, self.model)))
        self._learn(set(found.forms))
        forms = [self._forms[f] for f in found.forms]
        kinds = np.array([0 if f is None else 1 if f is _PLAIN else 2 for f in forms], dtype=np.int8)
        kind = kinds[found.form_of] if len(forms) else np.zeros(0, dtype=np.int8)
        positions = np.cumsum(kind > 0)  # the how-many-th word of the batch each token is
        chosen = np.flatnonzero(kind == 2)
        cuts = np.searchsorted(chosen, found.bounds).tolist()
        starts = found.rows[chosen, 2].tolist()
        ends = (found.rows[chosen, 2] + found.rows[chosen, 3]).tolist()
        where = positions[chosen].tolist()
        which = found.form_of[chosen].tolist()
        for index, passage in enumerate(batch):
            picked = range(cuts[index], cuts[index + 1])
            yield self._scan(passage, [(where[i], forms[which[i]], starts[i], ends[i]) for i in picked])

    def _learn(self, pairs: set[tuple[int, int]]) -> None:
        """What each token form (string ids) not seen before is: punctuation (None), a word without any
        match (:data:`_PLAIN`), or its keyword matches and example word. Every later occurrence of the form
        is one dictionary lookup."""
        unseen = pairs - self._forms.keys()
        strings = self._strings
        new = {(a, b): (fold(strings[a]), fold(strings[b or a])) for a, b in unseen}
        new = {pair: folded for pair, folded in new.items() if is_word(folded[0])}
        self.keywords.classify(new.values())
        for pair in unseen:
            folded = new.get(pair)
            if folded is None:
                self._forms[pair] = None
                continue
            found, example_word = self.keywords.matches(*folded), self.examples.word(*folded)
            self._forms[pair] = _PLAIN if not found and example_word is None else (found, example_word)

    def _scan(self, passage: PassageText, words: list[tuple[int, Any, int, int]]) -> _Scan:
        """The hits and example words of one passage, from its words that match something, as ``(position
        among all words, (keyword matches, example word), start, end)``."""
        scan = _Scan(passage)
        bounds = [int(s[0]) for s in passage.sentences[1:]]  # where the second, third... sentence start
        sentence = 0
        matched: list[tuple[int, dict[int, int], int, int]] = []  # (word position, matches, start, end)
        single = self._single
        for position, (found, example_word), start, end in words:
            while sentence < len(bounds) and start >= bounds[sentence]:
                sentence += 1
            if found:
                matched.append((position, found, start, end))
                for word, how in found.items():
                    for keyword in single.get(word, ()):
                        scan.hits.append(_Hit(keyword, start, end, how, False, sentence))
            if example_word is not None:
                scan.echo_words.setdefault(sentence, []).append((example_word, start, end))
        for first, (_, found, start, _) in enumerate(matched):
            for word in found:
                for keyword in self._phrases.get(word, ()):
                    span = _phrase_at(self.keywords.keywords[keyword].words, matched, first)
                    if span is not None:
                        end, how = span
                        scan.hits.append(_Hit(keyword, start, end, how, True, bisect_right(bounds, start)))
        return scan

    def _score(
        self, scan: _Scan, specificity: list[float], weights: list[float], min_score: float
    ) -> Iterator[Suggested]:
        by_code: dict[int, list[tuple[float, _Hit]]] = {}
        for hit in scan.hits:
            value = ONE_KEYWORD * HOW_WEIGHT[hit.how] * specificity[hit.keyword]
            for code in self.keywords.keywords[hit.keyword].codes:
                by_code.setdefault(code, []).append((value, hit))
        echoes = self._echoes(scan, weights)
        # Sorting out overlapping hits only lowers a score: skip the codes that cannot reach min_score anyway.
        strongest = {
            code: _strongest(hits)
            for code, hits in by_code.items()
            if _bound(hits, echoes.get(code)) >= min_score
        }
        raw = {}
        for code in strongest.keys() | echoes.keys():
            values = [value for value, _ in strongest.get(code, ())]
            if code in echoes:
                values.append(ONE_KEYWORD * EXAMPLE_WEIGHT * echoes[code][0].similarity)
            raw[code] = 1.0 - math.prod(1.0 - v for v in values)
        for code, score in self._lowest_level(raw).items():
            if score > 0.0 and score >= min_score:
                yield self._suggested(scan, code, score, strongest.get(code, []), echoes.get(code))

    def _suggested(
        self,
        scan: _Scan,
        code: int,
        score: float,
        hits: list[tuple[float, _Hit]],
        echo: tuple[Echo, int] | None,
    ) -> Suggested:
        text = scan.passage.text
        triggers, sentences = set(), set()
        for _, hit in hits:
            keyword = self.keywords.keywords[hit.keyword].text
            via = "phrase" if hit.phrase else VIA_NAMES[hit.how]
            triggers.add(Trigger(text[hit.start : hit.end], hit.start, hit.end, via, keyword))
            sentences.add(hit.sentence)
        if echo is not None:
            found, sentence = echo
            triggers.update(
                Trigger(text[s:e], s, e, "example", found.example.text) for _, s, e in found.shared
            )
            sentences.add(sentence)
        start, end = _one_sentence(scan.passage.sentences, sentences)
        ordered = sorted(triggers, key=lambda t: (t.start, t.end, t.via))
        return Suggested(scan.passage.id, code, score, start, end, tuple(ordered))

    def _lowest_level(self, scores: dict[int, float]) -> dict[int, float]:
        """The scores, rounded, without the codes that have a subcode scoring at least as high."""
        below: dict[int, float] = {}
        for code, score in scores.items():
            for ancestor in self.ancestors.get(code, ()):
                below[ancestor] = max(below.get(ancestor, 0.0), score)
        return {code: round(score, 3) for code, score in scores.items() if score > below.get(code, -1.0)}

    def _echoes(self, scan: _Scan, weights: list[float]) -> dict[int, tuple[Echo, int]]:
        """Per code: the sentence most like one of its quotes (if like enough), and how."""
        best: dict[int, tuple[Echo, int]] = {}
        for sentence, words in scan.echo_words.items():
            for echo in self.examples.echoes(words, weights):
                if echo.similarity < EXAMPLE_MIN_SIMILARITY:
                    continue
                for code in echo.example.codes:
                    if code not in best or echo.similarity > best[code][0].similarity:
                        best[code] = (echo, sentence)
        return best


def _phrase_at(
    phrase: tuple[int, ...], matched: list[tuple[int, dict[int, int], int, int]], first: int
) -> tuple[int, int] | None:
    """Where the phrase starting at matched word ``first`` ends (an offset) and its weakest match, or None.

    ``matched`` holds the words that match some keyword word, with their position among all words, so that
    a gap of at most :data:`MAX_GAP` other words between two words of the phrase can be told.
    """
    at, how = first, matched[first][1][phrase[0]]
    for word in phrase[1:]:
        for candidate in range(at + 1, len(matched)):
            if matched[candidate][0] - matched[at][0] > MAX_GAP + 1:
                return None
            if word in matched[candidate][1]:
                at, how = candidate, max(how, matched[candidate][1][word])
                break
        else:
            return None
    return matched[at][3], how


def _strongest(hits: list[tuple[float, _Hit]]) -> list[tuple[float, _Hit]]:
    """One hit per keyword, its strongest occurrence: a keyword repeated counts once. Overlapping hits
    (``klopt`` as keyword ``klopt`` and ``klopte``, inside phrase ``klopt dit``) are one piece of evidence:
    the strongest, longest of them."""
    hits = sorted(hits, key=lambda vh: (vh[1].start, -vh[1].end))
    clusters: list[list[tuple[float, _Hit]]] = []
    end = -1
    for value, hit in hits:
        if hit.start >= end:
            clusters.append([])
        clusters[-1].append((value, hit))
        end = max(end, hit.end) if hit.start < end else hit.end
    best: dict[int, tuple[float, _Hit]] = {}
    for cluster in clusters:
        value, hit = max(cluster, key=lambda vh: (vh[0], vh[1].end - vh[1].start))
        if hit.keyword not in best or value > best[hit.keyword][0]:
            best[hit.keyword] = (value, hit)
    return list(best.values())


def _bound(hits: list[tuple[float, _Hit]], echo: tuple[Echo, int] | None) -> float:
    """An upper bound of the score of a code with these hits: every keyword's best hit counted."""
    best: dict[int, float] = {}
    for value, hit in hits:
        best[hit.keyword] = max(best.get(hit.keyword, 0.0), value)
    if echo is not None:
        best[-1] = ONE_KEYWORD * EXAMPLE_WEIGHT * echo[0].similarity
    return 1.0 - math.prod(1.0 - v for v in best.values())


def _ancestors(code: int, parents: dict[int, int | None]) -> tuple[int, ...]:
    found: list[int] = []
    parent = parents.get(code)
    while parent is not None and parent not in found and parent != code:
        found.append(parent)
        parent = parents.get(parent)
    return tuple(found)


def _specificity(df: int, documents: int) -> float:
    """1.0 for a keyword in at most :data:`SPECIFIC_SHARE` of the passages, less for a commoner one."""
    share = df / (documents + PRIOR_PASSAGES)
    return 1.0 if share <= SPECIFIC_SHARE else SPECIFIC_SHARE / share


def _one_sentence(sentences: Sequence[Sequence[int]], used: set[int]) -> tuple[int | None, int | None]:
    """The span of the only sentence holding triggers, if the passage has more than one sentence."""
    if len(sentences) > 1 and len(used) == 1:
        start, end = sentences[next(iter(used))]
        return int(start), int(end)
    return None, None
