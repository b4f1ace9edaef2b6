"""spaCy's tokenizer and Sentencizer rule in plain Python, on the data of spaCy's blank pipeline.

Importing spaCy and building ``spacy.blank("nl")`` costs about two seconds of CPU (its 4,670 tokenizer
exceptions each become lexemes and phrase patterns), far more than importing a 60-passage focus group
otherwise takes. Sentences need little of it: the exceptions, the prefix, suffix, infix and URL patterns,
and the sentence-final characters. :mod:`codeer.nlp.snapshot` takes those from spaCy once per spaCy version
and language and keeps them in the user's cache; this module applies them with the algorithm of
``spacy/tokenizer.pyx`` (``_tokenize_affixes``, ``_split_affixes``, ``_attach_tokens`` and the final pass
of special cases) and ``spacy/pipeline/sentencizer.pyx``, so a text gets the tokens and sentences spaCy
would give it (``tests/test_nlp.py`` compares the two on generated text, every exception and the sample).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Token = tuple[str, int, bool]  # text, offset in the text, is_punct
CACHED_PIECES = 100_000  # tokenized pieces remembered; a new corpus refills the cache
Sentences = list[list[int]]  # [start, end] code-point offsets, end exclusive


def is_punct(text: str) -> bool:
    """spaCy's ``Token.is_punct`` (``spacy.lang.lex_attrs.is_punct``): every character is punctuation."""
    return all(unicodedata.category(char).startswith("P") for char in text)


def _pattern(spec: list[Any] | None) -> re.Pattern[str] | None:
    return None if spec is None else re.compile(spec[0], spec[1])


@dataclass
class TokenizerData:
    """What spaCy's blank pipeline tokenizes and segments with (see :mod:`codeer.nlp.snapshot`)."""

    rules: dict[str, list[str]]  # special case -> the texts of its tokens
    prefix: list[Any] | None  # [pattern, flags] of prefix_search, suffix_search, ...
    suffix: list[Any] | None
    infix: list[Any] | None
    token_match: list[Any] | None
    url_match: list[Any] | None
    punct_chars: list[str]  # the Sentencizer's sentence-final characters


class PyTokenizer:
    """spaCy's ``Tokenizer.__call__`` for one :class:`TokenizerData`, giving ``(text, idx, is_punct)``."""

    def __init__(self, data: TokenizerData, patterns: list[tuple[str, ...]] | None = None) -> None:
        """``patterns``: the final pass's token sequences as a snapshot kept them (else worked out here)."""
        self.data = data
        self.rules = data.rules
        self.finals = frozenset(data.punct_chars)
        prefix, suffix, infix = (_pattern(p) for p in (data.prefix, data.suffix, data.infix))
        token_match, url_match = _pattern(data.token_match), _pattern(data.url_match)
        self._prefix = prefix.search if prefix is not None else None
        self._suffix = suffix.search if suffix is not None else None
        self._infix = infix.finditer if infix is not None else None
        self._token_match = token_match.match if token_match is not None else None
        self._url_match = url_match.match if url_match is not None else None
        self._cache: dict[str, tuple[str, ...]] = {}
        self.patterns = frozenset(self._patterns() if patterns is None else patterns)
        self._longest = max((len(p) for p in self.patterns), default=0)
        self._firsts = {p[0] for p in self.patterns if p}

    def _patterns(self) -> list[tuple[str, ...]]:
        """The exceptions that affixes or spaces would split, as the token sequences the final pass looks
        for (spaCy adds these to its special-case phrase matcher)."""
        return [
            tuple(text for text, _ in self._tokenize_affixes(string, False))
            for string in self.rules
            if self._prefix_len(string) or self._suffix_len(string) or self._infixes(string) or " " in string
        ]

    # --- the affix rules, as spaCy's find_prefix, find_suffix and find_infix ---

    def _prefix_len(self, string: str) -> int:
        match = self._prefix(string) if self._prefix is not None else None
        return match.end() - match.start() if match is not None else 0

    def _suffix_len(self, string: str) -> int:
        match = self._suffix(string) if self._suffix is not None else None
        return match.end() - match.start() if match is not None else 0

    def _infixes(self, string: str) -> list[re.Match[str]]:
        return list(self._infix(string)) if self._infix is not None else []

    # --- Tokenizer.__call__ ---

    def __call__(self, text: str) -> list[Token]:
        tokens = self._tokenize_affixes(text, True)
        if self.patterns:
            tokens = self._apply_special_cases(text, tokens)
        return [(piece, idx, is_punct(piece)) for piece, idx in tokens]

    def _tokenize_affixes(self, text: str, specials: bool) -> list[tuple[str, int]]:
        """The text split at white space (a single space is dropped, other white space is a token), each
        piece through the exceptions and affix rules: ``(token text, offset)`` pairs."""
        tokens: list[tuple[str, int]] = []
        if not text:
            return tokens
        start = 0
        in_space = text[0].isspace()
        for i, char in enumerate(text):
            if char.isspace() != in_space:
                if start < i:
                    self._piece(text[start:i], start, tokens, specials)
                start = i + 1 if char == " " else i
                in_space = not in_space
        if start < len(text):
            self._piece(text[start:], start, tokens, specials)
        return tokens

    def _piece(self, piece: str, offset: int, tokens: list[tuple[str, int]], specials: bool) -> None:
        found: Sequence[str] | None = self.rules.get(piece) if specials else None
        if found is None:
            found = self._cache.get(piece) if specials else None
        if found is None:
            found, special = self._tokenize(piece, specials)
            if specials and not special:
                if len(self._cache) >= CACHED_PIECES:
                    self._cache.clear()
                self._cache[piece] = found
        for part in found:
            tokens.append((part, offset))
            offset += len(part)

    def _tokenize(self, string: str, specials: bool) -> tuple[tuple[str, ...], bool]:
        """``_split_affixes`` and ``_attach_tokens``; also whether an exception was used."""
        rules = self.rules if specials else {}
        prefixes: list[str] = []
        suffixes: list[str] = []
        last = 0
        while string and len(string) != last:
            if self._token_match is not None and self._token_match(string):
                break
            if string in rules:
                break
            last = len(string)
            pre_len = self._prefix_len(string)
            if pre_len:
                prefix, minus_pre = string[:pre_len], string[pre_len:]
                if minus_pre and minus_pre in rules:
                    string = minus_pre
                    prefixes.append(prefix)
                    break
            suf_len = self._suffix_len(string[pre_len:])
            if suf_len:
                suffix, minus_suf = string[-suf_len:], string[:-suf_len]
                if minus_suf and minus_suf in rules:
                    string = minus_suf
                    suffixes.append(suffix)
                    break
            if pre_len and suf_len and pre_len + suf_len <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        special = False
        middle: list[str] = []
        if string:
            if string in rules:
                middle, special = rules[string], True
            elif (self._token_match is not None and self._token_match(string)) or (
                self._url_match is not None and self._url_match(string)
            ):
                middle = [string]
            else:
                middle = self._split_infixes(string)
        return (*prefixes, *middle, *reversed(suffixes)), special

    def _split_infixes(self, string: str) -> list[str]:
        matches = self._infixes(string)
        if not matches:
            return [string]
        parts = []
        start = 0
        for match in matches:
            infix_start, infix_end = match.start(), match.end()
            if infix_start == 0:  # an infix at the very start is no split (spaCy: start_before_infixes)
                continue
            if infix_start != start:
                parts.append(string[start:infix_start])
            if infix_start != infix_end:
                parts.append(string[infix_start:infix_end])
            start = infix_end
        if string[start:]:
            parts.append(string[start:])
        return parts

    def _apply_special_cases(self, text: str, tokens: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """spaCy's final pass: exceptions that the affix rules split (``:)``, ``a.s.``) found again as token
        sequences (a phrase matcher), longest first, and put back as the exception's tokens."""
        firsts, patterns = self._firsts, self.patterns
        matches: list[tuple[int, int]] = []
        for i, (first, _) in enumerate(tokens):
            if first not in firsts:
                continue
            for length in range(1, min(self._longest, len(tokens) - i) + 1):
                if tuple(t for t, _ in tokens[i : i + length]) in patterns:
                    matches.append((i, i + length))
        if not matches:
            return tokens
        # _filter_special_spans: longest first, then leftmost; a span whose first or last token is taken
        # by an earlier one is dropped.
        matches.sort(key=lambda span: (span[1] - span[0], -span[0]))
        seen: set[int] = set()
        kept = []
        for start, end in reversed(matches):
            if start not in seen and end - 1 not in seen:
                kept.append((start, end))
            seen.update(range(start, end))
        replaced = dict(sorted(kept))
        result: list[tuple[str, int]] = []
        i = 0
        while i < len(tokens):
            stop = replaced.get(i)
            if stop is None:
                result.append(tokens[i])
                i += 1
                continue
            first_idx = tokens[i][1]
            last_text, last_idx = tokens[stop - 1]
            span = text[first_idx : last_idx + len(last_text)]
            found = self.rules.get(span)
            if found is None:
                result.extend(tokens[i:stop])
            else:
                offset = first_idx
                for part in found:
                    result.append((part, offset))
                    offset += len(part)
            i = stop
        return result

    # --- the Sentencizer ---

    def sentences(self, text: str) -> Sentences:
        """The Sentencizer's sentences of ``text`` as ``[start, end]`` offsets (end: the last token's)."""
        tokens = self(text)
        if not tokens:
            return []
        finals = self.finals
        starts = [0]
        seen = False
        for i, (piece, _, punct) in enumerate(tokens):
            final = piece in finals
            if seen and not punct and not final:
                starts.append(i)
                seen = False
            elif final:
                seen = True
        bounds = [*starts[1:], len(tokens)]
        result = []
        for first, after in zip(starts, bounds, strict=True):
            last_text, last_idx, _ = tokens[after - 1]
            result.append([tokens[first][1], last_idx + len(last_text)])
        return result
