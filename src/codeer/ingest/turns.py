"""What every format shares: times, speaker labels, and building turns from pieces.

Every reader cuts its file into *pieces* (a line, a cue, a paragraph), each with an optional speaker and
time, and hands them to a :class:`TurnBuilder`. The builder is where the rules common to all formats live,
so they cannot drift apart: consecutive pieces by one speaker merge into one turn, text before the first
speaker is the preamble, whitespace collapses.

Every regular expression here is anchored and bounded (a label is looked for only in the first
:data:`LABEL_WINDOW` characters of a line), so a 100 MB line costs linear time, never quadratic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from codeer.errors import CodeerError
from codeer.ingest.records import Turn

#: How far into a line a speaker label (with a time before or after it) is looked for.
LABEL_WINDOW = 120

#: A clock time as transcripts write it: ``m:ss``, ``mm:ss``, ``h:mm:ss``, with ``.fff`` or ``,fff``.
TIME = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,9})?"
_TIME_RE = re.compile(r"(?:(\d{1,3}):)?(\d{1,3}):(\d{2})(?:[.,](\d{1,9}))?")

# A speaker name: starts with a letter or digit (any script), then letters, digits, spaces, . , - ' ’ _ ( ),
# 40 characters at most ("Mireille Reece, PsyD"). No colon, slash or @, so "https://..." and "10:30" never
# become a speaker.
NAME = r"[^\W_][\w .,'’()\-]{0,39}"
# Between bold markers the markers themselves delimit the name, so it may hold any character but a colon, an
# asterisk or a line break ("**Paul Frazee✌:**", "**$STDOUT:**", "**Clip from JS Party #256:**").
BOLD_NAME = r"[^\s*:][^*:\n]{0,39}"

_LABEL_RE = re.compile(
    rf"""[ \t]*
    (?:(?:\[(?P<t1>{TIME})\]|\((?P<t2>{TIME})\)|(?P<t3>{TIME}))[ \t]*(?:[-–—][ \t]*)?)?   # [00:01:12] P1:
    (?:\*\*)?(?P<name>{NAME})(?:\*\*)?                                                # **P1**
    (?:[ \t]*(?:\[(?P<t4>{TIME})\]|\((?P<t5>{TIME})\)))?                                # P1 (00:01:12):
    [ \t]*:(?:\*\*)?(?=\s|$)[ \t]*                                                     # ':' or ':**'
    """,
    re.VERBOSE,
)

# The transcription-service header: a line holding only a name and a time, in either order, the time bare
# or in brackets ("Anna de Vries  0:05", "Speaker 1 [00:00:05]", "00:00:03 Speaker 1" as Word writes it).
_HEADER_RE = re.compile(
    rf"""[ \t]*(?:
        (?P<name>{NAME}?)[ \t]+(?:(?P<t1>{TIME})|\[(?P<t2>{TIME})\]|\((?P<t3>{TIME})\))
      | (?:(?P<t4>{TIME})|\[(?P<t5>{TIME})\]|\((?P<t6>{TIME})\))[ \t]+(?:[-–—][ \t]*)?(?P<name2>{NAME}?)
    )[ \t]*""",
    re.VERBOSE,
)

# A line starting with a bold name (Markdown): "**Name** text", "**Name:** text", "**(Name)** text",
# "**Name** [00:01:12] text", "**Name**  0:05" (text below), "__Name__".
_BOLD_RE = re.compile(
    rf"""[ \t]*(?P<mark>\*\*|__)[ \t]*(?:\((?P<pname>{NAME})\)|(?P<name>{BOLD_NAME}?))
    (?:[ \t]*(?:\[(?P<t0>{TIME})\]|\((?P<t00>{TIME})\)))?                       # **Speaker 1 (00:00):**
    [ \t]*(?P<c1>:)?[ \t]*(?P=mark)[ \t]*(?P<c2>:)?
    (?:[ \t]*(?:\[(?P<t1>{TIME})\]|\((?P<t2>{TIME})\)|(?P<t3>{TIME})(?=\s|$)))?
    [ \t]*(?:(?P<c3>[:\-–—])(?=\s|$)[ \t]*)?""",
    re.VERBOSE,
)

# A name in brackets at the start of a line: "[Speaker 1] text", "[SPEAKER_00]: text" (WhisperX), or alone on
# its line: "(Danyel Fisher)", "[Anna]" (Google Meet captions), the text below. "[text](https://...)" is a
# Markdown link, not a name.
_BRACKET_RE = re.compile(rf"[ \t]*(?:\[(?P<b>{NAME})\](?!\()|\((?P<p>{NAME})\))[ \t]*(?::(?=\s|$)[ \t]*)?")

# The examination in a court or deposition transcript: "Q. Did you ...?" / "A. Yes." (the questioner and the
# witness). Only these two letters: "B. Second point" is a list.
# OCR drops the period now and then ("Q Okay. So now ..."): that bare form is "exambare", read only in a
# file that has the dotted form too.
_EXAMINATION_RE = re.compile(
    # not "A F T E R N O O N" spelled out
    r"[ \t]*(?P<name>[QA])(?:(?P<dot>\.)[ \t]+(?=\S)|[ \t]+(?=[A-Z0-9\"“])(?![A-Z] [A-Z] ))"
)

# A cue time line in a text file, and a line holding only a name.
_ARROW_RE = re.compile(r"[ \t]*(?P<start>[\d:.,]{3,20})[ \t]*-->[ \t]*[\d:.,]{3,20}[ \t]*")
_NAME_RE = re.compile(NAME)

# A Markdown heading holding only a name (and perhaps a time): "### Interviewer", "## **P1** (00:01:12)".
_HEADING_RE = re.compile(
    rf"""[ \t]*(?P<level>\#{{1,6}})[ \t]+(?:\*\*)?(?P<name>{NAME}?)(?:\*\*)?
    (?:[ \t]*(?:\[(?P<t1>{TIME})\]|\((?P<t2>{TIME})\)|(?P<t3>{TIME})))?[ \t]*:?[ \t]*\#*[ \t]*""",
    re.VERBOSE,
)

# A line that starts with a time but has no label: "[00:01:12] more text".
_TIME_PREFIX_RE = re.compile(
    rf"[ \t]*(?:\[(?P<t1>{TIME})\]|\((?P<t2>{TIME})\)|(?P<t3>{TIME})(?=[ \t]|$))[ \t]*(?:[-–—][ \t]+)?"
)

# Markup in cue text: WebVTT's tags (<c.x>, <b>, <i>, <u>, <v Name>, <ruby>, <rt>, <lang en>, timestamps)
# and SRT's (<i>, <b>, <u>, <font color=...>, {\an8}). Only known tags, so a literal "<3" survives.
_TAG_RE = re.compile(
    r"</?(?:c|i|b|u|v|s|ruby|rt|lang|font|span)(?:[.\s][^<>\n]{0,200})?>"
    r"|<\d{1,2}(?::\d{2}){1,2}\.\d{3}>"
    r"|\{\\[^{}\n]{0,100}\}",
    re.IGNORECASE,
)


def parse_time(text: str) -> int | None:
    """Milliseconds of ``h:mm:ss(.fff)``, ``mm:ss``, ``m:ss`` or ``hh:mm:ss,fff``; None if it is not one."""
    m = _TIME_RE.fullmatch(text.strip())
    if not m:
        return None
    hours, minutes, seconds, fraction = m.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        return None
    ms = int(fraction[:3].ljust(3, "0")) if fraction else 0
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + ms


def cue_start(timing: str, pattern: re.Pattern[str], path: Path, line: int, what: str, expected: str) -> int:
    """The start (ms) of a subtitle cue's ``start --> end`` line, for SRT and WebVTT alike.

    ``pattern`` has groups ``start`` and ``end``; a line it does not match, or whose times are no times,
    is a CodeerError naming the line (``what`` and ``expected`` word the message for the format).
    """
    m = pattern.fullmatch(timing[:1000])
    start = parse_time(m["start"]) if m else None
    end = parse_time(m["end"]) if m else None
    if start is None or end is None:
        raise CodeerError(f"broken {what} {timing[:60].strip()!r}; expected {expected!r}", path, line)
    return start


def clean(text: str) -> str:
    """Whitespace (tabs, newlines, runs of spaces) collapsed to single spaces, ends stripped."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # already clean (the usual case), found without splitting: isprintable is C-fast
    return " ".join(text.split())


def strip_tags(text: str) -> str:
    """Cue text without WebVTT/SRT markup tags."""
    return _TAG_RE.sub("", text) if "<" in text or "{" in text else text


def _valid_name(name: str) -> str | None:
    """The cleaned name, or None when it cannot be a speaker (digits only: a number or a time)."""
    if name.isalpha():
        return name  # the usual one-word name, nothing to clean or check
    name = clean(name)
    if not name or name.replace(" ", "").replace(".", "").isdigit():
        return None
    return name


class Label(NamedTuple):
    """A speaker label found at the start of a line, and the text after it (one per line: kept light).

    ``kind`` is the family of layout the label belongs to (:mod:`codeer.ingest.layout`): ``label``
    (``Name: text``), ``bold`` (``**Name** text``), ``boldcolon`` (``**Name:** text``), ``head`` (a line
    holding only a name and a time),
    ``alone`` (a name in brackets alone on its line), ``heading1``..``heading6`` (a Markdown heading holding
    only a name), ``voice`` (a WebVTT voice tag), ``exam`` and ``exambare`` (``Q.``/``A.`` and ``Q``/``A``,
    read as ``label`` where the file has both dotted ones, each more than once).
    """

    speaker: str
    text: str
    start_ms: int | None
    kind: str = "label"


def match_label(line: str) -> Label | None:
    """``Name: text`` (optionally ``[00:01:12] Name:``, ``Name (00:01:12):``, ``**Name:**``), else None."""
    window = line[:LABEL_WINDOW]
    if ":" not in window:  # cheap test first: most lines of a long turn have no colon near the start
        return None
    m = _LABEL_RE.match(window)
    if not m:
        return None
    speaker = _valid_name(m.group("name"))
    if speaker is None:
        return None
    t1, t2, t3, t4, t5 = m.group("t1", "t2", "t3", "t4", "t5")
    stamp = t1 or t2 or t3 or t4 or t5
    return Label(speaker, line[m.end() :], parse_time(stamp) if stamp else None)


def match_examination(line: str) -> Label | None:
    """``Q. text`` or ``A. text`` (court and deposition transcripts; kind ``exam``), ``Q Text`` without the
    period (kind ``exambare``), else None."""
    m = _EXAMINATION_RE.match(line[:LABEL_WINDOW])
    if not m:
        return None
    return Label(m.group("name"), line[m.end() :], None, "exam" if m.group("dot") else "exambare")


def match_header(line: str) -> Label | None:
    """A line holding only a name and a time (``Name  0:05``, ``Name [0:05]``, ``00:00:05 Name``), else None.

    The transcription-service layout: the turn's text follows on the next lines.
    """
    if len(line) > LABEL_WINDOW:
        return None
    last = line.rstrip()[-1:]
    if not (last.isdigit() or last in "])" or line.lstrip()[:1] in "[(0123456789"):
        return None
    m = _HEADER_RE.fullmatch(line)
    if not m:
        return None
    speaker = _valid_name(m.group("name") or m.group("name2") or "")
    start = parse_time(_first(m, "t1", "t2", "t3", "t4", "t5", "t6"))
    if speaker is None or start is None:
        return None
    return Label(speaker, "", start, "head")


def match_bold(line: str) -> Label | None:
    """A line starting with a bold name (``**Name** text``, ``**Name:**``, ``**Name** [0:05]``), else None.

    A bold name with a time and nothing after it is a ``head`` (the text follows on the next lines, as in
    Otter's layout pasted into Markdown); otherwise a ``bold`` label, or ``boldcolon`` when a colon follows
    the name (``**Name:**``, ``**Name**:``): a file's speakers are written one way, so ``**SHOUT OUT** to
    ...`` among ``**Jerod Santo:**`` labels is emphasis, not a speaker.
    """
    m = _BOLD_RE.match(line[:LABEL_WINDOW])
    if not m:
        return None
    speaker = _valid_name(m.group("pname") or m.group("name") or "")
    if speaker is None:
        return None
    stamp = _first(m, "t0", "t00", "t1", "t2", "t3")
    start = parse_time(stamp) if stamp else None
    text = line[m.end() :]
    if start is not None and not text.strip():
        return Label(speaker, text, start, "head")
    colon = m.group("c1") or m.group("c2") or m.group("c3") == ":"
    return Label(speaker, text, start, "boldcolon" if colon else "bold")


def match_bracket(line: str) -> Label | None:
    """``[Name] text``, ``[Name]: text`` (a label), or ``(Name)`` / ``[Name]`` alone on a line (a head)."""
    m = _BRACKET_RE.match(line[:LABEL_WINDOW])
    if not m:
        return None
    speaker = _valid_name(m.group("b") or m.group("p"))
    text = line[m.end() :]
    if speaker is None or (m.group("p") and text.strip()):  # "(laughs) yes" is text, "(Anna)" alone a name
        return None
    start = parse_time(text) if text[-1:].isdigit() else None  # "[Anna de Vries] 10:01:02", text below
    if start is not None:
        return Label(speaker, "", start, "head")
    if not text.strip():  # "(Anna)" alone: Google Meet's speaker, or a court transcript's "(Recess)"
        return Label(speaker, "", None, "alone")
    return Label(speaker, text, None, "label")


def match_cue_name(timing: str, name: str) -> Label | None:
    """A name alone on its line beside a cue's time: after ``0:0:0.0 --> 0:0:5.20`` (Teams' Word
    transcripts), or above a line holding only ``00:00:02`` (Zoom's transcript text); else None."""
    m = _ARROW_RE.fullmatch(timing[:200])
    start = _loose_time(m.group("start")) if m else parse_time(timing[:40])
    if start is None or len(name) > LABEL_WINDOW or not _NAME_RE.fullmatch(name.strip()):
        return None
    speaker = _valid_name(name)
    return Label(speaker, "", start, "head") if speaker is not None else None


def _loose_time(text: str) -> int | None:
    """``0:0:5.20`` as Teams writes it (one-digit fields): milliseconds, or None."""
    parts = text.replace(",", ".").split(":")
    if len(parts) > 3 or not all(p.replace(".", "", 1).isdigit() for p in parts):
        return None
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return round(seconds * 1000)


def match_heading(line: str) -> Label | None:
    """A Markdown heading holding only a name, perhaps with a time (``### Interviewer``), else None."""
    if len(line) > LABEL_WINDOW:
        return None
    m = _HEADING_RE.fullmatch(line)
    if not m:
        return None
    speaker = _valid_name(m.group("name") or "")
    if speaker is None:
        return None
    stamp = _first(m, "t1", "t2", "t3")
    return Label(speaker, "", parse_time(stamp) if stamp else None, f"heading{len(m.group('level'))}")


def _first(m: re.Match[str], *groups: str) -> str:
    """The first of ``groups`` that matched, or ''."""
    return next((m.group(g) for g in groups if m.group(g)), "")


def time_prefix(line: str) -> tuple[int | None, str]:
    """The time a line starts with (``[00:01:12] text``, ``00:01:12 text``), if any, and the rest of it."""
    if line.lstrip()[:1] not in "[(0123456789":
        return None, line
    m = _TIME_PREFIX_RE.match(line[:LABEL_WINDOW])
    if not m:
        return None, line
    return parse_time(_first(m, "t1", "t2", "t3")), line[m.end() :]


@dataclass
class Body:
    """What a reader found in a file: turns in file order, the preamble before the first turn and the
    postamble after the last (an export footer), the layout its speaker labels use, and what to check."""

    turns: list[Turn] = field(default_factory=list)
    preamble: str = ""
    postamble: str = ""
    layout: str = ""
    warnings: list[str] = field(default_factory=list)


class TurnBuilder:
    """Collects pieces into turns: same speaker in a row merges, text before any speaker is preamble.

    A label with no text yet (``Name:`` alone, or a ``Name  0:05`` header) makes its speaker *current*; the
    turn is created when text arrives, so a header without any text leaves no empty passage behind.
    """

    def __init__(self) -> None:
        self._heads: list[tuple[str, int | None, int | None]] = []  # each turn's speaker, start and line
        self._texts: list[list[str]] = []  # each turn's pieces, joined once at the end (no quadratic +=)
        self._preamble: list[str] = []
        self._speaker: str | None = None
        self._start: int | None = None
        self._line: int | None = None
        self._closed = False

    def pause(self, text: str) -> None:
        """A break in the programme (``**Break:** [20:20]``): its text stays with the turn before it, and
        that turn ends, so the next text starts a new turn even if its speaker is the same."""
        text = clean(text)
        if text and self._texts:
            self._texts[-1].append(text)
        elif text:
            self._preamble.append(text)
        self._closed = True

    def speaker(self, name: str, start_ms: int | None, line: int | None) -> None:
        """From here on, text belongs to ``name`` (a label, voice tag or header was seen).

        Another speaker's label ends the current turn even if nothing follows it (``**Adam:** [01:24:26]``
        alone between two turns of Jerome leaves two turns of Jerome, not one)."""
        if self._heads and self._heads[-1][0] != name:
            self._closed = True
        self._speaker, self._start, self._line = name, start_ms, line

    def text(self, text: str, line: int | None, start_ms: int | None = None) -> None:
        """Text of the current speaker, or of the preamble if no speaker has spoken yet."""
        text = clean(text)
        if not text:
            return
        if self._speaker is None:
            self._preamble.append(text)
            return
        if self._heads and self._heads[-1][0] == self._speaker and not self._closed:
            self._texts[-1].append(text)
        else:
            start = self._start if self._start is not None else start_ms
            self._heads.append((self._speaker, start, self._line if self._line else line))
            self._texts.append([text])
            self._closed = False
        # Later text of the same piece is not a new start.
        self._start, self._line = None, None

    @property
    def has_speaker(self) -> bool:
        """Whether a speaker has been seen (text now goes to turns, not to the preamble)."""
        return self._speaker is not None

    def body(self) -> Body:
        """The turns and the preamble (its lines joined with newlines)."""
        turns = [
            Turn(speaker, " ".join(texts), start, line)
            for (speaker, start, line), texts in zip(self._heads, self._texts, strict=True)
        ]
        return Body(turns, "\n".join(self._preamble))
