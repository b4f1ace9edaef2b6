"""Running a search: the hits in reading order, keyword in context, and counts per attribute value.

A hit is one place in one passage (for a coded-segment query without words: the whole passage). The
database narrows the passages down (index, attribute and moderator filters); the coded-segment query is a
set of passage ids; the exact places are found in Python (:meth:`TextQuery.find`), so both backends agree.

Counts (``--by organisation,quadrant``): per group, ``hits`` (places), ``passages`` with at least one hit,
``transcripts`` and ``speakers`` among them. A passage belongs to the groups of its transcript's and its
speaker's attributes, as in every table of codeer (:mod:`codeer.analysis.groups`); no value = the empty
group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from codeer.analysis.groups import MISSING, resolve_attributes
from codeer.analysis.pseudonyms import build_pseudonyms
from codeer.analysis.segments import clock
from codeer.errors import CodeerError
from codeer.model import Passage, Speaker, SpeakerAttribute, Transcript, TranscriptAttribute
from codeer.search.code_query import coded_passages
from codeer.search.filters import Filters, passage_conditions
from codeer.search.text_query import TextQuery
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule
from codeer.store.search_index import candidates, counts_by_word, other_passages

CONTEXT = 40  # characters of context on each side of a hit
FETCH_BATCH = 2000


@dataclass(frozen=True)
class Hit:
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
    session: Session,
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
    statement = (
        select(
            Passage.id,
            Passage.transcript_id,
            Transcript.key,
            Passage.number,
            Passage.speaker_id,
            Speaker.name,
            Passage.start_ms,
            Passage.text,
        )
        .join(Transcript, Transcript.id == Passage.transcript_id)
        .outerjoin(Speaker, Speaker.id == Passage.speaker_id)
        .where(*passage_conditions(session, filters))
        .order_by(Transcript.key, Passage.number)
    )
    if only is not None:
        statement = statement.where(Passage.id.in_(only))
    elif query is not None and query.phrases:
        statement = statement.where(candidates(session, query.index_terms()))
    wanted = coded_passages(session, filters.codes, filters.coders) if filters.codes else None
    hits: list[Hit] = []
    result = session.execute(statement.execution_options(yield_per=FETCH_BATCH))
    for batch in result.partitions():
        for pid, tid, key, number, sid, speaker, ms, text in batch:
            if wanted is not None and pid not in wanted:
                continue
            spans = query.find(text) if query is not None else [(0, len(text))]
            hits.extend(Hit(pid, tid, key, number, sid, speaker or "", ms, s, e, text) for s, e in spans)
            if limit is not None and len(hits) >= limit:
                return hits[:limit]
    return hits


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


def _attributes(session: Session) -> _Attributes:
    found = _Attributes(defaultdict(dict), defaultdict(dict))
    for tid, name, value in session.execute(
        select(TranscriptAttribute.transcript_id, TranscriptAttribute.name, TranscriptAttribute.value)
    ):
        found.transcript[tid][name] = value or ""
    for sid, name, value in session.execute(
        select(SpeakerAttribute.speaker_id, SpeakerAttribute.name, SpeakerAttribute.value)
    ):
        found.speaker[sid][name] = value or ""
    return found


Counted = tuple[int, int | None, int, int]  # transcript, speaker, hits, passages


def passage_counts(session: Session, query: TextQuery | None, filters: Filters) -> list[Counted]:
    """Hits and passages with a hit, per transcript and speaker. Words (not phrases, not a regular
    expression) are counted from the index on SQLite without reading the passages; every other search
    counts what :func:`find_hits` finds."""
    if (
        query is not None
        and query.phrases
        and all(len(phrase) == 1 for phrase in query.phrases)
        and not filters.codes
    ):
        conditions = passage_conditions(session, filters)
        counted = counts_by_word(session, [phrase[0].index_term() for phrase in query.phrases], conditions)
        if counted is not None:
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
    session: Session, counted: Sequence[Counted], by: tuple[str, ...]
) -> tuple[list[str], list[tuple]]:
    """Columns and rows of the counts per value of the ``by`` attributes (one overall row without)."""
    grouping = resolve_attributes(session, by)
    attributes = _attributes(session)
    counts: dict[tuple[str, ...], list] = {}
    for transcript, speaker, hits, passages in counted:
        group = tuple(
            (
                attributes.transcript[transcript]
                if a.kind == "transcript"
                else attributes.speaker.get(speaker or 0, {})
            ).get(a.name, MISSING)
            for a in grouping
        )
        entry = counts.setdefault(group, [0, 0, set(), set()])
        entry[0] += hits
        entry[1] += passages
        entry[2].add(transcript)
        if speaker is not None:
            entry[3].add(speaker)
    rows = [
        (*group, n, in_passages, len(transcripts), len(speakers))
        for group, (n, in_passages, transcripts, speakers) in sorted(counts.items())
    ]
    return [*(a.label for a in grouping), "hits", "passages", "transcripts", "speakers"], rows


KWIC_COLUMNS = ("transcript", "passage", "time", "speaker")
KWIC_AFTER = ("left", "hit", "right", "start", "end")


def hit_columns(session: Session) -> list[str]:
    names = sorted(session.scalars(select(TranscriptAttribute.name).distinct()))
    return [*KWIC_COLUMNS, *names, *KWIC_AFTER]


def hit_rows(
    session: Session,
    hits: Sequence[Hit],
    *,
    pseudonymise: bool = False,
    moderators: ModeratorRule = DEFAULT_RULE,
) -> Iterator[tuple]:
    """One row of :func:`hit_columns` per hit. Pseudonymised, names are replaced in the text before and
    after the hit and in the hit itself, then the context is cut, as in every export (the project's
    ``moderators`` rule says who is ``M``)."""
    names = sorted(session.scalars(select(TranscriptAttribute.name).distinct()))
    attributes = _attributes(session)
    pseudonyms = build_pseudonyms(session, moderators) if pseudonymise else None
    for hit in hits:
        speaker, text, start, end = hit.speaker, hit.text, hit.start, hit.end
        if pseudonyms is not None:
            before, word, after = (
                pseudonyms.text(hit.transcript_id, piece)
                for piece in (text[:start], text[start:end], text[end:])
            )
            speaker, text, start, end = (
                pseudonyms.speaker(hit.speaker_id),
                before + word + after,
                len(before),
                len(before) + len(word),
            )
        left, word, right = context(text, start, end)
        values = attributes.transcript[hit.transcript_id]
        yield (
            hit.transcript, hit.number, clock(hit.start_ms), speaker, *(values.get(n, "") for n in names),
            left, word, right, hit.start, hit.end,
        )  # fmt: skip
