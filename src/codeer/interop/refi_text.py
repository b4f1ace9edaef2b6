"""A transcript as one plain text and back, and text selections as passage spans.

**Writing.** A transcript becomes one line per passage, lines separated by LF::

    [0:01:12] Anna: Ik werd meteen teruggebeld.      (time when the passage has one)
    Moderator: En hoe voelde dat?
    Een passage zonder spreker.                      (a passage without speaker: its text alone)

A whole-passage coding selects the whole line (label included); a span selects its characters inside the
text after the label. Offsets are Unicode code points, as the standard says.

**Reading.** A source's text is cut into passages with the same label rule codeer's transcript readers use
(:func:`codeer.ingest.turns.match_label`), but keeping every character's position, because each selection
must land on exactly the characters its program selected.

- A text codeer wrote (its source carries a ``Key:`` field) is read back line by line: one line, one
  passage, its label (if any) its speaker; a transcript without any speaker says so (``Speakers: none``)
  and its lines are read without looking for labels.
- Any other text is a transcript if at least a third of its non-blank lines start with the label of a
  speaker who speaks more than once (so ``Afspraak: ...`` once in a report does not make it a transcript).
  Then a labelled line starts a passage, an unlabelled line continues the passage before it (its line break
  becomes one space), and lines before the first label are passages without speaker.
- Otherwise every non-blank line is a passage without speaker (a paragraph).

Each passage is stripped of surrounding whitespace; the rest of its text is the source's text, unchanged.

A selection then becomes, for every passage it touches, either the whole passage (when it covers the
passage's whole line, label included) or the span it covers inside the passage's text.

**Offsets of other programs.** NVivo counts UTF-16 code units (an emoji counts two) and ATLAS.ti is
reported to count CRLF as one character. :class:`Units` converts each convention to code points, and
:func:`choose_units` decides which one a file uses (see there).
"""

from __future__ import annotations

import bisect
import enum
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from codeer.ingest.turns import match_label

#: A source is a transcript when at least this share of its non-blank lines carry a speaker label.
LABELLED_SHARE = 1 / 3


def format_time(ms: int) -> str:
    """``h:mm:ss`` or ``h:mm:ss.fff``: what :func:`codeer.ingest.turns.parse_time` reads back exactly."""
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    stamp = f"{hours}:{minutes:02}:{seconds:02}"
    return f"{stamp}.{millis:03}" if millis else stamp


def passage_label(speaker: str | None, start_ms: int | None) -> str:
    """What stands before a passage's text on its line."""
    label = f"{speaker}: " if speaker else ""
    if start_ms is not None and speaker:
        label = f"[{format_time(start_ms)}] {label}"
    return label


@dataclass(frozen=True)
class LinePassage:
    """A passage as one line of a written source: where the line starts and where its text starts."""

    line_start: int
    text_start: int
    text_end: int


def render(passages: Iterable[tuple[str | None, int | None, str]]) -> tuple[str, list[LinePassage]]:
    """The plain text of ``(speaker, start_ms, text)`` passages and where each one is in it.

    A passage's own line breaks become spaces (same length, so offsets inside it hold): one passage is
    one line.
    """
    lines: list[str] = []
    places: list[LinePassage] = []
    at = 0
    for speaker, start_ms, text in passages:
        label = passage_label(speaker, start_ms)
        text = text.replace("\r", " ").replace("\n", " ")
        places.append(LinePassage(at, at + len(label), at + len(label) + len(text)))
        lines.append(label + text)
        at += len(label) + len(text) + 1
    return "\n".join(lines) + ("\n" if lines else ""), places


@dataclass
class SourcePassage:
    """A passage read from a source text. ``segments`` are ``(start, end)`` ranges of the source (in code
    points) whose texts, joined by single spaces, make ``text``; ``line_start`` is where its label begins."""

    speaker: str | None
    start_ms: int | None
    line_start: int
    segments: list[tuple[int, int]] = field(default_factory=list)
    text: str = ""

    def add(self, source: str, start: int, end: int) -> None:
        piece = source[start:end]
        self.text = f"{self.text} {piece}" if self.segments else piece
        self.segments.append((start, end))

    @property
    def text_end(self) -> int:
        return self.segments[-1][1]


LINE_BREAK = re.compile("\r\n|\r|\n")


def _lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line, without its line break (LF, CRLF or a lone CR)."""
    breaks = [(m.start(), m.end()) for m in LINE_BREAK.finditer(text)]
    starts = [0, *(end for _, end in breaks)]
    ends = [*(start for start, _ in breaks), len(text)]
    return list(zip(starts, ends, strict=True))


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_source(text: str, *, one_per_line: bool = False, labels: bool = True) -> list[SourcePassage]:
    """The passages of a source text, by the rule in the module docstring.

    ``one_per_line`` is for texts codeer wrote (:func:`render`): every line is one passage, a label on it
    names its speaker, whoever else speaks or not; without ``labels`` (a transcript without speakers) a line
    is all text, even one that starts like ``Afspraak: ...``.
    """
    lines = [_stripped(text, s, e) for s, e in _lines(text)]
    lines = [(s, e) for s, e in lines if e > s]
    found = [match_label(text[s:e]) if labels else None for s, e in lines]
    if one_per_line:
        transcript = True
    else:
        said = Counter(label.speaker for label in found if label is not None)
        transcript = sum(label is not None and said[label.speaker] > 1 for label in found) >= max(
            LABELLED_SHARE * len(lines), 1
        )
    passages: list[SourcePassage] = []
    current: SourcePassage | None = None
    for (start, end), label in zip(lines, found, strict=True):
        if transcript and label is not None:
            current = SourcePassage(label.speaker, label.start_ms, start)
            passages.append(current)
            text_start, _ = _stripped(text, end - len(label.text), end)
            if text_start < end:
                current.add(text, text_start, end)
        elif transcript and current is not None and not one_per_line:
            current.add(text, start, end)
        else:
            passage = SourcePassage(None, None, start)
            passage.add(text, start, end)
            passages.append(passage)
    return [p for p in passages if p.segments]


class SourceLayout:
    """The passages of one source text, with what is needed to place selections on them quickly."""

    def __init__(self, text: str, *, one_per_line: bool = False, labels: bool = True) -> None:
        self.passages = split_source(text, one_per_line=one_per_line, labels=labels)
        self._starts = [p.line_start for p in self.passages]

    def locate(self, start: int, end: int) -> list[tuple[int, int | None, int | None]]:
        """The passages a selection ``start:end`` (code points of the source) touches, as ``(index, start,
        end)``: ``None, None`` for a whole passage, else the span it covers inside the passage text."""
        found: list[tuple[int, int | None, int | None]] = []
        for index in range(max(bisect.bisect_right(self._starts, start) - 1, 0), len(self.passages)):
            passage = self.passages[index]
            if passage.line_start >= end:
                break
            if start <= passage.line_start and end >= passage.text_end:
                found.append((index, None, None))
                continue
            span = _span(passage.segments, start, end)
            if span is not None:
                found.append((index, *span))
        return found


def _span(segments: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The part of ``start:end`` inside the segments, as offsets into their space-joined text."""
    first: int | None = None
    last = 0
    offset = 0
    for seg_start, seg_end in segments:
        lo, hi = max(start, seg_start), min(end, seg_end)
        if lo < hi:
            if first is None:
                first = offset + lo - seg_start
            last = offset + hi - seg_start
        offset += seg_end - seg_start + 1
    return None if first is None else (first, last)


# --- offset conventions ----------------------------------------------------------------------------------


class Units(enum.Enum):
    """How a program counts positions in a text."""

    CODE_POINTS = "Unicode code points (the standard)"
    UTF16 = "UTF-16 code units (an emoji counts 2)"
    CODE_POINTS_CRLF_ONE = "code points, CRLF counted as one"
    UTF16_CRLF_ONE = "UTF-16 code units, CRLF counted as one"

    @property
    def utf16(self) -> bool:
        return self in (Units.UTF16, Units.UTF16_CRLF_ONE)

    @property
    def crlf_one(self) -> bool:
        return self in (Units.CODE_POINTS_CRLF_ONE, Units.UTF16_CRLF_ONE)


ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # two UTF-16 code units each


class OffsetMap:
    """Converts positions counted in :class:`Units` to code points of one text, in O(log n) each.

    Only the characters where the conventions differ are remembered: astral characters (two UTF-16 units)
    and the CR of a CRLF (no unit when CRLF counts as one).
    """

    def __init__(self, text: str, units: Units) -> None:
        specials: list[tuple[int, int]] = []  # (code point index, units minus one)
        if units.utf16:
            specials += [(m.start(), 1) for m in ASTRAL.finditer(text)]
        if units.crlf_one:
            at = text.find("\r\n")
            while at != -1:
                specials.append((at, -1))
                at = text.find("\r\n", at + 2)
        specials.sort()
        self.deltas = [d for _, d in specials]
        self.unit_at: list[int] = []  # the unit position of each special character
        self.before: list[int] = []  # the sum of deltas before each special character
        total = 0
        for index, delta in specials:
            self.unit_at.append(index + total)
            self.before.append(total)
            total += delta
        self.length = len(text) + total

    def to_code_point(self, unit: int) -> int | None:
        """The code point index of a unit position; None if outside the text or inside a surrogate pair."""
        if not 0 <= unit <= self.length:
            return None
        j = bisect.bisect_left(self.unit_at, unit)
        if j == 0:
            return unit
        shift = self.before[j - 1] + self.deltas[j - 1]
        if self.deltas[j - 1] == 1 and unit == self.unit_at[j - 1] + 1:
            return None
        return unit - shift


@dataclass(frozen=True)
class Evidence:
    """What speaks for one convention: selections it can place, boundaries on word edges, text matches."""

    units: Units
    placeable: bool
    edges: int
    matches: int
    prior: bool


def _at_edge(text: str, index: int, start: bool) -> bool:
    neighbour = index - 1 if start else index
    return neighbour < 0 or neighbour >= len(text) or not text[neighbour].isalnum()


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def weigh(
    units: Units, sources: Sequence[tuple[str, Sequence[tuple[int, int, str]]]], prior: bool
) -> Evidence:
    """The evidence for ``units`` over ``(text, [(start, end, label)])`` of every source.

    ``label`` is what the program wrote about the selection (its name or description), often the selected
    text or its beginning.
    """
    placeable, edges, matches = True, 0, 0
    for text, selections in sources:
        offsets = OffsetMap(text, units)
        for start, end, label in selections:
            s, e = offsets.to_code_point(start), offsets.to_code_point(end)
            if s is None or e is None or e < s:
                placeable = False
                continue
            edges += _at_edge(text, s, True) + _at_edge(text, e, False)
            chosen = text[s:e]
            label = label.strip()
            if label and (_same(label, chosen) or (len(label) >= 10 and _same(label, chosen[: len(label)]))):
                matches += 1
    return Evidence(units, placeable, edges, matches, prior)


def vendor_units(origin: str) -> Units:
    """The convention a program is known to use, from the project's ``origin`` attribute."""
    lowered = origin.lower()
    if "nvivo" in lowered:
        return Units.UTF16
    if "atlas" in lowered:
        return Units.CODE_POINTS_CRLF_ONE
    return Units.CODE_POINTS


def choose_units(
    sources: Sequence[tuple[str, Sequence[tuple[int, int, str]]]], origin: str
) -> tuple[Units, list[Evidence]]:
    """Decide how a file counts positions, from its texts and selections; return the choice and the evidence.

    The rule, applied to the whole file (one program wrote it):

    1. Only conventions that make a difference for these texts compete: UTF-16 only if a text has a
       character outside the Basic Multilingual Plane, CRLF-as-one only if a text has CRLF.
    2. A convention that puts a selection outside its text or inside a surrogate pair is out.
    3. More selections whose name or description matches the text they select wins.
    4. Then the number of selection boundaries on word edges (a start after a non-letter, an end before
       one); the convention the ``origin`` program is known for gets a head start of a tenth of all
       boundaries (at least 2), so that a handful of selections cannot outvote a known habit by chance,
       while a wrong habit (hundreds of boundaries mid-word) loses.
    5. A tie goes to the standard, code points.
    """
    has_astral = any(ASTRAL.search(text) for text, _ in sources)
    has_crlf = any("\r\n" in text for text, _ in sources)
    candidates = [u for u in Units if (has_astral or not u.utf16) and (has_crlf or not u.crlf_one)]
    known = vendor_units(origin)
    if known not in candidates:
        known = Units.UTF16 if known.utf16 and has_astral else Units.CODE_POINTS
    evidence = [weigh(u, sources, u is known) for u in candidates]
    boundaries = 2 * sum(len(s) for _, s in sources)
    head_start = max(2, boundaries // 10)

    def score(e: Evidence) -> tuple[bool, int, float, bool]:
        return (
            e.placeable,
            e.matches,
            e.edges + (head_start if e.prior else 0),
            e.units is Units.CODE_POINTS,
        )

    return max(evidence, key=score).units, evidence
