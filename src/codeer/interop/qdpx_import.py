"""``codeer import qdpx FILE``: a REFI-QDA project into a new or an existing codeer project, all or nothing.

The file is read completely first (:mod:`codeer.interop.qdpx_read`); then, in the caller's one transaction:

- **codebooks**: a codebook codeer wrote (a category with a ``Codebook:`` field) keeps its id; all other codes
  go into one codebook named after the file. A codebook that already exists keeps its codes; codes of the
  file it lacks are added (matched by id). Code ids come from the codes' ``Key:`` fields, else their names
  (``-2``, ``-3`` where names repeat); the file's GUIDs only link codings to codes within the import.
- **transcripts**: keyed by their ``Key:`` field, else the source name's slug. A transcript that already
  exists with the same passages is reused (so importing a file twice adds nothing); one with other text is an
  error, since its codings would land on the wrong words.
- **coders**: the users who applied each coding (else who made the selection, else who made the project, else
  ``fallback_coder``), matched by name.
- **codings** are written as one set with their history (:mod:`codeer.store.coding_batch`, the same outcome
  as one :func:`codeer.store.coding.apply_coding` each); the same coding twice is counted once. **Memos**:
  notes referenced by a coding become its memo; other notes become memos about the passage, transcript or
  code that references them, or about the project.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codeer.codebook.spec import CodebookSpec
from codeer.errors import CodeerError
from codeer.ingest.records import NO_SPEAKER, ParsedTranscript, Turn
from codeer.interop.qdc import stored_spec
from codeer.interop.qdpx_read import QdpxContent, TextContent, read_qdpx
from codeer.interop.refi import ReadCodebook
from codeer.model import Code, Codebook, Memo, Passage, Speaker, Transcript
from codeer.nlp import sentence_offsets
from codeer.store.codebooks import sync_codebook
from codeer.store.coding import check_span, get_or_create_coder
from codeer.store.coding_batch import Item, apply_batch
from codeer.store.transcripts import insert_transcripts, offsets_json

Progress = Callable[[int, int, str], None]


@dataclass
class QdpxImport:
    path: Path
    units: str = ""
    transcripts_new: int = 0
    transcripts_reused: int = 0
    codebooks: list[str] = field(default_factory=list)
    codes_added: int = 0
    codings_added: int = 0
    codings_already: int = 0
    coders: list[str] = field(default_factory=list)
    memos: int = 0
    not_imported: list[str] = field(default_factory=list)
    adjusted: list[str] = field(default_factory=list)


def _merged(session: Session, read: ReadCodebook, report: QdpxImport) -> CodebookSpec:
    """The file's codebook, or the project's codebook of that id with the file's missing codes added."""
    book = session.scalar(select(Codebook).where(Codebook.key == read.spec.key))
    if book is None:
        report.codes_added += len(read.spec.codes)
        return read.spec
    spec = stored_spec(book)
    have = {c.key for c in spec.codes}
    hotkeys = {c.hotkey for c in spec.codes if c.hotkey}
    for code in read.spec.codes:
        if code.key in have:
            continue
        hotkey = code.hotkey if code.hotkey not in hotkeys else None
        if code.hotkey and hotkey is None:
            report.adjusted.append(
                f"code {code.key}: hotkey {code.hotkey!r} is taken in {spec.key}, left out"
            )
        spec.codes.append(type(code)(**{**code.__dict__, "position": len(spec.codes), "hotkey": hotkey}))
        report.codes_added += 1
    spec.source = Path(book.source_file)
    return spec


def _import_codebooks(
    session: Session, content: QdpxContent, report: QdpxImport
) -> dict[tuple[str, str], int]:
    """Load the codebooks; return ``(codebook id, code id)`` → the code's row id."""
    ids: dict[tuple[str, str], int] = {}
    for read in content.codebooks:
        if (
            not read.spec.codes
            and session.scalar(select(Codebook.id).where(Codebook.key == read.spec.key)) is None
        ):
            continue
        sync_codebook(session, _merged(session, read, report))
        report.codebooks.append(read.spec.key)
        ids.update(
            {
                (read.spec.key, key): cid
                for key, cid in session.execute(
                    select(Code.key, Code.id).join(Codebook).where(Codebook.key == read.spec.key)
                )
            }
        )
    return ids


def _parsed(source: TextContent, path: Path) -> ParsedTranscript:
    turns = [Turn(p.speaker or NO_SPEAKER, p.text, p.start_ms) for p in source.layout.passages]
    return ParsedTranscript(
        key=source.key,
        source=Path(f"{path}#{source.title or source.key}"),
        turns=turns,
        title=source.title,
        preamble=source.preamble,
        attributes=dict(source.attributes),
        speakers=dict(source.speakers),
        content_hash=source.content_hash,
    )


def _same_passages(session: Session, transcript_id: int, source: TextContent) -> bool:
    stored = session.execute(
        select(Speaker.name, Passage.text)
        .outerjoin(Speaker, Passage.speaker_id == Speaker.id)
        .where(Passage.transcript_id == transcript_id)
        .order_by(Passage.number)
    ).all()
    return [(s or None, t) for s, t in stored] == [(p.speaker, p.text) for p in source.layout.passages]


def _import_transcripts(
    session: Session,
    content: QdpxContent,
    report: QdpxImport,
    language: str,
    spacy_model: str,
    progress: Progress | None,
) -> dict[str, list[int]]:
    """Store the sources as transcripts; return each source's passage ids in order."""
    existing = dict(session.execute(select(Transcript.key, Transcript.id)).all())
    fresh = []
    for source in content.sources:
        if source.key in existing:
            if not _same_passages(session, existing[source.key], source):
                raise CodeerError(
                    f"transcript {source.key!r} already exists with other text; import into an "
                    "empty project, or remove or rename that transcript first",
                    content.path,
                )
            report.transcripts_reused += 1
        else:
            fresh.append(source)
    offsets = sentence_offsets((p.text for s in fresh for p in s.layout.passages), language, spacy_model)
    for done, source in enumerate(fresh, start=1):
        sentences = [offsets_json(s) for s in islice(offsets, len(source.layout.passages))]
        insert_transcripts(  # words counted by the first search: a project moved in is there sooner
            session,
            [(_parsed(source, content.path), sentences)],
            language=source.language or language,
            count_words=False,
        )
        report.transcripts_new += 1
        if progress:
            progress(done, len(fresh), source.key)
    keys = [s.key for s in content.sources]
    passages: dict[str, list[int]] = {k: [] for k in keys}
    for key, pid in session.execute(
        select(Transcript.key, Passage.id)
        .join(Passage, Passage.transcript_id == Transcript.id)
        .where(Transcript.key.in_(keys))
        .order_by(Transcript.key, Passage.number)
    ):
        passages[key].append(pid)
    return passages


# The user accounts QDA programs write into their own exports (ATLAS.ti exports a user named "ATLAS.ti").
_PROGRAMS = ("atlas.ti", "maxqda", "nvivo", "qualcoder", "qc", "quirkos", "dedoose", "transana", "f4analyse")


def program_account(name: str, origin: str) -> bool:
    """Whether a QDPX user is the writing program itself rather than a person who coded."""
    lowered = name.strip().lower()
    program = origin.split()[0].lower() if origin.split() else ""
    return lowered in _PROGRAMS or bool(program) and lowered == program


class _Coders:
    """Coder ids by user GUID, created on first use."""

    def __init__(self, session: Session, content: QdpxContent, fallback: str, report: QdpxImport) -> None:
        self.session, self.content, self.fallback, self.report = session, content, fallback, report
        self.ids: dict[str, int] = {}

    def id(self, *users: str | None) -> int:
        guid = next((u for u in (*users, self.content.project_user) if u), None)
        name = self.content.users.get(guid, f"user-{guid[:8]}") if guid else self.fallback
        if name not in self.ids:
            self.ids[name] = get_or_create_coder(self.session, name).id
            self.report.coders.append(name)
        return self.ids[name]


def _memo_exists(session: Session, memo: Memo) -> bool:
    return (
        session.scalar(
            select(Memo.id).where(
                Memo.coder_id.is_(None) if memo.coder_id is None else Memo.coder_id == memo.coder_id,
                *(
                    getattr(Memo, f).is_(None)
                    if getattr(memo, f) is None
                    else getattr(Memo, f) == getattr(memo, f)
                    for f in ("transcript_id", "passage_id", "code_id")
                ),
                Memo.title == memo.title,
                Memo.text == memo.text,
            )
        )
        is not None
    )


class _Memos:
    """Where each note belongs: the first passage, transcript and code that reference it, and whether a
    coding uses it as its memo."""

    def __init__(self) -> None:
        self.targets: dict[str, dict[str, int]] = {}
        self.coding_memos: set[str] = set()

    def about(self, guid: str, field_name: str, value: int | None = None) -> None:
        found = self.targets.setdefault(guid, {})
        if value is not None:
            found.setdefault(field_name, value)

    def write(self, session: Session, content: QdpxContent, coders: _Coders, report: QdpxImport) -> None:
        """Every note as a memo, except one that is only a coding's memo; none twice."""
        for guid, note in content.notes.items():
            if guid in self.coding_memos and guid not in self.targets:
                continue
            memo = Memo(
                coder_id=coders.id(note.user) if note.user else None,
                title=note.title[:500],
                text=note.text,
                **self.targets.get(guid, {}),
            )
            if note.created is not None:
                memo.created_at = note.created
            if not _memo_exists(session, memo):
                session.add(memo)
                report.memos += 1


def _apply_codings(
    session: Session,
    content: QdpxContent,
    passages: dict[str, list[int]],
    codes: dict[str, int],
    coders: _Coders,
    memos: _Memos,
    report: QdpxImport,
) -> None:
    """Every selection's codings on the passages it touches, written as one set with their history
    (:mod:`codeer.store.coding_batch`: what one ``apply_coding`` per coding would give)."""
    note = f"import {content.path.name}"
    transcripts = dict(session.execute(select(Transcript.key, Transcript.id)).all())
    wanted = [transcripts[k] for k in passages]
    places = {
        pid: (number, length)
        for pid, number, length in session.execute(
            select(Passage.id, Passage.number, func.length(Passage.text)).where(
                Passage.transcript_id.in_(wanted)
            )
        )
    }
    items: list[Item] = []
    created: list[datetime | None] = []
    for source in content.sources:
        ids = passages[source.key]
        for guid in source.notes:
            memos.about(guid, "transcript_id", transcripts[source.key])
        for selection in source.selections:
            for guid in selection.notes:
                memos.about(guid, "passage_id", ids[selection.places[0].index])
            for coding in selection.codings:
                code_id = codes.get(coding.code or "")
                if code_id is None:
                    report.not_imported.append(
                        f"a coding in {source.key} names no known code ({coding.code}); not imported"
                    )
                    continue
                memo = "\n\n".join(content.notes[g].text for g in coding.notes if g in content.notes)
                memos.coding_memos.update(coding.notes)
                coder_id = coders.id(coding.user, selection.user)
                for place in selection.places:
                    passage_id = ids[place.index]
                    number, length = places[passage_id]
                    check_span(length, place.start, place.end)
                    items.append(
                        (passage_id, code_id, coder_id, place.start, place.end, memo, source.key, number)
                    )
                    created.append(coding.created)
    batch = apply_batch(session, items, note=note, created=created)
    report.codings_added += batch.added
    report.codings_already += batch.updated + batch.unchanged


def import_content(
    session: Session,
    content: QdpxContent,
    *,
    language: str = "nl",
    spacy_model: str = "",
    fallback_coder: str = "imported",
    progress: Progress | None = None,
) -> QdpxImport:
    """Write what :func:`read_qdpx` read into the project, in the caller's transaction."""
    report = QdpxImport(
        content.path,
        units=content.units.value,
        not_imported=list(content.not_imported),
        adjusted=list(content.adjusted),
    )
    code_rows = _import_codebooks(session, content, report)
    codes = {guid: code_rows[ref] for guid, ref in content.code_keys.items() if ref in code_rows}
    passages = _import_transcripts(session, content, report, language, spacy_model, progress)
    coders = _Coders(session, content, fallback_coder, report)
    for user, name in content.users.items():  # a coder also when only selections or memos are theirs
        if not program_account(name, content.origin):  # "ATLAS.ti": a coder only once it made codings
            coders.id(user)
    memos = _Memos()
    _apply_codings(session, content, passages, codes, coders, memos, report)
    for read in content.codebooks:
        for key, notes in read.code_notes.items():
            for guid in notes:
                memos.about(guid, "code_id", code_rows[(read.spec.key, key)])
    for guid in content.project_notes:
        memos.about(guid, "project")
    memos.write(session, content, coders, report)
    session.flush()
    return report


def import_qdpx(
    session: Session,
    path: Path,
    *,
    language: str = "nl",
    spacy_model: str = "",
    fallback_coder: str = "imported",
    progress: Progress | None = None,
) -> QdpxImport:
    """Read ``path`` whole, then import it in the caller's transaction."""
    content = read_qdpx(path)
    return import_content(
        session,
        content,
        language=language,
        spacy_model=spacy_model,
        fallback_coder=fallback_coder,
        progress=progress,
    )
