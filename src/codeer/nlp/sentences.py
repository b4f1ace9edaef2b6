"""spaCy's rule-based sentence boundaries, found where they can occur instead of at every token.

The rule is the Sentencizer's (spacy/pipeline/sentencizer.pyx): a text's first token starts a sentence,
and so does the first token after a sentence-final character (``.``, ``?``, ``!`` ... as a token of its
own) that is neither punctuation nor sentence-final itself. A sentence ends where the token before the
next start ends.

Running the tokenizer over every word to apply that rule is what made segmenting cost more than the rest
of an import. It is not needed: in a *normalised* text (words separated by single spaces, as every
transcript reader stores a passage) spaCy's tokenizer handles each space-separated chunk on its own, so a
boundary can only occur in a chunk holding a final character or in the chunks right after it, up to the
first plain token. Only those chunks are tokenized (by :mod:`codeer.nlp.tokenizer`, spaCy's tokenizer in
Python, or by spaCy's own), each distinct chunk once; every other chunk is skipped. The result equals the
Sentencizer's on the whole text (tests/test_nlp.py checks it against spaCy on generated texts).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from itertools import accumulate

from codeer.nlp.tokenizer import Sentences, Token

CACHED_CHUNKS = 200_000  # distinct chunks remembered per state; a new corpus refills the cache
LATIN_1 = "\xff"
COMMON_PUNCTUATION = ("\u2000", "\u214f")  # general punctuation, currency, letterlike symbols
# White space other than the single space between words (newline included): such a text is not normalised.
ODD_SPACE = "".join(chr(i) for i in range(0x3001) if chr(i).isspace() and chr(i) != " ")


def _class(characters: str) -> str:
    return "".join(re.escape(c) for c in characters)


ODD_SPACE_RE = re.compile(f"[{_class(ODD_SPACE)}]")


def _above_latin(finals: list[str]) -> str:
    """A regex class body matching every final above Latin-1, cheaply (and more characters besides).

    Python's regex engine scans a class of many scattered characters slowly, so the full set of finals
    is searched only in texts this class matches: it spans the finals' range but leaves out the block of
    quotes, dashes and currency signs that Dutch text is full of, except the finals inside it.
    """
    low, high = COMMON_PUNCTUATION
    parts = [_class("".join(c for c in finals if low <= c <= high))]
    if finals and finals[0] < low:
        parts.append(f"{re.escape(finals[0])}-{re.escape(chr(ord(low) - 1))}")
    if finals and finals[-1] > high:
        parts.append(f"{re.escape(chr(ord(high) + 1))}-{re.escape(finals[-1])}")
    return "".join(parts)


class RuleSentences:
    """The Sentencizer rule for one tokenizer and set of sentence-final characters.

    ``tokens`` tokenizes one chunk (no white space in it) as ``(text, offset, is_punct)``; ``whole`` gives
    the sentences of a text that is not normalised, which the rule cannot segment chunk by chunk.
    """

    def __init__(
        self, tokens: Callable[[str], list[Token]], finals: Iterable[str], whole: Callable[[str], Sentences]
    ) -> None:
        self._tokenizer = tokens
        self._whole = whole
        self._finals = frozenset(finals)
        ordered = sorted(self._finals)
        latin = [c for c in ordered if c <= LATIN_1]
        above = _above_latin([c for c in ordered if c > LATIN_1])
        self._latin = re.compile(f"[{_class(''.join(latin))}][^ ]*")
        self._every = re.compile(f"[{_class(''.join(ordered))}][^ ]*")
        self._above = re.compile(f"[{above}]") if above else None
        # One scan answers the usual case of both questions: odd white space? finals above Latin-1?
        self._unusual = re.compile(f"[{_class(ODD_SPACE)}{above}]")
        # chunk -> (offsets of the sentence starts in it, final seen after the last one), per entry state
        self._after_plain: dict[str, tuple[tuple[int, ...], bool]] = {}
        self._after_final: dict[str, tuple[tuple[int, ...], bool]] = {}

    def _chunk(self, chunk: str, seen: bool) -> tuple[tuple[int, ...], bool]:
        """Run the rule over one chunk's tokens, entering with ``seen`` (a final since the last start)."""
        cache = self._after_final if seen else self._after_plain
        found = cache.get(chunk)
        if found is None:
            if len(cache) >= CACHED_CHUNKS:
                cache.clear()
            starts = []
            for text, idx, punct in self._tokenizer(chunk):
                final = text in self._finals
                if seen and not final and not punct:
                    starts.append(idx)
                    seen = False
                elif final:
                    seen = True
            found = cache[chunk] = (tuple(starts), seen)
        return found

    @staticmethod
    def normalised(text: str) -> bool:
        """Whether the rule can segment ``text``: words separated by single spaces, nothing else."""
        return "  " not in text and text[:1] != " " and text[-1:] != " " and not ODD_SPACE_RE.search(text)

    def segment(self, texts: list[str]) -> list[Sentences]:
        """Every text's sentences; a text that is not normalised is segmented whole, the rest by the rule."""
        found = self._segment(texts)
        if found is None:
            odd = [i for i, text in enumerate(texts) if not self.normalised(text)]
            # every text left is normalised, so the rule takes them all (an odd one counts as empty here)
            found = self._segment([text if self.normalised(text) else "" for text in texts]) or []
            for i in odd:
                found[i] = self._whole(texts[i])
        return found

    def _segment(self, texts: list[str]) -> list[Sentences] | None:
        """Every text's sentences, or None if a text is not normalised.

        The texts are searched as one string, joined by single spaces (empty texts left out, they have
        no sentences); where one text ends is known, so the rule never runs on into the next.
        """
        joined = " ".join(text for text in texts if text)
        if "  " in joined or joined[:1] == " " or joined[-1:] == " ":
            return None
        finals = self._latin
        if self._unusual.search(joined):
            if ODD_SPACE_RE.search(joined):
                return None
            if self._above is not None and self._above.search(joined):
                finals = self._every
        ends = set(accumulate(len(text) + 1 for text in texts if text))  # one past each text's end
        return _split(texts, self._starts(joined, finals, ends))

    def _starts(self, joined: str, finals: re.Pattern[str], ends: set[int]) -> list[int]:
        """Positions in ``joined`` where a sentence starts, other than at the start of a text."""
        starts: list[int] = []
        done = 0  # text before this has been through the rule
        after_plain = self._after_plain
        rfind = joined.rfind
        for match in finals.finditer(joined):
            final = match.start()
            if final < done:
                continue  # a later final in a chunk the rule already went through
            begin = rfind(" ", 0, final) + 1
            end = match.end()
            chunk = joined[begin:end]
            found, seen = after_plain.get(chunk) or self._chunk(chunk, False)
            if found:
                starts.extend([begin + offset for offset in found])
            done = end
            while seen and end + 1 not in ends:  # the rule goes on into the next chunk, up to a plain token
                begin = end + 1
                if joined[begin].isalnum():
                    starts.append(begin)  # a chunk opening with a letter or digit opens with a word
                    done = begin
                    break
                end = joined.find(" ", begin)
                if end < 0:
                    end = len(joined)
                found, seen = self._chunk(joined[begin:end], True)
                starts.extend([begin + offset for offset in found])
                done = end
        return starts


def _split(texts: list[str], starts: list[int]) -> list[Sentences]:
    """Turn sentence starts in the joined texts into each text's ``[start, end]`` pairs."""
    result: list[Sentences] = []
    offset = 0
    pending = iter(starts)
    following = next(pending, None)
    for text in texts:
        size = len(text)
        if not size:
            result.append([])
            continue
        sentences = []
        begin = 0
        while following is not None and following < offset + size:
            start = following - offset
            sentences.append([begin, start - 1 if text[start - 1] == " " else start])
            begin = start
            following = next(pending, None)
        sentences.append([begin, size])
        result.append(sentences)
        offset += size + 1
    return result
