"""What the coding workbench reads and writes, as plain frozen records.

The terminal UI runs database work on a worker thread and must never hold live ORM objects across threads,
so every query here returns dataclasses, and every action takes ids and returns the new state of what it
changed. Keeping this apart from Textual also keeps it testable without a terminal.

Every workbench write is one coding action in the caller's session (the UI opens one ``db.session()`` per
action) and is marked with :data:`codeer.store.history.ACTION_NOTE`, so undo and redo can tell workbench
actions from imports.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

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
    Transcript,
    TranscriptAttribute,
    utcnow,
)
from codeer.store.codebook_ops import code_memos
from codeer.store.coding import (
    CodingKey,
    apply_located,
    get_or_create_coder,
    locate,
    remove_coding,
    remove_coding_id,
    update_coding,
)
from codeer.store.consensus import CONSENSUS
from codeer.store.database import Database
from codeer.store.history import ACTION_NOTE
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule


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


NAME_LIMIT = 200  # characters: the coder name column on PostgreSQL (SQLite would take more)


def coder_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be the name of a person coding in the workbench, or None if it can."""
    name = name.strip()
    if not name:
        return "a coder name is needed: your name or initials"
    if name.lower() == CONSENSUS:
        return (
            f"{CONSENSUS!r} is the coder that holds settled disagreements, not a person: choose your own name"
        )
    if len(name) > NAME_LIMIT:
        return f"a coder name has at most {NAME_LIMIT} characters (this one has {len(name)})"
    return None


def coder_id(session: Session, name: str) -> int:
    """The id of coder ``name``, creating the coder on first use."""
    problem = coder_name_problem(name)
    if problem is not None:
        raise CodeerError(problem)
    return get_or_create_coder(session, name).id


@dataclass(frozen=True)
class FileIdentity:
    """Which file a SQLite project database is: its path and, on that file system, its inode.

    A sync tool or a careless ``mv`` can move ``codeer.db`` away, or ``codeer restore`` put another file in
    its place, while a workbench holds it open; its connections would then write to a file that is no
    longer the project's. The workbench checks this before every write (:func:`check_identity`).
    """

    path: Path
    device: int
    inode: int


def database_file(db: Database) -> Path | None:
    """The file of a SQLite database, also when its URL is a URI (``sqlite:///file:PATH?mode=ro&uri=true``);
    None for PostgreSQL."""
    path = db.sqlite_path
    if path is None:
        return None
    name = str(path)
    if name.startswith("file:"):
        name = name.removeprefix("file:").split("?")[0]
    return Path(name).resolve()


def file_identity(db: Database) -> FileIdentity | None:
    """The identity of ``db``'s file now, or None for a database that is not a file (PostgreSQL)."""
    path = database_file(db)
    if path is None:
        return None
    info = path.stat()
    return FileIdentity(path, info.st_dev, info.st_ino)


def check_identity(expected: FileIdentity | None) -> None:
    """Refuse to go on when the project's database file is no longer the one that was opened."""
    if expected is None:
        return
    try:
        info = os.stat(expected.path)
    except FileNotFoundError:
        raise CodeerError(
            f"the project database {expected.path} is gone (moved or deleted while the workbench was open): "
            "nothing more is saved; quit and put codeer.db back, or restore a backup"
        ) from None
    if (info.st_dev, info.st_ino) != (expected.device, expected.inode):
        raise CodeerError(
            f"the project database {expected.path} was replaced by another file while the workbench was "
            "open (a restore, a sync tool, a copy): nothing more is saved; quit and open codeer again"
        )


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


def _moderator_speakers(session: Session, transcript_id: int, moderators: ModeratorRule) -> set[int]:
    """Speakers whose turns the UI can dim (:mod:`codeer.store.moderators` decides who they are)."""
    return set(session.scalars(moderators.speaker_ids().where(Speaker.transcript_id == transcript_id)))


def load_transcript(
    session: Session,
    transcript_id: int,
    coder: int,
    *,
    others: bool = False,
    moderators: ModeratorRule = DEFAULT_RULE,
) -> TranscriptData:
    """A transcript's passages, the visible codings and this coder's passage memos, in one read."""
    transcript = session.get(Transcript, transcript_id)
    if transcript is None:
        raise CodeerError(f"no transcript with id {transcript_id}")
    moderator_ids = _moderator_speakers(session, transcript_id, moderators)
    rows = session.execute(
        select(Passage.id, Passage.number, Speaker.name, Passage.start_ms, Passage.text, Passage.speaker_id)
        .outerjoin(Speaker, Speaker.id == Passage.speaker_id)
        .where(Passage.transcript_id == transcript_id)
        .order_by(Passage.number)
    )
    passages = [
        PassageRow(pid, number, speaker or "", start_ms, text, speaker_id in moderator_ids)
        for pid, number, speaker, start_ms, text, speaker_id in rows
    ]
    memos = {
        passage_id: text
        for passage_id, text in session.execute(
            select(Memo.passage_id, Memo.text)
            .join(Passage, Passage.id == Memo.passage_id)
            .where(Passage.transcript_id == transcript_id, Memo.coder_id == coder, Memo.code_id.is_(None))
        )
        if passage_id is not None  # a passage memo always names its passage (code_id is None above)
    }
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


def _row(coding: Coding, coder_name: str) -> CodingRow:
    return CodingRow(
        coding.id,
        coding.passage_id,
        coding.code_id,
        coding.coder_id,
        coder_name,
        coding.start,
        coding.end,
        coding.memo or "",
    )


LOCK_SUFFIX = ".workbench"


def workbench_lock_path(database: Path) -> Path:
    """The file every open workbench on a SQLite project holds a shared lock on (beside ``codeer.db``)."""
    return database.with_name(database.name + LOCK_SUFFIX)


class WorkbenchPresence:
    """An open workbench, announced to other codeer processes: a shared ``flock`` on
    :func:`workbench_lock_path`, which the system lets go when the process ends, even when it is killed.

    ``codeer restore`` asks :func:`workbenches_open` and refuses while one is held: it would replace the
    codings a workbench shows under it.
    """

    def __init__(self, database: Path) -> None:
        path = workbench_lock_path(database)
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(fd, fcntl.LOCK_SH)
        self._fd: int | None = fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def workbenches_open(database: Path) -> bool:
    """True while a workbench has the SQLite project ``database`` open (on this machine)."""
    path = workbench_lock_path(database)
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing lets go of the lock, if it was taken
    return False


def set_coding(session: Session, key: CodingKey, present: bool) -> bool:
    """Make the coding exist (``present``) or not, whatever it was; return whether anything changed.

    The workbench asks for what the coder saw: a key pressed on a passage whose view does not show the code
    applies it, one whose view shows it removes it. So a second window with an older view can never undo
    what the first did by pressing the same key ("toggle" on the database would).
    """
    place = locate(session, key)
    if present and place.coding_id is None:
        apply_located(session, key, place, note=ACTION_NOTE)
        return True
    if not present and place.coding_id is not None:
        remove_coding_id(session, place.coding_id, note=ACTION_NOTE)
        return True
    return False


def _own_coding(session: Session, coding_id: int, coder: int) -> tuple[Coding, str]:
    """One of ``coder``'s codings and the coder's name, in one statement."""
    found = session.execute(
        select(Coding, Coder.name).join(Coder, Coder.id == Coding.coder_id).where(Coding.id == coding_id)
    ).first()
    if found is None or found[0].coder_id != coder:
        raise CodeerError("that coding no longer exists")
    return found[0], found[1]


def remove(session: Session, coding_id: int, coder: int) -> None:
    """Remove one of ``coder``'s codings (another coder's codings are never touched)."""
    remove_coding(session, _own_coding(session, coding_id, coder)[0], note=ACTION_NOTE)


def set_coding_memo(session: Session, coding_id: int, coder: int, text: str) -> CodingRow:
    """Write the memo of one of ``coder``'s codings (recorded in the history, so it can be undone)."""
    coding, name = _own_coding(session, coding_id, coder)
    update_coding(session, coding, memo=text, note=ACTION_NOTE)
    return _row(coding, name)


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
