"""Writing parsed transcripts into the project, first import and re-import alike.

A first import inserts new transcripts in batches, their passages straight through the driver (an import
of a million words must not build an ORM object per passage). A re-import of a changed file keeps the
passage rows that still exist (so their codings and history stay attached), moves codings from vanished
passages to where their text went (:mod:`codeer.ingest.align`), and reports every coding it could not
place with certainty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from codeer.errors import CodeerError
from codeer.ingest.align import align_passages, relocate_span
from codeer.ingest.records import ParsedTranscript
from codeer.model import (
    Code,
    Coder,
    Coding,
    Passage,
    Speaker,
    SpeakerAttribute,
    Transcript,
    TranscriptAttribute,
    utcnow,
)
from codeer.store.bulk import insert_rows
from codeer.store.coding import CodingKey, apply_coding, find_coding, remove_coding
from codeer.store.search_index import forget_transcripts, index_transcripts

RENUMBER_OFFSET = 1_000_000  # passage numbers are moved out of the way while a re-import renumbers


@dataclass
class SaveResult:
    key: str
    status: str  # "new", "unchanged", "updated"
    passages: int = 0
    moved: int = 0
    uncertain: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)


def _set_attributes(session: Session, transcript: Transcript, parsed: ParsedTranscript) -> dict[str, int]:
    """Replace the transcript's attributes and speakers' attributes; return speaker name → id."""
    session.execute(delete(TranscriptAttribute).where(TranscriptAttribute.transcript_id == transcript.id))
    if parsed.attributes:
        session.execute(
            insert(TranscriptAttribute),
            [{"transcript_id": transcript.id, "name": k, "value": v} for k, v in parsed.attributes.items()],
        )
    existing = dict(
        session.execute(select(Speaker.name, Speaker.id).where(Speaker.transcript_id == transcript.id)).all()
    )
    names = parsed.speaker_names()
    missing = [n for n in names if n not in existing]
    if missing:
        session.execute(insert(Speaker), [{"transcript_id": transcript.id, "name": n} for n in missing])
        existing = dict(
            session.execute(
                select(Speaker.name, Speaker.id).where(Speaker.transcript_id == transcript.id)
            ).all()
        )
    session.execute(delete(SpeakerAttribute).where(SpeakerAttribute.speaker_id.in_(existing.values())))
    rows = [
        {"speaker_id": existing[name], "name": k, "value": v}
        for name, attrs in parsed.speakers.items()
        for k, v in attrs.items()
    ]
    if rows:
        session.execute(insert(SpeakerAttribute), rows)
    return existing


def _passage_rows(
    transcript_id: int, parsed: ParsedTranscript, speakers: dict[str, int], sentences: list[list[list[int]]]
) -> list[dict]:
    return [
        {
            "transcript_id": transcript_id,
            "number": number,
            "speaker_id": speakers.get(turn.speaker),  # None for NO_SPEAKER
            "start_ms": turn.start_ms,
            "text": turn.text,
            "sentences": sents,
        }
        for number, (turn, sents) in enumerate(zip(parsed.turns, sentences, strict=True), start=1)
    ]


def _insert_passages(session: Session, rows: list[dict]) -> None:
    """A Core executemany, for a re-import's new passages (a first import uses :func:`insert_transcripts`)."""
    session.connection().execute(Passage.__table__.insert(), rows)


def _transcript_values(parsed: ParsedTranscript, language: str) -> dict[str, object]:
    """The transcript row's columns that come from its file: the same for a first import and a re-import."""
    return {
        "title": parsed.title,
        "source_file": str(parsed.source),
        "content_hash": parsed.content_hash,
        "preamble": parsed.preamble,
        "language": language,
        "imported_at": utcnow(),
    }


def _fill(transcript: Transcript, parsed: ParsedTranscript, language: str) -> None:
    for name, value in _transcript_values(parsed, language).items():
        setattr(transcript, name, value)


PASSAGE_COLUMNS = ("transcript_id", "number", "speaker_id", "start_ms", "text", "sentences")


def offsets_json(sentences: list[list[int]]) -> str:
    """A passage's sentence offsets as the JSON text :func:`insert_transcripts` stores.

    ``str`` of a list of lists of ints is JSON, and many times cheaper than ``json.dumps``; an import
    computes it in its worker processes, so the process that writes the database has less to do.
    """
    return str(sentences)


def insert_transcripts(
    session: Session,
    batch: Sequence[tuple[ParsedTranscript, Sequence[str]]],
    *,
    language: str = "nl",
    count_words: bool = True,
) -> list[SaveResult]:
    """Insert transcripts the project does not hold yet; each comes with its turns' :func:`offsets_json`.
    ``count_words``: count their words for the search index now, or leave it to the first search
    (:mod:`codeer.store.search_index`).

    A first import of many files is where import time goes, so a batch of them is written with a few
    statements in all: the transcripts with their ids returned in order, then attributes, speakers and
    passages straight through the driver (:mod:`codeer.store.bulk`).
    """
    if not batch:
        return []
    transcript_ids = session.scalars(
        insert(Transcript).returning(Transcript.id, sort_by_parameter_order=True),
        [{"key": parsed.key, **_transcript_values(parsed, language)} for parsed, _ in batch],
    ).all()
    numbered = list(zip(transcript_ids, batch, strict=True))
    connection = session.connection()
    insert_rows(
        connection,
        TranscriptAttribute.__table__,
        ("transcript_id", "name", "value"),
        [(tid, name, value) for tid, (parsed, _) in numbered for name, value in parsed.attributes.items()],
    )
    insert_rows(
        connection,
        Speaker.__table__,
        ("transcript_id", "name"),
        [(tid, name) for tid, (parsed, _) in numbered for name in parsed.speaker_names()],
    )
    speaker_ids: dict[int, dict[str, int]] = {tid: {} for tid in transcript_ids}
    stored = select(Speaker.id, Speaker.transcript_id, Speaker.name)
    for sid, tid, name in session.execute(stored.where(Speaker.transcript_id.in_(transcript_ids))):
        speaker_ids[tid][name] = sid
    insert_rows(
        connection,
        SpeakerAttribute.__table__,
        ("speaker_id", "name", "value"),
        [
            (speaker_ids[tid][name], key, value)
            for tid, (parsed, _) in numbered
            for name, attributes in parsed.speakers.items()
            for key, value in attributes.items()
        ],
    )
    rows = []
    for tid, (parsed, offsets) in numbered:
        ids = speaker_ids[tid]
        rows += [
            (tid, number, ids.get(turn.speaker), turn.start_ms, turn.text, sentences)  # NO_SPEAKER: None
            for number, (turn, sentences) in enumerate(zip(parsed.turns, offsets, strict=True), start=1)
        ]
    insert_rows(connection, Passage.__table__, PASSAGE_COLUMNS, rows)
    index_transcripts(session, transcript_ids, count_words=count_words)
    return [SaveResult(parsed.key, "new", passages=len(parsed.turns)) for parsed, _ in batch]


def save_transcript(
    session: Session,
    parsed: ParsedTranscript,
    sentences: list[list[list[int]]],
    *,
    language: str = "nl",
    force: bool = False,
) -> SaveResult:
    """Insert or update one transcript; ``sentences`` holds each turn's sentence offsets."""
    transcript = session.scalar(select(Transcript).where(Transcript.key == parsed.key))
    if transcript is not None and transcript.content_hash == parsed.content_hash:
        return SaveResult(parsed.key, "unchanged")
    if transcript is None:
        offsets = [offsets_json(s) for s in sentences]
        return insert_transcripts(session, [(parsed, offsets)], language=language)[0]
    return _reimport(session, transcript, parsed, sentences, language, force)


def _reimport(
    session: Session,
    transcript: Transcript,
    parsed: ParsedTranscript,
    sentences: list[list[list[int]]],
    language: str,
    force: bool,
) -> SaveResult:
    old = session.execute(
        select(Passage.id, Passage.number, Passage.text)
        .where(Passage.transcript_id == transcript.id)
        .order_by(Passage.number)
    ).all()
    new_texts = [t.text for t in parsed.turns]
    placements = align_passages([p.text for p in old], new_texts)
    result = SaveResult(parsed.key, "updated", passages=len(new_texts))
    forget_transcripts(session, [transcript.id])
    _fill(transcript, parsed, language)
    speakers = _set_attributes(session, transcript, parsed)
    rows = _passage_rows(transcript.id, parsed, speakers, sentences)

    # Each new passage keeps the row of the old passage placed on it with certainty (ids, codings, history).
    keeper: dict[int, int] = {}
    for index, placement in placements.items():
        if placement.certain and placement.new_index not in keeper:
            keeper[placement.new_index] = index
    session.execute(
        update(Passage)
        .where(Passage.transcript_id == transcript.id)
        .values(number=Passage.number + RENUMBER_OFFSET)
    )
    new_ids: dict[int, int] = {}
    for j, row in enumerate(rows):
        if j in keeper:
            old_id = old[keeper[j]].id
            session.execute(update(Passage).where(Passage.id == old_id).values(**row))
            new_ids[j] = old_id
    fresh = [row for j, row in enumerate(rows) if j not in keeper]
    if fresh:
        _insert_passages(session, fresh)
    number_to_id = dict(
        session.execute(
            select(Passage.number, Passage.id).where(
                Passage.transcript_id == transcript.id, Passage.number < RENUMBER_OFFSET
            )
        ).all()
    )
    new_ids.update({j: number_to_id[j + 1] for j in range(len(rows)) if j not in new_ids})

    kept_old = {old[i].id for i in keeper.values()}
    for index, passage in enumerate(old):
        codings = session.scalars(select(Coding).where(Coding.passage_id == passage.id)).all()
        placed = placements.get(index)
        for coding in codings:
            where = _describe(session, transcript.key, passage.number, coding)
            if placed is None:
                result.lost.append(f"{where}: its passage text is gone")
                remove_coding(session, coding, note="re-import: text gone")
                continue
            target = new_ids[placed.new_index]
            new_text = new_texts[placed.new_index]
            span: tuple[int | None, int | None] = (None, None)
            certain = placed.certain
            if coding.start is not None and coding.end is not None:  # a span has both (check constraint)
                found = relocate_span(passage.text, new_text, coding.start, coding.end)
                if found is None:
                    result.lost.append(f"{where}: the coded words are gone")
                    remove_coding(session, coding, note="re-import: text gone")
                    continue
                span = found[0], found[1]
                certain = certain and found[2] >= 100
            elif not placed.certain and passage.id not in kept_old:
                certain = False
            if target == passage.id and span == (coding.start, coding.end):
                continue
            result.moved += 1
            if not certain:
                result.uncertain.append(f"{where} → passage {placed.new_index + 1}, please check")
            key = CodingKey(target, coding.code_id, coding.coder_id, *span)
            memo, created = coding.memo, coding.created_at
            remove_coding(session, coding, note="re-import")
            if find_coding(session, key) is None:
                moved, _ = apply_coding(session, key, memo, note="re-import")
                moved.created_at = created
    if result.lost and not force:
        raise CodeerError(
            f"re-import would lose {len(result.lost)} coding(s): "
            + "; ".join(result.lost[:5])
            + ("; ..." if len(result.lost) > 5 else "")
            + " (fix the file, or use --force to drop them)",
            parsed.source,
        )
    session.execute(
        delete(Passage).where(Passage.transcript_id == transcript.id, Passage.number >= RENUMBER_OFFSET)
    )
    _drop_unused_speakers(session, transcript.id, parsed)
    index_transcripts(session, [transcript.id])
    return result


def _drop_unused_speakers(session: Session, transcript_id: int, parsed: ParsedTranscript) -> None:
    wanted = {t.speaker for t in parsed.turns} | set(parsed.speakers)
    session.execute(
        delete(Speaker).where(Speaker.transcript_id == transcript_id, Speaker.name.not_in(wanted))
    )


def _describe(session: Session, transcript_key: str, number: int, coding: Coding) -> str:
    code = session.get(Code, coding.code_id)
    coder = session.get(Coder, coding.coder_id)
    span = "" if coding.start is None else f" [{coding.start}:{coding.end}]"
    code_key, coder_name = (code.key if code else "?"), (coder.name if coder else "?")
    return f"{transcript_key} passage {number} {code_key}{span} by {coder_name}"
