"""The corpus in numbers for the report: transcripts, passages, words and speakers per attribute value.

Words are counted as ``codeer status`` counts them (runs of non-space characters in the passages); speakers
are the distinct speakers who speak in a transcript, so the same name in two focus groups counts twice (as
in the frequency tables). A transcript without the attribute counts under the empty value.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from codeer.model import Passage, Transcript, TranscriptAttribute

STREAM_BATCH = 5000


@dataclass(frozen=True)
class Counts:
    transcripts: int = 0
    passages: int = 0
    words: int = 0
    speakers: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.transcripts + other.transcripts,
            self.passages + other.passages,
            self.words + other.words,
            self.speakers + other.speakers,
        )


@dataclass
class Corpus:
    total: Counts
    attributes: tuple[str, ...]
    per_value: dict[str, dict[str, Counts]]  # attribute → value → counts, values sorted
    crosstab: dict[tuple[str, str], int] = field(default_factory=dict)  # (value 1, value 2) → transcripts


def corpus_summary(session: Session, attributes: tuple[str, ...]) -> Corpus:
    """Counts over all transcripts, per value of each of ``attributes`` (transcript attributes), and the
    number of transcripts per combination of the first two."""
    per_transcript: dict[int, Counts] = {tid: Counts(1) for tid in session.scalars(select(Transcript.id))}
    speakers = dict(
        session.execute(
            select(Passage.transcript_id, func.count(distinct(Passage.speaker_id))).group_by(
                Passage.transcript_id
            )
        ).all()
    )
    passages: Counter[int] = Counter()
    words: Counter[int] = Counter()
    query = select(Passage.transcript_id, Passage.text).execution_options(yield_per=STREAM_BATCH)
    for tid, text in session.execute(query):
        passages[tid] += 1
        words[tid] += len(text.split())
    for tid in per_transcript:
        per_transcript[tid] = Counts(1, passages[tid], words[tid], speakers.get(tid, 0))
    values: dict[str, dict[int, str]] = defaultdict(dict)
    rows = session.execute(
        select(TranscriptAttribute.name, TranscriptAttribute.transcript_id, TranscriptAttribute.value).where(
            TranscriptAttribute.name.in_(attributes)
        )
    )
    for name, tid, value in rows:
        values[name][tid] = value or ""
    per_value: dict[str, dict[str, Counts]] = {}
    for name in attributes:
        sums: dict[str, Counts] = defaultdict(Counts)
        for tid, counts in per_transcript.items():
            sums[values[name].get(tid, "")] += counts
        per_value[name] = dict(sorted(sums.items()))
    crosstab: Counter[tuple[str, str]] = Counter()
    if len(attributes) >= 2:
        first, second = values[attributes[0]], values[attributes[1]]
        for tid in per_transcript:
            crosstab[(first.get(tid, ""), second.get(tid, ""))] += 1
    total = sum(per_transcript.values(), Counts())
    return Corpus(total, attributes, per_value, dict(crosstab))
