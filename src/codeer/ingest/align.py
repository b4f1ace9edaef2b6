"""Aligning an old version of a transcript with a corrected one, so codings survive a re-import.

Researchers fix typos, split a turn that held two speakers, or merge turns after an import. Codings live on
passages, so a re-import must find, for every old passage, the new passage that holds its text, and, for
every span, the same words in the new text. Exact matches are certain; fuzzy ones (rapidfuzz) are placed but
reported for the coder to check; what cannot be placed is reported as lost, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz import fuzz, process

CERTAIN = 100.0
PLACE_AT = 80.0  # below this similarity a passage or span is not placed at all


@dataclass(frozen=True)
class Placement:
    """Where an old passage's text went: the new passage index and how sure we are (0–100)."""

    new_index: int
    score: float

    @property
    def certain(self) -> bool:
        return self.score >= CERTAIN


def align_passages(old: list[str], new: list[str]) -> dict[int, Placement]:
    """Map old passage indexes to new ones: unchanged runs first, then fuzzy matches for the rest.

    A merged turn contains the old text (partial ratio 100, but not equal), a split turn is contained in
    one of the new ones; both are placed but only an identical text counts as certain.
    """
    placements: dict[int, Placement] = {}
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            placements[block.a + offset] = Placement(block.b + offset, CERTAIN)
    taken = {p.new_index for p in placements.values()}
    for index, text in enumerate(old):
        if index in placements:
            continue
        # Prefer new passages near the old position: candidates are scored by similarity, ties by distance.
        best = process.extract(text, new, scorer=fuzz.ratio, limit=5)
        best += process.extract(text, new, scorer=fuzz.partial_ratio, limit=5)
        ranked = sorted(
            ((score, -abs(j - index), j) for _, score, j in best if score >= PLACE_AT),
            reverse=True,
        )
        if not ranked:
            continue
        score, _, j = ranked[0]
        # A fuzzy match onto a passage that already has an exact partner is a merge: never certain.
        if j in taken or new[j] != text:
            score = min(score, CERTAIN - 1)
        placements[index] = Placement(j, score)
    return placements


def relocate_span(old_text: str, new_text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """Find the words ``old_text[start:end]`` in ``new_text``: ``(start, end, score)`` or None."""
    needle = old_text[start:end]
    if not needle.strip():
        return None
    found = _occurrences(new_text, needle)
    if found:
        # The occurrence nearest to where it was, relative to the text's length, wins.
        shift = len(new_text) - len(old_text)
        best = min(found, key=lambda i: abs(i - start) if i <= start else abs(i - start - shift))
        return best, best + len(needle), CERTAIN
    alignment = fuzz.partial_ratio_alignment(needle, new_text)
    if alignment is None or alignment.score < PLACE_AT:
        return None
    s, e = alignment.dest_start, alignment.dest_end
    if e <= s:
        return None
    return s, e, min(alignment.score, CERTAIN - 1)


def _occurrences(text: str, needle: str) -> list[int]:
    hits, at = [], text.find(needle)
    while at != -1:
        hits.append(at)
        at = text.find(needle, at + 1)
    return hits
