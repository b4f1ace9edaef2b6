"""Which speaker layout a file uses, and whether its labels really account for the file.

A wrong import is worse than a refused one: every table and quote built on it is wrong. So a file is read
in a layout only with evidence for it, by one rule (README, "Importing transcripts"):

1. Every line is checked for each kind of speaker label (:class:`~codeer.ingest.turns.Label` ``kind``):
   ``Name: text`` (label; also ``Q.``/``A.`` where a file has both more than once), ``**Name** text``
   (bold) and ``**Name:** text`` (boldcolon), a line holding only a name and a time (head), a name in
   brackets alone on its line (alone), a Markdown heading holding only a name (heading1..6), a WebVTT
   voice tag (voice). A candidate counts only if its name looks like a name (each word capitalised, a
   digit or a particle such as ``de``/``van``) or it is used at least twice: ``Daarbij had ik de volgende
   problemen:`` once never makes a speaker. Sounds, notes and breaks (``[laughs]``, ``Note:``,
   ``**Break:**``) are never speakers; a break ends the turn before it.
2. The kind with the most labels is the layout; another kind joins it when it shares a speaker name with it
   or has at least three name-like labels, a fifth as many, one of them used twice. Forms without a name
   in common are warned about; in Markdown, plain labels beside bold speakers may be prose
   (:func:`_mixed_forms`).
3. The layout is accepted only when (a) the blocks that start with one of its labels hold at least
   :data:`MIN_HELD` of the words after the preamble (two or more blocks that start with a label of another
   kind count against it), (b) neither the preamble before the first label nor the postamble after the
   conversation is the bulk of the file (not more words than the turns, once over
   :data:`PREAMBLE_FREE_WORDS` words), (c) there is at least one label per :data:`UNITS_PER_LABEL` lines
   (cues in subtitles) after the first, and (d) the labels are a conversation's: when no speaker has two
   turns the labels may stand above at most :data:`LINES_PER_TITLE` lines each (else they are titles or
   notes above a text), and Markdown headings are speakers only when most name someone who has several.
   Otherwise the file is refused with a diagnosis: what was found, and what most of its lines look like.

Leading short ``Name: text`` turns of speakers who speak only once, before anyone who speaks more often
(``Datum: 9 maart``, ``Locatie: Utrecht``, a court transcript's ``Before:`` and ``BY:`` title lines), are
read as preamble. Export footers (``Transcribed by https://otter.ai``) after the last turn, and in Markdown
a heading after the last label with what follows it, are the postamble, not part of the last turn. A
transcript copied from its pages loses its line numbers and page heads first (:mod:`codeer.ingest.pages`).

Only lines that could be labels (they start with ``*``, ``#``, a time, or hold a colon or end in a time)
are matched against more than one cheap test, so segmenting stays linear and fast on large imports.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import NamedTuple

from codeer.errors import CodeerError
from codeer.ingest.formats import UNLABELLED_MODES
from codeer.ingest.pages import without_line_numbers, without_running_heads
from codeer.ingest.records import NO_SPEAKER, Turn
from codeer.ingest.turns import (
    Body,
    Label,
    TurnBuilder,
    clean,
    match_bold,
    match_bracket,
    match_cue_name,
    match_examination,
    match_header,
    match_heading,
    match_label,
    time_prefix,
)

MIN_HELD = 0.9
UNITS_PER_LABEL = 25
PREAMBLE_FREE_WORDS = 50
HEADER_LINE_WORDS = 12  # a "Datum: 9 maart 2021" line at the top is short
LINES_PER_TITLE = 3  # labels each of a different speaker, each above more lines than this: titles

_KIND_ORDER = ("voice", "label", "boldcolon", "bold", "head", "alone", *(f"heading{n}" for n in range(1, 7)))
_KIND_WORDS = {
    "voice": "WebVTT voice tags '<v Name>'",
    "label": "labels 'Name: text'",
    "boldcolon": "bold names '**Name:** text'",
    "bold": "bold names '**Name** text'",
    "head": "name-and-time lines 'Name  0:05' with the text below",
    "alone": "names in brackets '(Name)' on a line of their own",
    **{f"heading{n}": f"headings '{'#' * n} Name' with the text below" for n in range(1, 7)},
}
_PARTICLES = frozenset(
    [
        "de",
        "den",
        "der",
        "van",
        "von",
        "het",
        "ten",
        "ter",
        "te",
        "la",
        "le",
        "du",
        "da",
        "di",
        "del",
        "della",
        "dos",
        "das",
        "do",
        "y",
        "e",
        "el",
        "al",
        "bin",
        "ibn",
        "zu",
        "'t",
        "van't",
    ]
)
# What a programme puts between turns: a label naming one of these is no speaker, and it ends the turn
# before it ("**Break:** [20:20]" between two turns of one speaker leaves two turns).
_BREAKS = frozenset(
    ["break", "ad break", "intro", "outro", "jingle", "music", "song", "sample", "sponsor", "advertisement"]
    + ["commercial", "reclame", "pauze"]
)
# What transcribers put in brackets or before a colon that is no speaker: sounds, gaps, notes, breaks.
_NOT_SPEAKERS = _BREAKS | frozenset(
    [
        "laughter",
        "laughs",
        "laughing",
        "applause",
        "music",
        "silence",
        "pause",
        "noise",
        "crosstalk",
        "inaudible",
        "unintelligible",
        "overlap",
        "overlapping",
        "background",
        "cough",
        "sighs",
        "sigh",
        "break",
        "end",
        "note",
        "notes",
        "lacht",
        "gelach",
        "gelaat",
        "stilte",
        "pauze",
        "onverstaanbaar",
        "onhoorbaar",
        "muziek",
        "applaus",
    ]
)
_FOOTER_RE = re.compile(
    r"[ \t]*(?:\*\*|_)?(?:transcribed|transcription|transcript|automatically transcribed|generated|created|"
    r"powered|made|getranscribeerd|transcriptie)\b.{0,60}?\b(?:by|with|using|via|door|met)\b.{0,80}",
    re.IGNORECASE,
)
# The title block of a court transcript: labels that head the file, however long their text ("Before:
# HON. ...", "BY: ...", "ALSO PRESENT: ..."), like the short "Datum: 9 maart" of an interview.
_TITLE_LABELS = frozenset(
    ["before", "by", "present", "also present", "appearances", "appearing", "reported by", "recorded by"]
    + ["transcribed by", "in attendance", "aanwezig", "aanwezigen", "présents", "devant"]
)
# A line opening like a label of a layout codeer does not read: ">> KELLY - ...", "ANNA | ...".
_OPENING_FIRST = "*>-–—[(|#•"
_OPENING_RE = re.compile(
    r"[^\w\s]{0,4}[ \t]*(?P<name>[^\W\d_][\w'’.]{0,20}(?: [^\W\d_][\w'’.]{0,20}){0,2})[ \t]*[-–—|>)\]]"
)
_MD_HEADING = re.compile(r"#{1,6}(?:\s|$)")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: any ASCII punctuation may be escaped
_TIME_LINE = re.compile(r"[ \t]*\d{1,2}:\d{2}(?::\d{2})?[ \t]*")
_MD_RULE = re.compile(r"(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}")
_SHAPE_RE = re.compile(r"[^\W\d_]+|\d+")


class Piece(NamedTuple):
    """One line of a file as a reader hands it over, with what the format itself says about it."""

    line: int
    text: str
    start_ms: int | None = None  # the cue's time (subtitles)
    voice: str | None = None  # a speaker given by markup (WebVTT <v Name>), certain
    unit: bool = True  # the first line of a paragraph or cue


def _markdown_text(text: str) -> str:
    """What a Markdown line says: HTML entities decoded (``&#39;``), backslash escapes taken off
    (``\\[laughs\\]``, ``\\[04:06\\]``, ``\\#103``), so times and brackets read as written."""
    return html.unescape(_MD_ESCAPE.sub(r"\1", text)) if "\\" in text else html.unescape(text)


def name_like(name: str) -> bool:
    """Whether ``name`` reads as a name: at most five words, none starting lower-case but particles."""
    if name.casefold() in _NOT_SPEAKERS:
        return False
    words = name.split()
    if len(words) > 5:
        return False
    for word in words:
        first = word.lstrip("('’")[:1]
        if first.islower() and word.lower() not in _PARTICLES:
            return False
    return True


def candidate(text: str, markdown: bool) -> Label | None:
    """The speaker label a line could be, of whichever kind; None for a line that can be no label."""
    head = text.lstrip()[:1]
    if not head:
        return None
    if head in "*_":
        found = match_bold(text)
        if found is not None:
            return found
    elif head == "#":
        return match_heading(text) if markdown else None
    elif head in "[(":
        found = match_header(text) or match_bracket(text)
        if found is not None:
            return found
    if head in "QA":  # "A. It says: ..." is the witness saying it, not a speaker "A. It says"
        found = match_examination(text)
        if found is not None:
            return found
    return match_header(text) or match_label(text)


def segment(
    pieces: Sequence[Piece],
    path: Path,
    *,
    markdown: bool = False,
    cues: bool = False,
    unlabelled: str | None = None,
) -> Body:
    """Turns of ``pieces`` in the layout their labels give evidence for; a CodeerError naming ``path`` if
    no layout accounts for them (or, with ``unlabelled``, one passage per paragraph or cue instead)."""
    if markdown:
        pieces = [
            p._replace(text=_markdown_text(p.text)) if "&" in p.text or "\\" in p.text else p for p in pieces
        ]
    furniture: list[str] = []
    if not cues:
        pieces = _page_furniture(pieces, furniture)
    found = [
        Label(p.voice, p.text, p.start_ms, "voice") if p.voice is not None else candidate(p.text, markdown)
        for p in pieces
    ]
    skip = _cue_names(pieces, found)
    counts = Counter((c.kind, c.speaker) for c in found if c is not None)
    # "Q."/"A." are the questioner and the witness where the file has both, each more than once; then they
    # (and the same letters without their period, as OCR leaves some) are labels like "THE COURT:".
    if min(counts[("exam", "Q")], counts[("exam", "A")]) >= 2:
        found = [
            c._replace(kind="label") if c is not None and c.kind.startswith("exam") else c for c in found
        ]
        counts = Counter((c.kind, c.speaker) for c in found if c is not None)
    accepted = {
        key
        for key, n in counts.items()
        if key[0] == "voice"
        or (
            not key[0].startswith("exam")
            and (name_like(key[1]) or (n >= 2 and key[1].casefold() not in _NOT_SPEAKERS))
        )
    }
    breaks = {i for i, c in enumerate(found) if c is not None and c.speaker.casefold() in _BREAKS}
    found = [c if c is not None and (c.kind, c.speaker) in accepted else None for c in found]
    kinds = _layout(found)
    forms = _mixed_forms(found, kinds, markdown)
    if forms.dropped:
        kinds -= forms.dropped
        found = [None if c is not None and c.kind in forms.dropped else c for c in found]
    try:
        if not kinds:
            raise _no_labels(pieces, path, cues)
        end = _footer_start(pieces, found, kinds, markdown)
        body = _build(pieces[:end], found[:end], kinds, markdown, skip, breaks)
        body.postamble = "\n".join(p.text.strip() for p in pieces[end:] if p.text.strip())
        _check(body, pieces, found, kinds, path, cues, end)
    except CodeerError:
        if unlabelled is None:
            raise
        return _unlabelled(pieces, path, markdown, cues, unlabelled)
    body.warnings.extend(furniture + forms.warnings)
    for words, where in (
        (_words(body.preamble), "before the first speaker label are preamble"),
        (_words(body.postamble), "after the last turn are postamble"),
    ):
        if words > PREAMBLE_FREE_WORDS:
            body.warnings.append(f"the {words:,} words {where}, not passages")
    return body


def _layout(found: Sequence[Label | None]) -> set[str]:
    """The kinds of label that make the layout: the most frequent, and those that go with it.

    Another kind goes with it when it shares a speaker with it, or when it is used often (three times and
    a fifth as often) under names that look like names, one of them more than once: section headings (each
    title once), "Best prose:" lines among "**Jerod Santo:**" labels or a court transcript's "(Recess)"
    beside its "THE COURT:" labels do not.
    """
    starts = Counter(c.kind for c in found if c is not None)
    if not starts:
        return set()
    main = max(starts, key=lambda k: (starts[k], -_KIND_ORDER.index(k)))
    names: dict[str, Counter[str]] = {}
    for c in found:
        if c is not None:
            names.setdefault(c.kind, Counter())[c.speaker] += 1
    liked = {kind: [n for name, n in per.items() if name_like(name)] for kind, per in names.items()}
    return {
        kind
        for kind in starts
        if kind == main
        or names[kind].keys() & names[main].keys()
        or (kind != "alone" and sum(liked[kind]) >= 3 and sum(liked[kind]) * 5 >= starts[main])
        and max(liked[kind]) > 1
    }


class _Forms(NamedTuple):
    dropped: set[str]
    warnings: list[str]


def _mixed_forms(found: Sequence[Label | None], kinds: set[str], markdown: bool) -> _Forms:
    """Kinds of label in the layout that name no speaker in common: one of them may be prose.

    In Markdown, bold is markup someone chose for speaker names, and ``Word: text`` at a line's start is
    also how prose introduces a list or a pick (``Best prose: ...``, ``In January: ...`` in a newsletter read
    by one host): when bold labels name speakers, one of them more than once, and plain labels name none of
    the same people and most of their names only once (a speaker who takes turns is named again), the
    plain labels are text (whether or not they joined the layout), and a warning says which lines.
    Any other pair of forms without a name
    in common is kept but warned about, so the speakers are checked before the file is coded.
    """
    names: dict[str, Counter[str]] = {}
    for c in found:
        if c is not None:
            names.setdefault(c.kind, Counter())[c.speaker] += 1
    bold_names = Counter[str]()
    for k in kinds & {"bold", "boldcolon"}:
        bold_names.update(names[k])
    if (
        markdown
        and "label" in names
        and bold_names
        and max(bold_names.values()) > 1
        and all(name_like(n) for n in bold_names)
        and not names["label"].keys() & bold_names.keys()
        and sum(1 for n in names["label"].values() if n == 1) * 2 > len(names["label"])
    ):
        plain = names["label"]
        return _Forms(
            {"label"},
            [
                f"{plain.total()} line(s) starting {_examples(plain, ':')} read as text, not as speakers: "
                f"the speakers are the bold names ({_examples(bold_names)})"
            ],
        )
    ordered = sorted(kinds, key=_KIND_ORDER.index)
    warnings = [
        f"speaker labels in two forms with no name in common: {_KIND_WORDS[a]} ({_examples(names[a])}) and "
        f"{_KIND_WORDS[b]} ({_examples(names[b])}); check the speakers before coding"
        for i, a in enumerate(ordered)
        for b in ordered[i + 1 :]
        if not names[a].keys() & names[b].keys()
    ]
    return _Forms(set(), warnings)


def _examples(names: Counter[str], after: str = "") -> str:
    """The three most used names, quoted, for a message."""
    common = ", ".join(repr(name + after) for name, _ in names.most_common(3))
    return common + (", ..." if len(names) > 3 else "")


def _footer_start(
    pieces: Sequence[Piece], found: Sequence[Label | None], kinds: set[str], markdown: bool
) -> int:
    """Index of the first piece after the conversation (len(pieces) if there is none): an export footer
    at the end (``Transcribed by https://otter.ai``), or in Markdown a heading after the last speaker
    label that opens a part nobody says (``## Part 2: the summary``, ``## Notes``)."""
    end = len(pieces)
    while end > 0 and found[end - 1] is None and _FOOTER_RE.fullmatch(pieces[end - 1].text[:200]):
        end -= 1
    if markdown:
        last = max((i for i, c in enumerate(found) if c is not None and c.kind in kinds), default=end)
        end = next((i for i in range(last + 1, end) if _MD_HEADING.match(pieces[i].text.lstrip())), end)
    return end


def _cue_names(pieces: Sequence[Piece], found: list[Label | None]) -> set[int]:
    """A name alone on its line beside a line holding only its time: Teams' Word transcripts (a
    ``0:0:0.0 --> 0:0:5.20`` line, the name on the next) and Zoom's transcript text (the name, then
    ``00:00:02`` on the next line).

    The name becomes a head with that time; the indexes of the time lines, to skip, are returned.
    """
    skip: set[int] = set()
    for index in range(len(pieces) - 1):
        text = pieces[index].text
        if "-->" in text and found[index + 1] is None:
            label = match_cue_name(text, pieces[index + 1].text)
            if label is not None:
                found[index + 1] = label
                skip.add(index)
        elif found[index] is None and text[:1].isalpha() and _TIME_LINE.fullmatch(pieces[index + 1].text):
            label = match_cue_name(pieces[index + 1].text, text)
            if label is not None:
                found[index] = label
                skip.add(index + 1)
    return skip


def _page_furniture(pieces: Sequence[Piece], warnings: list[str]) -> list[Piece]:
    """``pieces`` without a copied page's line numbers, page heads and reporter's lines
    (:mod:`codeer.ingest.pages`), each kind left out named in ``warnings``."""
    pieces, numbered, dropped = without_line_numbers(pieces)
    if numbered:
        example = f", e.g. {_quote(dropped[0].text)}" if dropped else ""
        warnings.append(
            f"line numbers taken off {numbered:,} numbered lines; {len(dropped)} line(s) between the pages "
            f"left out (page heads and reporter's lines{example})"
        )
    pieces, heads = without_running_heads(pieces, lambda text: candidate(text, markdown=False) is not None)
    if heads:
        head, times = heads.most_common(1)[0]
        warnings.append(
            f"{sum(heads.values())} repeated page head line(s) left out (e.g. {_quote(head)}, {times} times)"
        )
    return pieces


def _build(
    pieces: Sequence[Piece],
    found: Sequence[Label | None],
    kinds: set[str],
    markdown: bool,
    skip: set[int],
    breaks: set[int],
) -> Body:
    builder = TurnBuilder()
    for index, (piece, label) in enumerate(zip(pieces, found, strict=True)):
        if index in skip:
            continue
        if (
            markdown
            and _markup_only(piece.text, builder.has_speaker)
            and (label is None or label.kind not in kinds)
        ):
            continue
        if label is not None and label.kind in kinds:
            builder.speaker(
                label.speaker, label.start_ms if label.start_ms is not None else piece.start_ms, piece.line
            )
            if label.text:
                stamp, rest = time_prefix(label.text)
                builder.text(rest, piece.line, stamp)
        elif index in breaks:
            builder.pause(piece.text)
        else:
            stamp, rest = time_prefix(piece.text)
            builder.text(rest, piece.line, stamp if stamp is not None else piece.start_ms)
    body = builder.body()
    body.layout = " + ".join(_KIND_WORDS[k] for k in sorted(kinds, key=_KIND_ORDER.index))
    return body


def _markup_only(text: str, after_first_turn: bool) -> bool:
    """A Markdown rule, or a heading after the first turn: structure nobody says."""
    stripped = text.strip()
    return (len(stripped) <= 200 and bool(_MD_RULE.fullmatch(stripped))) or (
        after_first_turn and bool(_MD_HEADING.match(stripped))
    )


def leading_singletons(body: Body, declared: Collection[str] = ()) -> None:
    """Header lines such as ``Datum: 9 maart`` before the conversation: preamble, not speakers.

    Only short ``Name: text`` lines count (a layout whose labels are heads, bold names or headings has no
    such header lines), or the title block of a court transcript, however long (``Before: HON. ...``,
    ``BY: ...``, ``ALSO PRESENT: ...``); never those of a speaker the transcript's metadata ``declared``:
    a moderator named in the front matter who asks one opening question is a speaker. Called once the
    metadata is read, so a declared speaker is known."""
    if not body.layout.startswith(_KIND_WORDS["label"]):
        return
    turns_of = Counter(t.speaker for t in body.turns)
    if max(turns_of.values(), default=0) < 2:
        return
    lead = 0
    while (
        lead < len(body.turns)
        and turns_of[body.turns[lead].speaker] == 1
        and body.turns[lead].speaker not in declared
        and (
            body.turns[lead].text.count(" ") < HEADER_LINE_WORDS
            or body.turns[lead].speaker.casefold() in _TITLE_LABELS
        )
    ):
        lead += 1
    if lead == 0:
        return
    moved = [f"{t.speaker}: {t.text}" for t in body.turns[:lead]]
    body.preamble = "\n".join(filter(None, [body.preamble, *moved]))
    body.turns = body.turns[lead:]
    body.warnings.append(
        f"{lead} line(s) at the top by speakers who never speak again read as preamble "
        f"({', '.join(repr(m.split(':', 1)[0]) for m in moved[:3])}{', ...' if lead > 3 else ''})"
    )


def _words(text: str) -> int:
    return len(text.split())


def _check(
    body: Body,
    pieces: Sequence[Piece],
    found: Sequence[Label | None],
    kinds: set[str],
    path: Path,
    cues: bool,
    end: int,
) -> None:
    """Refuse a layout whose labels do not account for the file (rule 3 of the module docstring); only the
    conversation, ``pieces[:end]``, is weighed (the postamble is weighed as a whole)."""
    if not body.turns:
        raise _no_labels(pieces, path, cues)
    every = pieces  # the diagnosis describes the whole file
    pieces, found = pieces[:end], found[:end]
    labelled = [(i, c) for i, c in enumerate(found) if c is not None and c.kind in kinds]
    starts = [i for i, _ in labelled]
    first, first_label = labelled[0]
    units = sum(1 for p in pieces[first:] if p.unit) if cues else len(pieces) - first
    turn_words = sum(t.text.count(" ") + 1 for t in body.turns)
    preamble_words = _words(body.preamble)
    example = _quote(pieces[first].text)
    if preamble_words > PREAMBLE_FREE_WORDS and preamble_words > turn_words:
        raise CodeerError(
            f"the first speaker label ({example}, {_KIND_WORDS[first_label.kind]}) is on line "
            f"{pieces[first].line}: the {preamble_words:,} words before it would be preamble, more than all "
            f"turns hold ({turn_words:,}); {_most_lines(every)}; {_UNLABELLED_HINT}",
            path,
        )
    postamble_words = _words(body.postamble)
    if postamble_words > PREAMBLE_FREE_WORDS and postamble_words > turn_words:
        raise CodeerError(
            f"the {postamble_words:,} words after the last speaker's turn would be postamble, more than all "
            f"turns hold ({turn_words:,}); {_most_lines(every)}; {_UNLABELLED_HINT}",
            path,
        )
    found = _with_unread_labels(pieces, found, first)
    foreign_words, foreign_blocks, foreign_example = _foreign(pieces, found, kinds, first)
    if foreign_blocks > 1 and foreign_words > (1 - MIN_HELD) * turn_words:
        raise CodeerError(
            f"only {len(starts)} of {len(starts) + foreign_blocks} blocks carry a label of the layout read "
            f"({_KIND_WORDS[first_label.kind]}, e.g. {example}); {foreign_blocks} look like "
            f"{foreign_example} and hold {foreign_words:,} of the {turn_words:,} words after the preamble",
            path,
        )
    if units > UNITS_PER_LABEL * len(starts):
        what = "cues" if cues else "lines"
        raise CodeerError(
            f"only {len(starts)} speaker label(s) ({example}) for {units:,} {what}: too few to be the "
            f"speakers of this file (at least one per {UNITS_PER_LABEL} {what} expected); "
            f"{_most_lines(every)}; {_UNLABELLED_HINT}",
            path,
        )
    _check_conversation(body, [c for _, c in labelled], units, every, path)


def _check_conversation(
    body: Body, labels: Sequence[Label], units: int, pieces: Sequence[Piece], path: Path
) -> None:
    """Refuse labels that are no conversation's: titles and notes above long stretches of text.

    When no speaker has two turns and the labels stand above more than :data:`LINES_PER_TITLE` lines (or
    cues) each on average, they are titles or notes (``Location: Reddit`` above an essay, ``Wave 1:`` ...
    ``Wave 4:`` in a talk); the speakers of a conversation take turns. Markdown headings are speakers only
    when most of them name someone who has several.
    """
    per_speaker = Counter(c.speaker for c in labels)
    turns = Counter(t.speaker for t in body.turns)
    if max(turns.values()) < 2 and units > LINES_PER_TITLE * len(labels):
        names = ", ".join(repr(name) for name in list(turns)[:3]) + (", ..." if len(turns) > 3 else "")
        raise CodeerError(
            f"no speaker has two turns ({len(labels)} label(s): {names}) in {units:,} lines: titles or "
            f"notes, not the speakers of a conversation; {_most_lines(pieces)}; {_UNLABELLED_HINT}",
            path,
        )
    headings = [c.speaker for c in labels if c.kind.startswith("heading")]
    repeated = sum(1 for name in headings if per_speaker[name] > 1)
    if headings and repeated * 2 < len(headings):
        raise CodeerError(
            f"{len(headings) - repeated} of the {len(headings)} headings name a speaker only once: section "
            f"titles, not speakers; {_most_lines(pieces)}; {_UNLABELLED_HINT}",
            path,
        )


def _with_unread_labels(
    pieces: Sequence[Piece], found: Sequence[Label | None], first: int
) -> list[Label | None]:
    """``found`` plus lines that open like a speaker label codeer has no layout for (``>> KELLY - ...``).

    Such an opening is a short capitalised name and a separator (``-``, ``|``, ``>``, ``)``); it counts
    only when at least two different names each open three lines or more that way, as speakers do.
    """
    openings: dict[int, str] = {}
    for index in range(first, len(pieces)):
        if found[index] is None:
            text = pieces[index].text
            m = _OPENING_RE.match(text[:60]) if text[:1] in _OPENING_FIRST or text[:1].isupper() else None
            if m and name_like(m.group("name")):
                openings[index] = m.group("name")
    counts = Counter(openings.values())
    frequent = {name for name, n in counts.items() if n >= 3}
    if len(frequent) < 2:
        return list(found)
    marked = list(found)
    for index, name in openings.items():
        if name in frequent:
            marked[index] = Label(name, "", None, "unread")
    return marked


def _foreign(
    pieces: Sequence[Piece], found: Sequence[Label | None], kinds: set[str], first: int
) -> tuple[int, int, str]:
    """Words and number of blocks after the first turn that start with a label of a kind outside the
    layout, and an example. Headings are structure there, and a name in brackets alone a note ("(Recess)"):
    skipped, not blocks."""
    words = blocks = 0
    example = ""
    inside = False
    for piece, label in zip(pieces[first:], found[first:], strict=True):
        if label is not None:
            inside = label.kind not in kinds and not label.kind.startswith(("heading", "alone"))
            if inside:
                blocks += 1
                example = example or _quote(piece.text)
        if inside:
            words += _words(piece.text)
    return words, blocks, example


_UNLABELLED_HINT = "text without speakers imports with: codeer import --unlabelled paragraphs|cues FILE"


def _no_labels(pieces: Sequence[Piece], path: Path, cues: bool) -> CodeerError:
    if not any(p.text.strip() for p in pieces):
        return CodeerError("empty file", path)
    return CodeerError(
        f"no speaker turns found; expected lines like 'Name: text' ({_most_lines(pieces)}); "
        + _UNLABELLED_HINT,
        path,
    )


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _most_lines(pieces: Sequence[Piece]) -> str:
    """'most of its N lines look like '...'': the commonest shape of line, with an example of it."""
    shapes: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for piece in pieces:
        text = piece.text.strip()
        if not text:
            continue
        shape = _SHAPE_RE.sub(lambda m: "9" if m.group()[0].isdigit() else "a", text[:24])
        shape = " ".join(shape.split())[:10]
        shapes[shape] += 1
        examples.setdefault(shape, text)
    if not shapes:
        return "no text"
    shape, n = shapes.most_common(1)[0]
    total = sum(shapes.values())
    return f"{n} of its {total:,} lines look like {_quote(examples[shape])}"


def _unlabelled(pieces: Sequence[Piece], path: Path, markdown: bool, cues: bool, mode: str) -> Body:
    """One passage per paragraph (or per cue, or per line of text in ``cues`` mode), with no speaker."""
    if mode not in UNLABELLED_MODES:
        raise CodeerError(f"--unlabelled must be one of {', '.join(UNLABELLED_MODES)}", path)
    if cues and mode == "paragraphs":
        raise CodeerError("subtitles have cues, not paragraphs: use --unlabelled cues", path)
    body = Body(
        layout=f"unlabelled, one passage per {'cue' if cues else 'line' if mode == 'cues' else 'paragraph'}"
    )
    texts: list[list[str]] = []
    starts: list[tuple[int | None, int]] = []
    preamble: list[str] = []
    for piece in pieces:
        text = piece.text.strip()
        if not text or (markdown and _markup_only(text, bool(texts))):
            continue
        if markdown and not texts and _MD_HEADING.match(text):
            preamble.append(text)
            continue
        stamp, rest = time_prefix(text)
        stamp = stamp if stamp is not None else piece.start_ms
        if piece.unit or mode == "cues" and not cues or not texts:
            texts.append([])
            starts.append((stamp, piece.line))
        texts[-1].append(rest)
    body.turns = [
        Turn(NO_SPEAKER, clean(" ".join(parts)), stamp, line)
        for parts, (stamp, line) in zip(texts, starts, strict=True)
        if clean(" ".join(parts))
    ]
    body.preamble = "\n".join(preamble)
    if not body.turns:
        raise CodeerError("empty file", path)
    lines = sum(len(parts) for parts in texts)
    if mode == "paragraphs" and len(body.turns) == 1 and lines > 1:
        body.warnings.append(
            f"no blank line between its {lines:,} lines: one passage of {_words(body.turns[0].text):,} words "
            "(--unlabelled cues makes one passage per line)"
        )
    return body
