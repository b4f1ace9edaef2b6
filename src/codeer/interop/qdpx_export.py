"""The whole project as a REFI-QDA project file (``.qdpx``) that NVivo, ATLAS.ti, MAXQDA and QualCoder open.

What goes where:

- coders → ``<Users>``; codebooks → a category code each (``isCodable="false"``, see
  :mod:`codeer.interop.qdc`) with their codes inside,
  definitions and codeer's other fields in the descriptions;
- transcripts → ``<TextSource>``s, each text (one line per passage, :mod:`codeer.interop.refi_text`) in
  ``sources/<guid>.txt`` as UTF-8 with LF; the title is the source's name, the preamble its description
  followed by ``Key:``, ``Untitled:`` (no title), ``Language:`` and ``Speakers:`` (``none``: no passage has
  one) fields; transcript attributes → ``<Variables>`` and a ``<VariableValue>`` per source; speakers
  with attributes → a ``<Case>`` each (``Speaker:`` field,
  values, a ``<SourceRef>`` to their transcript);
- codings → ``<PlainTextSelection>``s (one per passage and span, holding one ``<Coding>`` per code and coder,
  the coder as creating user), positions in code points; a coding's memo → a note referenced by its coding;
- memos → ``<Notes>``, referenced from what they are about: the passage's selection, the transcript's
  source, the code, or the project.

GUIDs are derived from codeer's keys in the project's own namespace (:func:`~codeer.interop.qdc.
project_namespace`), so exporting twice gives the same file. Every export is written to a temporary file and
renamed into place.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, indent, register_namespace, tostring

from sqlalchemy import select
from sqlalchemy.orm import Session

from codeer.analysis.pseudonyms import Pseudonyms, build_pseudonyms
from codeer.interop.qdc import ORIGIN, code_guids, project_namespace, stored_spec
from codeer.interop.refi import PROJECT_NS, add_codebook_element, derive_guid, write_fields
from codeer.interop.refi_text import SourceLayout, render
from codeer.model import (
    Code,
    Codebook,
    Coding,
    Memo,
    Passage,
    Speaker,
    SpeakerAttribute,
    Transcript,
    TranscriptAttribute,
)
from codeer.store.coders import coder_ids, known_coders
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule

Progress = Callable[[int, int, str], None]
Q = f"{{{PROJECT_NS}}}"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed member times: the same project gives the same bytes


@dataclass
class QdpxExport:
    transcripts: int = 0
    codes: int = 0
    codings: int = 0
    coders: int = 0
    memos: int = 0
    warnings: list[str] = field(default_factory=list)


def _stamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _attrs(**values: str | None) -> dict[str, str]:
    return {k: v for k, v in values.items() if v is not None}


class _Writer:
    """Builds the ``project.qde`` tree from the database in a handful of set-based queries."""

    def __init__(self, session: Session, coders: list[str] | None, pseudonyms: Pseudonyms | None) -> None:
        self.session = session
        self.pseudonyms = pseudonyms
        self.ns = project_namespace(session)
        self.report = QdpxExport()
        known = known_coders(session)
        if coders:
            known = dict(zip(coders, coder_ids(session, coders, known), strict=True))
        self.coder_ids = set(known.values())
        self.users = {cid: derive_guid(self.ns, "coder", name) for name, cid in known.items()}
        self.names = {cid: name for name, cid in known.items()}
        self.notes: list[Element] = []
        self.note_refs: dict[tuple[str, object], list[str]] = defaultdict(list)

    def private(self, transcript_id: int | None, text: str) -> str:
        """``text`` with the transcript's speakers' names replaced by their codes, when pseudonymising."""
        if self.pseudonyms is None or transcript_id is None:
            return text
        return self.pseudonyms.text(transcript_id, text)

    def guid(self, kind: str, *key: object) -> str:
        return derive_guid(self.ns, kind, *key)

    # -- notes --

    def _note(self, guid: str, title: str, text: str, coder_id: int | None, created: datetime | None) -> None:
        note = Element(
            Q + "Note",
            _attrs(
                guid=guid,
                name=title or None,
                creatingUser=self.users.get(coder_id) if coder_id is not None else None,
                creationDateTime=_stamp(created),
            ),
        )
        SubElement(note, Q + "PlainTextContent").text = text
        self.notes.append(note)

    def collect_memos(self) -> None:
        """Every memo as a note, and where it must be referenced from (one place per thing it is about)."""
        memos = self.session.scalars(select(Memo).order_by(Memo.id)).all()
        for memo in memos:
            if memo.coder_id is not None and memo.coder_id not in self.coder_ids:
                continue
            guid = self.guid("memo", memo.id)
            title, text = (self.private(memo.transcript_id, t) for t in (memo.title, memo.text))
            self._note(guid, title, text, memo.coder_id, memo.created_at)
            targets = [
                ("passage", memo.passage_id),
                ("transcript", memo.transcript_id),
                ("code", memo.code_id),
            ]
            targets = [t for t in targets if t[1] is not None] or [("project", None)]
            for target in targets:
                self.note_refs[target].append(guid)
            self.report.memos += 1

    # -- parts of the project --

    def users_element(self, root: Element) -> None:
        if self.users:
            users = SubElement(root, Q + "Users")
            for cid, guid in sorted(self.users.items(), key=lambda item: self.names[item[0]]):
                SubElement(users, Q + "User", {"guid": guid, "name": self.names[cid]})
            self.report.coders = len(self.users)

    def codebook_element(self, root: Element) -> dict[int, str]:
        """The codebooks, each a category holding its codes; returns each code id's GUID."""
        books = self.session.scalars(select(Codebook).order_by(Codebook.key)).all()
        ids = {
            (book, key): cid
            for cid, book, key in self.session.execute(select(Code.id, Codebook.key, Code.key).join(Codebook))
        }
        guids: dict[int, str] = {}
        if not books:
            return guids
        codes = SubElement(SubElement(root, Q + "CodeBook"), Q + "Codes")
        for book in books:
            spec = stored_spec(book)
            keyed = code_guids(self.ns, spec)
            guids.update({ids[(spec.key, key)]: guid for key, guid in keyed.items()})
            notes = {key: self.note_refs.get(("code", ids[(spec.key, key)]), []) for key in keyed}
            add_codebook_element(
                codes, spec, keyed, self.guid("codebook", spec.key), namespace=PROJECT_NS, notes=notes
            )
            self.report.codes += len(spec.codes)
        return guids

    def variables(self, root: Element, names: Iterable[str]) -> dict[str, str]:
        """One text variable per attribute name (of transcripts and of speakers); returns name → GUID."""
        guids = {name: self.guid("variable", name) for name in sorted(set(names))}
        if guids:
            variables = SubElement(root, Q + "Variables")
            for name, guid in guids.items():
                SubElement(variables, Q + "Variable", {"guid": guid, "name": name, "typeOfVariable": "Text"})
        return guids

    @staticmethod
    def values(parent: Element, values: Iterable[tuple[str, str]], variables: dict[str, str]) -> None:
        for name, value in values:
            element = SubElement(parent, Q + "VariableValue")
            SubElement(element, Q + "VariableRef", {"targetGUID": variables[name]})
            SubElement(element, Q + "TextValue").text = value

    def cases(
        self,
        root: Element,
        speakers: dict[tuple[str, str], list[tuple[str, str]]],
        variables: dict[str, str],
    ) -> None:
        """Speakers with attributes as cases: the values, and a reference to the transcript they speak in."""
        if not speakers:
            return
        cases = SubElement(root, Q + "Cases")
        for (transcript, speaker), values in sorted(speakers.items()):
            case = SubElement(
                cases, Q + "Case", {"guid": self.guid("speaker", transcript, speaker), "name": speaker}
            )
            SubElement(case, Q + "Description").text = write_fields("", [("Speaker", speaker)])
            self.values(case, values, variables)
            SubElement(case, Q + "SourceRef", {"targetGUID": self.guid("transcript", transcript)})

    def coding_element(self, parent: Element, coding: _CodingRow, code_guids: dict[int, str]) -> None:
        guid = self.guid(
            "coding",
            coding.transcript,
            coding.number,
            code_guids[coding.code_id],
            self.names[coding.coder_id],
            coding.start,
            coding.end,
        )
        element = SubElement(
            parent,
            Q + "Coding",
            _attrs(
                guid=guid,
                creatingUser=self.users[coding.coder_id],
                creationDateTime=_stamp(coding.created_at),
            ),
        )
        SubElement(element, Q + "CodeRef", {"targetGUID": code_guids[coding.code_id]})
        if coding.memo:
            note = self.guid("coding-memo", guid)
            self._note(note, "", coding.memo, coding.coder_id, coding.created_at)
            SubElement(element, Q + "NoteRef", {"targetGUID": note})
        self.report.codings += 1

    def source(
        self,
        parent: Element,
        transcript: Transcript,
        passages: list[tuple[int, int, str | None, int | None, str]],
        codings: list[_CodingRow],
        attributes: list[tuple[str, str]],
        variables: dict[str, str],
        code_guids: dict[int, str],
    ) -> tuple[str, str]:
        """One transcript as a ``<TextSource>``; returns its GUID and its plain text."""
        guid = self.guid("transcript", transcript.key)
        text, places = render((speaker, start_ms, body) for _, _, speaker, start_ms, body in passages)
        labels = any(speaker for _, _, speaker, _, _ in passages)
        self._check_layout(transcript.key, text, passages, labels)
        element = SubElement(
            parent,
            Q + "TextSource",
            {
                "guid": guid,
                "name": self.private(transcript.id, transcript.title) or transcript.key,
                "plainTextPath": f"internal://{guid}.txt",
            },
        )
        SubElement(element, Q + "Description").text = write_fields(
            self.private(transcript.id, transcript.preamble),
            [
                ("Key", transcript.key),
                ("Untitled", "" if transcript.title else "yes"),
                ("Language", transcript.language),
                ("Speakers", "" if labels else "none"),
            ],
        )
        where = {pid: (number, place) for (pid, number, *_), place in zip(passages, places, strict=True)}
        groups: dict[tuple[int, int | None, int | None], list[_CodingRow]] = defaultdict(list)
        for coding in codings:
            groups[(coding.passage_id, coding.start, coding.end)].append(coding)
        for pid in where:
            if self.note_refs.get(("passage", pid)):
                groups.setdefault((pid, None, None), [])
        selections = []
        for (pid, start, end), rows in groups.items():
            number, place = where[pid]
            if start is None or end is None:
                position = (place.line_start, place.text_end)
            else:
                position = (place.text_start + start, place.text_start + end)
            selections.append((position, number, start, end, rows))
        for (first, last), number, start, end, rows in sorted(selections, key=lambda s: s[:4]):
            rows.sort(key=lambda r: (code_guids[r.code_id], self.names[r.coder_id]))
            selection = SubElement(
                element,
                Q + "PlainTextSelection",
                _attrs(
                    guid=self.guid("selection", transcript.key, number, start, end),
                    startPosition=str(first),
                    endPosition=str(last),
                    creatingUser=self.users[rows[0].coder_id] if rows else None,
                    creationDateTime=_stamp(min((r.created_at for r in rows if r.created_at), default=None)),
                ),
            )
            for coding in rows:
                self.coding_element(selection, coding, code_guids)
            if start is None:
                for note in self.note_refs.get(("passage", passages[number - 1][0]), []):
                    SubElement(selection, Q + "NoteRef", {"targetGUID": note})
        for note in self.note_refs.get(("transcript", transcript.id), []):
            SubElement(element, Q + "NoteRef", {"targetGUID": note})
        self.values(element, attributes, variables)
        self.report.transcripts += 1
        return guid, text

    def _check_layout(
        self, key: str, text: str, passages: list[tuple[int, int, str | None, int | None, str]], labels: bool
    ) -> None:
        """Read the written text back as an import would; warn where it would not give the same passages
        (a speaker name the label rule does not accept, a passage text that looks like a label)."""
        read = [
            (p.speaker, p.start_ms, p.text)
            for p in SourceLayout(text, one_per_line=True, labels=labels).passages
        ]
        wanted = [
            (speaker, start_ms, body.replace("\r", " ").replace("\n", " "))
            for _, _, speaker, start_ms, body in passages
        ]
        if read != wanted:
            bad = next((i for i, (a, b) in enumerate(zip(read, wanted, strict=False)) if a != b), len(read))
            self.report.warnings.append(
                f"{key}: passage {bad + 1} will not read back as it is (speaker label or layout); "
                "other programs get the text, a re-import may differ there"
            )


@dataclass(frozen=True)
class _CodingRow:
    transcript: str
    number: int
    passage_id: int
    code_id: int
    coder_id: int
    start: int | None
    end: int | None
    memo: str
    created_at: datetime | None


def _load(session: Session, coder_ids: set[int], writer: _Writer) -> tuple[dict, dict, dict, dict]:
    """Passages, codings, attributes and speaker attributes of every transcript, by transcript id.

    When pseudonymising, speakers are their codes and their names in texts and memos too.
    """
    named = writer.pseudonyms.speaker if writer.pseudonyms else None
    passages: dict[int, list] = defaultdict(list)
    for tid, pid, number, speaker, start_ms, text, sid in session.execute(
        select(
            Passage.transcript_id,
            Passage.id,
            Passage.number,
            Speaker.name,
            Passage.start_ms,
            Passage.text,
            Passage.speaker_id,
        )
        .outerjoin(Speaker, Passage.speaker_id == Speaker.id)
        .order_by(Passage.transcript_id, Passage.number)
    ):
        speaker = named(sid) if named and sid is not None else speaker
        passages[tid].append((pid, number, speaker, start_ms, writer.private(tid, text)))
    codings: dict[int, list[_CodingRow]] = defaultdict(list)
    for tid, *values in session.execute(
        select(
            Passage.transcript_id,
            Transcript.key,
            Passage.number,
            Coding.passage_id,
            Coding.code_id,
            Coding.coder_id,
            Coding.start,
            Coding.end,
            Coding.memo,
            Coding.created_at,
        )
        .join(Passage, Coding.passage_id == Passage.id)
        .join(Transcript, Passage.transcript_id == Transcript.id)
        .where(Coding.coder_id.in_(coder_ids))
    ):
        coding = _CodingRow(*values)
        codings[tid].append(replace(coding, memo=writer.private(tid, coding.memo)))
    attributes: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for tid, name, value in session.execute(
        select(
            TranscriptAttribute.transcript_id, TranscriptAttribute.name, TranscriptAttribute.value
        ).order_by(TranscriptAttribute.transcript_id, TranscriptAttribute.name)
    ):
        attributes[tid].append((name, value))
    speakers: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for key, speaker, sid, name, value in session.execute(
        select(Transcript.key, Speaker.name, Speaker.id, SpeakerAttribute.name, SpeakerAttribute.value)
        .join(Speaker, SpeakerAttribute.speaker_id == Speaker.id)
        .join(Transcript, Speaker.transcript_id == Transcript.id)
        .order_by(Transcript.key, Speaker.name, SpeakerAttribute.name)
    ):
        speakers[(key, named(sid) if named else speaker)].append((name, value))
    return passages, codings, attributes, speakers


def export_qdpx(
    session: Session,
    path: Path,
    *,
    name: str = "codeer project",
    coders: list[str] | None = None,
    progress: Progress | None = None,
    pseudonymise: bool = False,
    moderators: ModeratorRule = DEFAULT_RULE,
) -> QdpxExport:
    """Write the project (codings and memos of ``coders`` only, if given) to ``path``.

    ``pseudonymise`` writes speakers as stable codes (:mod:`codeer.analysis.pseudonyms`), in speaker labels,
    cases, titles, preambles, texts and the memos about a transcript or its passages.
    """
    writer = _Writer(session, coders, build_pseudonyms(session, moderators) if pseudonymise else None)
    passages, codings, attributes, speakers = _load(session, writer.coder_ids, writer)
    writer.collect_memos()
    root = Element(Q + "Project", {"name": name, "origin": ORIGIN})
    writer.users_element(root)
    code_guids = writer.codebook_element(root)
    variables = writer.variables(
        root,
        [n for values in attributes.values() for n, _ in values]
        + [n for values in speakers.values() for n, _ in values],
    )
    writer.cases(root, speakers, variables)
    transcripts = session.scalars(select(Transcript).order_by(Transcript.key)).all()
    texts: list[tuple[str, str]] = []
    if transcripts:
        sources = SubElement(root, Q + "Sources")
        for done, transcript in enumerate(transcripts, start=1):
            texts.append(
                writer.source(
                    sources,
                    transcript,
                    passages[transcript.id],
                    codings[transcript.id],
                    attributes[transcript.id],
                    variables,
                    code_guids,
                )
            )
            if progress:
                progress(done, len(transcripts), transcript.key)
    if writer.notes:
        SubElement(root, Q + "Notes").extend(writer.notes)
    for note in writer.note_refs.get(("project", None), []):
        SubElement(root, Q + "NoteRef", {"targetGUID": note})
    _write_zip(path, root, texts)
    return writer.report


def _write_zip(path: Path, root: Element, texts: list[tuple[str, str]]) -> None:
    register_namespace("", PROJECT_NS)
    indent(root)
    members = [("project.qde", tostring(root, encoding="utf-8", xml_declaration=True))]
    members += [(f"sources/{guid}.txt", text.encode("utf-8")) for guid, text in texts]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members:
            info = zipfile.ZipInfo(member, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    partial.replace(path)
