"""Codings in and out as a table: ``transcript,passage,code,coder,start,end,memo``.

- ``transcript``: the transcript id; ``passage``: its number (from 1); ``code``: a code id (``codebook:code``
  when two codebooks share the id); ``coder``: a name (created if new).
- ``start``/``end``: optional 0-based offsets in Unicode code points inside the passage text, end exclusive;
  both empty = the whole passage.
- ``memo``: optional.

An import is all or nothing: every row is checked first, and any problem refuses the whole file with one line
per problem (``file:line: ...``). Importing the same file twice adds nothing. Export writes the same columns
through codeer's table writer (CSV, CSV for Dutch Excel, XLSX; formula guard included, and taken off again on
import), so a file exported and imported again is equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codeer.analysis.pseudonyms import build_pseudonyms
from codeer.errors import CodeerError, raise_all
from codeer.interop.tables import read_records
from codeer.model import Code, Codebook, Coder, Coding, Passage, Transcript
from codeer.store.codebooks import find_code
from codeer.store.coders import coder_ids
from codeer.store.coding import get_or_create_coder
from codeer.store.coding_batch import Item, apply_batch
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule

COLUMNS = ("transcript", "passage", "code", "coder", "start", "end", "memo")
REQUIRED = ("transcript", "passage", "code", "coder")


@dataclass
class CodingsImport:
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def _offset(value: str, name: str) -> int | None:
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a whole number") from None


def _passages(session: Session, transcript_ids: set[int]) -> dict[tuple[int, int], tuple[int, int]]:
    """``(transcript id, number) -> (passage id, text length)`` of the named transcripts, in one query."""
    query = select(Passage.transcript_id, Passage.number, Passage.id, func.length(Passage.text))
    if len(transcript_ids) <= 1000:  # beyond that, reading every passage is cheaper than a long IN list
        query = query.where(Passage.transcript_id.in_(transcript_ids))
    return {(tid, number): (pid, length) for tid, number, pid, length in session.execute(query)}


def _unknown_transcript(key: str, known: dict[str, int]) -> str:
    from rapidfuzz import process

    near = process.extractOne(key, list(known))
    hint = f"; did you mean {near[0]!r}?" if near and near[1] >= 60 else ""
    return f"unknown transcript {key!r}{hint}"


def _check_rows(session: Session, path: Path) -> list[Item]:
    """Every row checked against the project as sets (each transcript, code and coder looked up once, the
    passages of all named transcripts in one query); one problem per line, all of them, or the rows as
    items of :mod:`codeer.store.coding_batch`, coders new to the project created."""
    header, records = read_records(path, REQUIRED)
    width = len(header)
    pick = itemgetter(*(header.index(c) if c in header else width for c in COLUMNS))
    optional_missing = any(c not in header for c in COLUMNS)
    rows = []
    for line, values in records:
        if optional_missing:
            values.append("")
        rows.append((line, *pick(values)))
    transcripts = dict(session.execute(select(Transcript.key, Transcript.id)).all())
    passages = _passages(session, {transcripts[r[1]] for r in rows if r[1] in transcripts})
    counts: dict[int, int] = {}
    for transcript_id, _ in passages:
        counts[transcript_id] = counts.get(transcript_id, 0) + 1
    codes: dict[str, int | CodeerError] = {}
    coders: dict[str, int] = {}
    checked: list[Item] = []
    problems: list[CodeerError] = []

    def problem(line: int, message: str) -> None:
        problems.append(CodeerError(message, path, line))

    for line, key, passage, ref, coder, start_text, end_text, memo in rows:
        tid = transcripts.get(key)
        if tid is None:
            problem(line, _unknown_transcript(key, transcripts))
            continue
        try:
            number = int(passage)
        except ValueError:
            problem(line, f"passage {passage!r} is not a number")
            continue
        place = passages.get((tid, number))
        if place is None:
            problem(line, f"transcript {key!r} has no passage {number} (it has 1–{counts.get(tid, 0)})")
            continue
        code_id = codes.get(ref)
        if code_id is None:
            try:
                code = find_code(session, ref)
                code_id = codes[ref] = code.id if code is not None else CodeerError(f"unknown code {ref!r}")
            except CodeerError as exc:
                code_id = codes[ref] = exc
        if isinstance(code_id, CodeerError):
            problem(line, code_id.message)
            continue
        if not coder:
            problem(line, "the coder column is empty")
            continue
        start = end = None
        if start_text or end_text:
            try:
                start, end = _offset(start_text, "start"), _offset(end_text, "end")
            except ValueError as exc:
                problem(line, str(exc))
                continue
            if start is None or end is None:
                problem(line, "give both start and end, or neither for the whole passage")
                continue
            if not 0 <= start < end <= place[1]:
                problem(line, f"span {start}:{end} is outside passage {number} of {key!r} (0:{place[1]})")
                continue
        if problems:
            continue  # nothing will be written: only the rest of the problems are wanted
        coder_id = coders.get(coder)
        if coder_id is None:
            coder_id = coders[coder] = get_or_create_coder(session, coder).id
        checked.append((place[0], code_id, coder_id, start, end, memo, key, number))
    raise_all(problems)
    return checked


def import_codings(session: Session, path: Path) -> CodingsImport:
    """Check the whole file, then apply every coding in the caller's transaction, as a set
    (:mod:`codeer.store.coding_batch`: the same codings and history as one action per row)."""
    items = _check_rows(session, path)
    batch = apply_batch(session, items, note=f"import {path.name}")
    return CodingsImport(len(items), batch.added, batch.updated, batch.unchanged)


def code_refs(session: Session) -> dict[int, str]:
    """How each code is named in files: its id, or ``codebook:id`` where two codebooks share the id."""
    rows = session.execute(select(Code.id, Code.key, Codebook.key).join(Codebook)).all()
    counts: dict[str, int] = {}
    for _, key, _ in rows:
        counts[key] = counts.get(key, 0) + 1
    return {cid: key if counts[key] == 1 else f"{book}:{key}" for cid, key, book in rows}


def export_rows(
    session: Session,
    coders: Iterable[str] | None = None,
    *,
    pseudonymise: bool = False,
    moderators: ModeratorRule = DEFAULT_RULE,
) -> list[list[str | int | None]]:
    """Every coding as a row in :data:`COLUMNS` (passage and offsets as numbers, no span as None), for
    codeer's table writer (:func:`codeer.export.tables.write_tables`); ``pseudonymise`` replaces speakers'
    names in memos by their codes."""
    refs = code_refs(session)
    names = build_pseudonyms(session, moderators) if pseudonymise else None
    query = (
        select(
            Transcript.key,
            Passage.number,
            Coding.code_id,
            Coder.name,
            Coding.start,
            Coding.end,
            Coding.memo,
            Passage.transcript_id,
        )
        .join(Passage, Coding.passage_id == Passage.id)
        .join(Transcript, Passage.transcript_id == Transcript.id)
        .join(Coder, Coding.coder_id == Coder.id)
    )
    wanted = list(coders or [])
    if wanted:
        query = query.where(Coder.id.in_(coder_ids(session, wanted)))
    rows: list[list[str | int | None]] = [
        [t, n, refs[cid], coder, s, e, names.text(tid, memo or "") if names else memo or ""]
        for t, n, cid, coder, s, e, memo, tid in session.execute(query)
    ]
    rows.sort(
        key=lambda r: (r[0], r[1], r[3], r[2], -1 if r[4] is None else r[4], -1 if r[5] is None else r[5])
    )
    return rows
