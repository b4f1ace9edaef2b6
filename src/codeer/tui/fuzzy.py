"""Fuzzy matching for the code picker and transcript search (rapidfuzz), forgiving of typos and word order."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils
from rich.text import Text

from codeer.store.workbench import CodeInfo, PassageRow

CODE_CUTOFF = 55
SEARCH_CUTOFF = 80
SHORT_WORD = 3  # query words this short are only found as typed
WORD = re.compile(r"\w+")
WHITESPACE = re.compile(r"\s")


def _code_text(code: CodeInfo) -> str:
    return " ".join([code.name, code.key.replace("-", " "), *code.keywords])


def rank_codes(query: str, codes: list[CodeInfo], limit: int = 30) -> list[CodeInfo]:
    """Codes best matching ``query`` on name, id and keywords; a name that starts with it comes first."""
    needle = utils.default_process(query)
    if not needle:
        return list(codes)
    choices = {i: _code_text(c) for i, c in enumerate(codes)}
    found = process.extract(
        needle,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=CODE_CUTOFF,
    )
    prefix = {i for i, c in enumerate(codes) if utils.default_process(c.name).startswith(needle)}
    ranked = sorted(found, key=lambda hit: (hit[2] not in prefix, -hit[1]))
    return [codes[index] for _, _, index in ranked]


@dataclass(frozen=True)
class SearchHit:
    """A passage found, with the characters of its text that matched (for the snippet to show)."""

    passage: PassageRow
    spans: tuple[tuple[int, int], ...]


def _first(patterns: list[re.Pattern[str]], text: str) -> tuple[tuple[int, int], ...] | None:
    """Where each pattern first matches in ``text``, or None if one does not."""
    spans = []
    for pattern in patterns:
        found = pattern.search(text)
        if found is None:
            return None
        spans.append(found.span())
    return tuple(spans)


class PassageSearch:
    """Search one transcript's passages as the coder types: built once per search dialog, so the words of
    every passage are read once (at the first query that needs near spellings), not at every key."""

    def __init__(self, passages: list[PassageRow]) -> None:
        self.passages = passages
        self._lower = [p.text.lower() for p in passages]  # a quick test before the exact regex
        self._words: list[frozenset[str]] | None = None
        self._vocabulary: list[str] = []

    def words(self) -> list[frozenset[str]]:
        if self._words is None:
            self._words = [frozenset(WORD.findall(text)) for text in self._lower]
            self._vocabulary = sorted(set().union(*self._words))
        return self._words

    def find(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Passages matching ``query`` (case-insensitive), in this order: containing it as typed; containing
        each of its words, anywhere and in any order; having a near spelling of each word (typos), best
        first. Each tier keeps the transcript's order."""
        words = query.split()
        if not words:
            return []
        # Patterns, not str.lower(): lower case can change a text's length, and spans must fit the text.
        phrase = [re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE)]
        each = [re.compile(re.escape(word), re.IGNORECASE) for word in words]
        lower = [word.lower() for word in words]
        speaker = " ".join(words).casefold()
        as_typed: list[SearchHit] = []
        every: list[SearchHit] = []
        rest: list[int] = []
        for index, p in enumerate(self.passages):
            text = self._lower[index]
            maybe = all(word in text for word in lower)
            if (maybe and (spans := _first(phrase, p.text)) is not None) or speaker == p.speaker.casefold():
                as_typed.append(SearchHit(p, spans or ()))
            elif maybe and (spans := _first(each, p.text)) is not None:
                every.append(SearchHit(p, spans))
            else:
                rest.append(index)
        found = as_typed + every
        if len(found) < limit:
            found += self._near(lower, rest)
        return found[:limit]

    def _near(self, words: list[str], candidates: list[int]) -> list[SearchHit]:
        """Passages with a close spelling of every word, best first; short words must be exact (a fuzzy
        "de" matches half of Dutch)."""
        passage_words = self.words()
        close = []
        for word in words:
            cutoff = 100 if len(word) <= SHORT_WORD else SEARCH_CUTOFF
            found = process.extract(
                word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
            )
            close.append({token: score for token, score, _ in found})
        near = []
        for index in candidates:
            best = []
            for scores in close:
                present = scores.keys() & passage_words[index]
                if not present:
                    break
                best.append(max(present, key=lambda token: (scores[token], token)))
            else:
                passage = self.passages[index]
                whole = [re.compile(rf"\b{re.escape(token)}\b", re.IGNORECASE) for token in best]
                spans = _first(whole, passage.text)
                score = min(scores[token] for scores, token in zip(close, best, strict=True))
                near.append((-score, index, SearchHit(passage, spans or ())))
        near.sort(key=lambda item: item[:2])
        return [hit for _, _, hit in near]


def _whole_words(flat: str, left: int, right: int, inner: tuple[int, int]) -> tuple[int, int]:
    """The window ``left:right`` shrunk to whole words, never past the ``inner`` characters it must show."""
    if left > 0 and flat[left - 1] != " ":
        space = flat.find(" ", left, inner[0])
        left = space + 1 if space >= 0 else left
    if right < len(flat) and flat[right] != " ":
        space = flat.rfind(" ", inner[1], right)
        right = space if space >= 0 else right
    return left, right


def snippet(text: str, spans: tuple[tuple[int, int], ...], width: int = 60) -> Text:
    """The parts of ``text`` around its matched ``spans``, on one line, the matched characters highlighted:
    one window when they fit in ``width``, else a short window around each, joined by "…"."""
    flat = WHITESPACE.sub(" ", text)  # same length, so the spans still point at their characters
    ordered = sorted(spans)
    if not ordered:
        return Text(flat[:width] + ("…" if width < len(flat) else ""))
    if ordered[-1][1] - ordered[0][0] <= width:
        left = max(0, min(ordered[0][0] - width // 3, ordered[-1][1] - width))
        windows = [_whole_words(flat, left, min(left + width, len(flat)), (ordered[0][0], ordered[-1][1]))]
    else:
        share = max(width // len(ordered), 8)
        windows = []
        for start, end in ordered:
            left = max(0, start - max(0, share - (end - start)) // 2)
            left, right = _whole_words(flat, left, min(max(end, left + share), len(flat)), (start, end))
            if windows and left <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], right))
            else:
                windows.append((left, right))
    line = Text()
    for index, (left, right) in enumerate(windows):
        if left > 0 or index:
            line.append("…")
        piece = Text(flat[left:right])
        for start, end in ordered:
            if start < right and end > left:
                piece.stylize("bold underline", max(start, left) - left, min(end, right) - left)
        line.append_text(piece)
    if windows[-1][1] < len(flat):
        line.append("…")
    return line
