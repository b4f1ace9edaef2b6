"""WebVTT captions: Microsoft Teams (voice tags) and Zoom (``Name: text`` in the cue).

Our own small parser rather than ``webvtt-py``: that library skips a cue with a broken time line without a
word, and its errors carry no line number; a coder must be told which line to fix.

* The first line must start with ``WEBVTT``; the header block after it is ignored, and so are ``NOTE``,
  ``STYLE`` and ``REGION`` blocks.
* A cue is an optional identifier line, a time line ``00:00:01.000 --> 00:00:04.000`` (a broken one is an
  error naming its line) and text lines up to the next blank line. The cue's start is the time of its text.
* ``<v Name>`` (also ``<v.loud Name>``, with or without ``</v>``) makes Name the speaker; several voices in
  one cue are several pieces. Text with no voice is checked line by line for ``Name: text`` (Zoom); a line
  with neither continues the current speaker's turn, or is preamble before the first speaker.
* Other tags (``<c>``, ``<b>``, ``<i>``, timestamp tags ...) are dropped and entities (``&amp;``, ``&#237;``)
  decoded, in the text and in a voice's name (Teams writes ``<v Carlos Far&#237;as>``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from codeer.errors import CodeerError
from codeer.ingest.encoding import decode
from codeer.ingest.layout import Piece, segment
from codeer.ingest.turns import Body, clean, cue_start, strip_tags

_VOICE_RE = re.compile(r"<v(?:\.[^\s<>]{0,100})?(?:[ \t]+(?P<name>[^<>\n]{0,200}))?>|</v>", re.IGNORECASE)
_EXPECTED_TIMING = "00:00:01.000 --> 00:00:04.000"
_TIMING_RE = re.compile(r"[ \t]*(?P<start>\S{1,40})[ \t]+-->[ \t]+(?P<end>\S{1,40})(?:[ \t].*)?")
_IGNORED_BLOCKS = ("NOTE", "STYLE", "REGION")


def read_vtt(data: bytes, path: Path, *, unlabelled: str | None = None) -> Body:
    """Turns and preamble of a ``.vtt`` file's bytes."""
    lines = decode(data, path).split("\n")
    first = lines[0].lstrip("\ufeff")
    if not (first.startswith("WEBVTT") and (len(first) == 6 or first[6] in " \t")):
        raise CodeerError("not a WebVTT file: the first line must be 'WEBVTT'", path, 1)
    pieces: list[Piece] = []
    for block in _blocks(lines):
        head_number, head = block[0]
        if head_number == 1 or any(
            head.startswith(word) and (len(head) == len(word) or head[len(word)] in " \t")
            for word in _IGNORED_BLOCKS
        ):
            continue
        if "-->" in head:
            timing_number, timing, text = head_number, head, block[1:]
        elif len(block) > 1 and "-->" in block[1][1]:
            (timing_number, timing), text = block[1], block[2:]
        else:
            raise CodeerError(
                "expected a cue time line like '00:00:01.000 --> 00:00:04.000'", path, head_number
            )
        start = cue_start(
            timing, _TIMING_RE, path, timing_number, "cue time line", "00:00:01.000 --> 00:00:04.000"
        )
        if text:
            _read_cue(pieces, text, start)
    return segment(pieces, path, cues=True, unlabelled=unlabelled)


def _blocks(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines, each line with its number."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            current.append((number, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _read_cue(pieces: list[Piece], text: list[tuple[int, str]], start: int) -> None:
    """One cue's lines as pieces: text under a voice tag carries its voice, other lines are plain."""
    raw = "\n".join(line for _, line in text)
    first = len(pieces)
    if "<v" not in raw and "<V" not in raw:
        pieces.extend(Piece(n, html.unescape(strip_tags(line)), start, None, False) for n, line in text)
    else:
        voice: str | None = None
        position, line = 0, text[0][0]
        for m in _VOICE_RE.finditer(raw):
            _voiced(pieces, voice, raw[position : m.start()], start, line)
            line += raw.count("\n", position, m.end())
            voice = None
            if m.group()[:2].lower() == "<v":
                voice = clean(html.unescape(m["name"] or "")) or None
            position = m.end()
        _voiced(pieces, voice, raw[position:], start, line)
    if len(pieces) > first:
        pieces[first] = pieces[first]._replace(unit=True)


def _voiced(pieces: list[Piece], voice: str | None, text: str, start: int, line: int) -> None:
    """Text under a voice is one piece of that voice; unvoiced lines are pieces of their own."""
    if voice is not None:
        if text.strip():
            pieces.append(Piece(line, html.unescape(strip_tags(text)), start, voice, False))
        return
    for offset, raw_line in enumerate(text.split("\n")):
        if raw_line.strip():
            pieces.append(Piece(line + offset, html.unescape(strip_tags(raw_line)), start, None, False))
