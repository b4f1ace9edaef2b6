"""Running a search: the hits in reading order, keyword in context, and counts per attribute value.

A hit is one place in one passage (for a coded-segment query without words: the whole passage). The
database narrows the passages down (index, attribute and moderator filters); the coded-segment query is a
set of passage ids; the exact places are found in Python (:meth:`TextQuery.find`), so both backends agree.

Counts (``--by organisation,quadrant``): per group, ``hits`` (places), ``passages`` with at least one hit,
``transcripts`` and ``speakers`` among them. A passage belongs to the groups of its transcript's and its
speaker's attributes, as in every table of codeer (:mod:`codeer.store.groups`); no value = the empty
group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import Select, exists, select

from codeer.errors import CodeerError
from codeer.model.tables import passages, speaker_attributes, speakers, transcript_attributes, transcripts
from codeer.search.filters import Filters, passage_conditions
from codeer.search.text_query import TextQuery
from codeer.store.groups import MISSING, resolve_attributes
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule
from codeer.store.search_index import candidates, other_passages, word_counts

if TYPE_CHECKING:
    from codeer.store.groups import Attribute
    from codeer.store.search_index import Reader

CONTEXT = 40  # characters of context on each side of a hit
FETCH_BATCH = 2000


class Hit(NamedTuple):
    """One place in one passage. A named tuple: a listing makes one per hit, ten thousand at a time, and a
    tuple is made several times faster than a frozen dataclass."""

    passage_id: int
    transcript_id: int
    transcript: str
    number: int
    speaker_id: int | None
    speaker: str
    start_ms: int | None
    start: int
    end: int
    text: str  # the passage's text

    @property
    def word(self) -> str:
        return self.text[self.start : self.end]


def find_hits(
    session: Reader,
    query: TextQuery | None,
    filters: Filters,
    *,
    only: Select | None = None,
    limit: int | None = None,
) -> list[Hit]:
    """Every hit of ``query`` (or every passage the code query selects) in the filtered passages (and
    among ``only``, passage ids, if given), transcripts by key, passages by number; the first ``limit``."""
    if query is None and not filters.codes:
        raise CodeerError("give words to search for, or a coded-segment query (--codes)")
    p = passages.c
    statement = (
        select(p.id, p.transcript_id, transcripts.c.key, p.number, p.speaker_id, speakers.c.name, p.start_ms)
        .add_columns(p.text)
        .join_from(passages, transcripts, transcripts.c.id == p.transcript_id)
        .outerjoin(speakers, speakers.c.id == p.speaker_id)
        .where(*passage_conditions(session, filters))
        .order_by(transcripts.c.key, p.number)
    )
    if only is not None:
        statement = statement.where(p.id.in_(only))
    elif query is not None and query.phrases:
        narrowed = bool(filters.where)
        statement = statement.where(candidates(session, query.index_terms(), narrowed=narrowed))
    wanted = _coded(session, filters)
    hits: list[Hit] = []
    batch_size = FETCH_BATCH if limit is None else min(FETCH_BATCH, limit)  # the first hits come soon
    result = session.execute(statement.execution_options(yield_per=batch_size))
    for batch in result.partitions():
        for pid, tid, key, number, sid, speaker, ms, text in batch:
            if wanted is not None and pid not in wanted:
                continue
            spans = query.find(text) if query is not None else [(0, len(text))]
            hits.extend(Hit(pid, tid, key, number, sid, speaker or "", ms, s, e, text) for s, e in spans)
            if limit is not None and len(hits) >= limit:
                return hits[:limit]
    return hits


def _coded(session: Reader, filters: Filters) -> set[int] | None:
    """The passages the coded-segment query selects, or None without one (the query's code is loaded only
    when there is one: it needs the codebooks)."""
    if not filters.codes:
        return None
    from codeer.search.code_query import coded_passages

    return coded_passages(session, filters.codes, filters.coders)


def context(text: str, start: int, end: int, width: int = CONTEXT) -> tuple[str, str, str]:
    """Left context, the hit and right context, each on one line, cut at whole words; the space between
    context and hit (if the text has one there) stays with the context."""
    left = text[max(0, start - width) : start]
    if start - width > 0 and " " in left:
        left = left[left.index(" ") + 1 :]
    right = text[end : end + width]
    if end + width < len(text) and " " in right.rstrip():
        right = right[: right.rstrip().rindex(" ")]
    return (
        " ".join(left.split()) + (" " if left[-1:].isspace() else ""),
        " ".join(text[start:end].split()),
        (" " if right[:1].isspace() else "") + " ".join(right.split()),
    )


@dataclass
class _Attributes:
    transcript: dict[int, dict[str, str]]
    speaker: dict[int, dict[str, str]]


def _attributes(
    session: Reader, transcript_names: Sequence[str], speaker_names: Sequence[str] = ()
) -> _Attributes:
    """The values of these attributes of every transcript and speaker (only these: a project may have
    many speakers with many attributes)."""
    found = _Attributes(defaultdict(dict), defaultdict(dict))
    ta, sa = transcript_attributes.c, speaker_attributes.c
    if transcript_names:
        query = select(ta.transcript_id, ta.name, ta.value).where(ta.name.in_(transcript_names))
        for tid, name, value in session.execute(query):
            found.transcript[tid][name] = value or ""
    if speaker_names:
        query = select(sa.speaker_id, sa.name, sa.value).where(sa.name.in_(speaker_names))
        for sid, name, value in session.execute(query):
            found.speaker[sid][name] = value or ""
    return found


def _names(grouping: Sequence[Attribute], kind: str) -> list[str]:
    return [a.name for a in grouping if a.kind == kind]


Counted = tuple[int, int | None, int, int]  # transcript, speaker, hits, passages


def passage_counts(session: Reader, query: TextQuery | None, filters: Filters) -> list[Counted]:
    """Hits and passages with a hit, per transcript and speaker. Words (not phrases, not a regular
    expression) are counted from the index on SQLite without reading the passages; every other search
    counts what :func:`find_hits` finds."""
    if (
        query is not None
        and query.phrases
        and all(len(phrase) == 1 for phrase in query.phrases)
        and not filters.codes
    ):
        grouped = word_counts(session, [phrase[0].index_term() for phrase in query.phrases])
        if grouped is not None:
            g = grouped.c
            conditions = passage_conditions(session, filters, g.transcript_id, g.speaker_id)
            rows = session.execute(
                select(g.transcript_id, g.speaker_id, g.hits, g.passages).where(*conditions)
            )
            counted: list[Counted] = [tuple(row) for row in rows]
            if session.scalar(select(exists(other_passages()))):
                counted += _per_speaker(find_hits(session, query, filters, only=other_passages()))
            return counted
    return _per_speaker(find_hits(session, query, filters))


def _per_speaker(hits: Sequence[Hit]) -> list[Counted]:
    counts: dict[tuple[int, int | None], list] = {}
    for hit in hits:
        entry = counts.setdefault((hit.transcript_id, hit.speaker_id), [0, set()])
        entry[0] += 1
        entry[1].add(hit.passage_id)
    return [(tid, sid, n, len(passages)) for (tid, sid), (n, passages) in counts.items()]


def count_rows(
    session: Reader, counted: Sequence[Counted], by: tuple[str, ...]
) -> tuple[list[str], list[tuple]]:
    """Columns and rows of the counts per value of the ``by`` attributes (one overall row without).

    A frequent word has a row of ``counted`` for most transcript and speaker pairs, so each transcript's
    and each speaker's part of the group is looked up once, not once a row."""
    grouping = resolve_attributes(session, by)
    attributes = _attributes(session, _names(grouping, "transcript"), _names(grouping, "speaker"))
    on_transcript = [a.name for a in grouping if a.kind == "transcript"]
    on_speaker = [a.name for a in grouping if a.kind == "speaker"]
    transcript_part: dict[int, tuple[str, ...]] = {}
    speaker_part: dict[int | None, tuple[str, ...]] = {}
    counts: dict[tuple[tuple[str, ...], tuple[str, ...]], list] = {}
    for transcript, speaker, hits, in_passages in counted:
        own = transcript_part.get(transcript)
        if own is None:
            values = attributes.transcript[transcript]
            own = transcript_part[transcript] = tuple(values.get(n, MISSING) for n in on_transcript)
        theirs = speaker_part.get(speaker)
        if theirs is None:
            values = attributes.speaker.get(speaker or 0, {})
            theirs = speaker_part[speaker] = tuple(values.get(n, MISSING) for n in on_speaker)
        entry = counts.get((own, theirs))
        if entry is None:
            entry = counts[own, theirs] = [0, 0, set(), set()]
        entry[0] += hits
        entry[1] += in_passages
        entry[2].add(transcript)
        entry[3].add(speaker)
    rows = []
    for (own, theirs), (n, in_passages, among_transcripts, among_speakers) in counts.items():
        parts = {"transcript": iter(own), "speaker": iter(theirs)}
        group = tuple(next(parts[a.kind]) for a in grouping)
        rows.append((*group, n, in_passages, len(among_transcripts), len(among_speakers - {None})))
    rows.sort(key=lambda row: row[: len(grouping)])
    return [*(a.label for a in grouping), "hits", "passages", "transcripts", "speakers"], rows


KWIC_COLUMNS = ("transcript", "passage", "time", "speaker")
KWIC_AFTER = ("left", "hit", "right", "start", "end")


def _attribute_names(session: Reader) -> list[str]:
    return sorted(session.scalars(select(transcript_attributes.c.name).distinct()))


def hit_columns(session: Reader) -> list[str]:
    return [*KWIC_COLUMNS, *_attribute_names(session), *KWIC_AFTER]


class Line(NamedTuple):
    """A hit as shown: the speaker and the context (pseudonymised if asked); a tuple, as :class:`Hit`."""

    hit: Hit
    speaker: str
    left: str
    word: str
    right: str


def kwic_lines(
    session: Reader,
    hits: Sequence[Hit],
    *,
    pseudonymise: bool = False,
    moderators: ModeratorRule = DEFAULT_RULE,
) -> Iterator[Line]:
    """Each hit in context. Pseudonymised, names are replaced in the text before and after the hit and in
    the hit itself, then the context is cut, as in every export (the project's ``moderators`` rule says who
    is ``M``)."""
    if not pseudonymise:
        for hit in hits:
            yield Line(hit, hit.speaker, *context(hit.text, hit.start, hit.end))
        return
    from codeer.analysis.pseudonyms import build_pseudonyms  # the ORM: only when pseudonymising

    pseudonyms = build_pseudonyms(session, moderators)  # type: ignore[arg-type] # reads through either
    for hit in hits:
        text, start, end = hit.text, hit.start, hit.end
        before, word, after = (
            pseudonyms.text(hit.transcript_id, piece) for piece in (text[:start], text[start:end], text[end:])
        )
        text, start, end = before + word + after, len(before), len(before) + len(word)
        yield Line(hit, pseudonyms.speaker(hit.speaker_id), *context(text, start, end))


def hit_rows(
    session: Reader,
    hits: Sequence[Hit],
    *,
    pseudonymise: bool = False,
    moderators: ModeratorRule = DEFAULT_RULE,
) -> Iterator[tuple]:
    """One row of :func:`hit_columns` per hit (see :func:`kwic_lines`)."""
    from codeer.analysis.segments import clock

    names = _attribute_names(session)
    attributes = _attributes(session, names)
    for line in kwic_lines(session, hits, pseudonymise=pseudonymise, moderators=moderators):
        hit = line.hit
        values = attributes.transcript[hit.transcript_id]
        yield (
            hit.transcript, hit.number, clock(hit.start_ms), line.speaker,
            *(values.get(n, "") for n in names),
            line.left, line.word, line.right, hit.start, hit.end,
        )  # fmt: skip
