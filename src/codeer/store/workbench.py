"""What the coding workbench reads and writes, as plain frozen records.

The terminal UI runs database work on a worker thread and must never hold live ORM objects across threads,
so every query here returns dataclasses, and every action takes ids and returns the new state of what it
changed. Keeping this apart from Textual also keeps it testable without a terminal.

Every workbench write is one coding action in the caller's session (the UI opens one ``db.session()`` per
action) and is marked with :data:`codeer.store.history.ACTION_NOTE`, so undo and redo can tell workbench
actions from imports.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, distinct, func, select
from sqlalchemy.orm import Session

from codeer.errors import CodeerError
from codeer.model import (
    Code,
    Codebook,
    Coder,
    Coding,
    Memo,
    Passage,
    Speaker,
    SpeakerAttribute,
    Transcript,
    TranscriptAttribute,
    utcnow,
)
from codeer.store.codebook_ops import code_memos
from codeer.store.coding import (
    CodingKey,
    apply_coding,
    find_coding,
    get_or_create_coder,
    remove_coding,
    update_coding,
)
from codeer.store.history import ACTION_NOTE

MODERATOR_NAMES = frozenset({"moderator", "interviewer"})
MODERATOR_ROLES = frozenset({"moderator", "interviewer"})


@dataclass(frozen=True)
class TranscriptRow:
    """One line of the transcripts screen: the transcript, its attributes and this coder's progress."""

    id: int
    key: str
    title: str
    attributes: dict[str, str]
    passages: int
    coded: int


@dataclass(frozen=True)
class CodeInfo:
    """A code as the coding screen shows it; ``depth`` is 0 for a top-level code."""

    id: int
    key: str
    name: str
    codebook: str
    parent_id: int | None
    depth: int
    hotkey: str | None
    color: str | None
    definition: str
    include: str
    exclude: str
    examples: tuple[str, ...]
    keywords: tuple[str, ...]
    memo: str = ""  # the analyst's memo on the code, shown with its definition


@dataclass(frozen=True)
class PassageRow:
    id: int
    number: int
    speaker: str
    start_ms: int | None
    text: str
    moderator: bool


@dataclass(frozen=True)
class CodingRow:
    """A coding; ``start``/``end`` None means the whole passage."""

    id: int
    passage_id: int
    code_id: int
    coder_id: int
    coder: str
    start: int | None
    end: int | None
    memo: str


@dataclass(frozen=True)
class TranscriptData:
    """Everything the coding screen needs to show one transcript."""

    id: int
    key: str
    title: str
    passages: list[PassageRow]
    codings: list[CodingRow]
    memos: dict[int, str]


def coder_id(session: Session, name: str) -> int:
    """The id of coder ``name``, creating the coder on first use."""
    return get_or_create_coder(session, name).id


def list_transcripts(session: Session, coder: int) -> list[TranscriptRow]:
    """Every transcript with its attributes, passage count and how many passages ``coder`` has coded."""
    passages = dict(
        session.execute(select(Passage.transcript_id, func.count()).group_by(Passage.transcript_id)).all()
    )
    coded = dict(
        session.execute(
            select(Passage.transcript_id, func.count(distinct(Coding.passage_id)))
            .join(Coding, Coding.passage_id == Passage.id)
            .where(Coding.coder_id == coder)
            .group_by(Passage.transcript_id)
        ).all()
    )
    attributes: dict[int, dict[str, str]] = {}
    for tid, name, value in session.execute(
        select(TranscriptAttribute.transcript_id, TranscriptAttribute.name, TranscriptAttribute.value)
    ):
        attributes.setdefault(tid, {})[name] = value
    return [
        TranscriptRow(tid, key, title, attributes.get(tid, {}), passages.get(tid, 0), coded.get(tid, 0))
        for tid, key, title in session.execute(
            select(Transcript.id, Transcript.key, Transcript.title).order_by(Transcript.key)
        )
    ]


def list_codes(session: Session) -> list[CodeInfo]:
    """All codes of all codebooks in tree order (each code followed by its children, by position)."""
    rows = session.execute(
        select(Code, Codebook.key)
        .join(Codebook, Code.codebook_id == Codebook.id)
        .order_by(Codebook.key, Code.position, Code.id)
    ).all()
    children: dict[int | None, list[tuple[Code, str]]] = {}
    ids = {code.id for code, _ in rows}
    memos = code_memos(session)
    for code, book in rows:
        parent = code.parent_id if code.parent_id in ids else None
        children.setdefault(parent, []).append((code, book))
    ordered: list[CodeInfo] = []

    def walk(parent: int | None, depth: int) -> None:
        for code, book in children.get(parent, []):
            ordered.append(
                CodeInfo(
                    id=code.id,
                    key=code.key,
                    name=code.name,
                    codebook=book,
                    parent_id=code.parent_id,
                    depth=depth,
                    hotkey=code.hotkey,
                    color=code.color,
                    definition=code.definition or "",
                    include=code.include or "",
                    exclude=code.exclude or "",
                    examples=tuple(str(e) for e in code.examples or ()),
                    keywords=tuple(str(k) for k in code.keywords or ()),
                    memo=memos.get(code.id, ""),
                )
            )
            walk(code.id, depth + 1)

    walk(None, 0)
    return ordered


def _coding_query(coder: int | None):
    query = select(
        Coding.id,
        Coding.passage_id,
        Coding.code_id,
        Coding.coder_id,
        Coder.name,
        Coding.start,
        Coding.end,
        Coding.memo,
    ).join(Coder, Coder.id == Coding.coder_id)
    return query if coder is None else query.where(Coding.coder_id == coder)


def load_codings(session: Session, transcript_id: int, coder: int | None) -> list[CodingRow]:
    """The codings on a transcript: of ``coder`` only (blind), or of every coder (``coder`` None)."""
    query = (
        _coding_query(coder)
        .join(Passage, Passage.id == Coding.passage_id)
        .where(Passage.transcript_id == transcript_id)
        .order_by(Coding.passage_id, Coding.id)
    )
    return [CodingRow(*row) for row in session.execute(query)]


def passage_codings(session: Session, passage_id: int, coder: int | None) -> list[CodingRow]:
    """The codings on one passage (after an undo, the UI reloads only what changed)."""
    query = _coding_query(coder).where(Coding.passage_id == passage_id).order_by(Coding.id)
    return [CodingRow(*row) for row in session.execute(query)]


def _moderator_speakers(session: Session, transcript_id: int) -> set[int]:
    """Speakers whose turns the UI can dim: ``rol`` moderator/interviewer, or so named."""
    roles = select(SpeakerAttribute.speaker_id).where(
        func.lower(SpeakerAttribute.name).in_(("rol", "role")),
        func.lower(SpeakerAttribute.value).in_(MODERATOR_ROLES),
    )
    query = select(Speaker.id).where(
        Speaker.transcript_id == transcript_id,
        (Speaker.id.in_(roles)) | (func.lower(Speaker.name).in_(MODERATOR_NAMES)),
    )
    return set(session.scalars(query))


def load_transcript(
    session: Session, transcript_id: int, coder: int, *, others: bool = False
) -> TranscriptData:
    """A transcript's passages, the visible codings and this coder's passage memos, in one read."""
    transcript = session.get(Transcript, transcript_id)
    if transcript is None:
        raise CodeerError(f"no transcript with id {transcript_id}")
    moderators = _moderator_speakers(session, transcript_id)
    rows = session.execute(
        select(Passage.id, Passage.number, Speaker.name, Passage.start_ms, Passage.text, Passage.speaker_id)
        .outerjoin(Speaker, Speaker.id == Passage.speaker_id)
        .where(Passage.transcript_id == transcript_id)
        .order_by(Passage.number)
    )
    passages = [
        PassageRow(pid, number, speaker or "", start_ms, text, speaker_id in moderators)
        for pid, number, speaker, start_ms, text, speaker_id in rows
    ]
    memos = dict(
        session.execute(
            select(Memo.passage_id, Memo.text)
            .join(Passage, Passage.id == Memo.passage_id)
            .where(Passage.transcript_id == transcript_id, Memo.coder_id == coder, Memo.code_id.is_(None))
        ).all()
    )
    return TranscriptData(
        transcript.id,
        transcript.key,
        transcript.title,
        passages,
        load_codings(session, transcript_id, None if others else coder),
        memos,
    )


def passage_sentences(session: Session, passage_id: int) -> list[tuple[int, int]]:
    """The sentence offsets spaCy stored for a passage: read only when the coder selects within it, so that
    opening a long transcript does not decode thousands of JSON lists nobody looks at."""
    stored = session.scalar(select(Passage.sentences).where(Passage.id == passage_id)) or []
    return [(int(start), int(end)) for start, end in stored]


def _row(session: Session, coding: Coding) -> CodingRow:
    name = session.scalar(select(Coder.name).where(Coder.id == coding.coder_id)) or ""
    return CodingRow(
        coding.id,
        coding.passage_id,
        coding.code_id,
        coding.coder_id,
        name,
        coding.start,
        coding.end,
        coding.memo or "",
    )


def toggle(session: Session, key: CodingKey) -> CodingRow | None:
    """Apply the code (return the new coding) or, if this coder has it already, remove it (return None)."""
    existing = find_coding(session, key)
    if existing is not None:
        remove_coding(session, existing, note=ACTION_NOTE)
        return None
    coding, _ = apply_coding(session, key, note=ACTION_NOTE)
    return _row(session, coding)


def _own_coding(session: Session, coding_id: int, coder: int) -> Coding:
    coding = session.get(Coding, coding_id)
    if coding is None or coding.coder_id != coder:
        raise CodeerError("that coding no longer exists")
    return coding


def remove(session: Session, coding_id: int, coder: int) -> None:
    """Remove one of ``coder``'s codings (another coder's codings are never touched)."""
    remove_coding(session, _own_coding(session, coding_id, coder), note=ACTION_NOTE)


def set_coding_memo(session: Session, coding_id: int, coder: int, text: str) -> CodingRow:
    """Write the memo of one of ``coder``'s codings (recorded in the history, so it can be undone)."""
    coding = _own_coding(session, coding_id, coder)
    update_coding(session, coding, memo=text, note=ACTION_NOTE)
    return _row(session, coding)


def set_passage_memo(session: Session, coder: int, passage_id: int, text: str) -> str:
    """Write (or, when ``text`` is blank, delete) ``coder``'s memo on a passage; return what is stored."""
    memo = session.scalar(
        select(Memo).where(
            and_(Memo.passage_id == passage_id, Memo.coder_id == coder, Memo.code_id.is_(None))
        )
    )
    if not text.strip():
        if memo is not None:
            session.delete(memo)
        return ""
    if memo is None:
        transcript_id = session.scalar(select(Passage.transcript_id).where(Passage.id == passage_id))
        if transcript_id is None:
            raise CodeerError(f"no passage with id {passage_id}")
        memo = Memo(coder_id=coder, passage_id=passage_id, transcript_id=transcript_id, text=text)
        session.add(memo)
    else:
        memo.text = text
        memo.updated_at = utcnow()
    session.flush()
    return text
