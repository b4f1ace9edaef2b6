"""Codings in and out as a table: ``transcript,passage,code,coder,start,end,memo``.

- ``transcript``: the transcript id; ``passage``: its number (from 1); ``code``: a code id (``codebook:code``
  when two codebooks share the id); ``coder``: a name (created if new).
- ``start``/``end``: optional 0-based offsets in Unicode code points inside the passage text, end exclusive;
  both empty = the whole passage.
- ``memo``: optional.

An import is all or nothing: every row is checked first, and any problem refuses the whole file with one line
per problem (``file:line: ...``). Importing the same file twice adds nothing. Export writes the same columns,
so a file exported and imported again is equal.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import process
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codeer.analysis.pseudonyms import build_pseudonyms
from codeer.errors import CodeerError, raise_all
from codeer.interop.tables import read_rows
from codeer.model import Code, Codebook, Coder, Coding, Passage, Transcript
from codeer.store.codebooks import find_code
from codeer.store.coding import CodingKey, apply_coding, find_coding, get_or_create_coder, update_coding

COLUMNS = ("transcript", "passage", "code", "coder", "start", "end", "memo")
REQUIRED = ("transcript", "passage", "code", "coder")


@dataclass
class CodingsImport:
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class _Row:
    line: int
    passage_id: int
    code_id: int
    coder: str
    start: int | None
    end: int | None
    memo: str


def _offset(value: str, name: str) -> int | None:
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a whole number") from None


def _check_rows(session: Session, path: Path) -> list[_Row]:
    _, rows = read_rows(path, REQUIRED)
    transcripts = dict(session.execute(select(Transcript.key, Transcript.id)).all())
    passages: dict[tuple[int, int], tuple[int, int]] = {}
    counts: dict[int, int] = {}
    codes: dict[str, int | CodeerError] = {}
    checked: list[_Row] = []
    problems: list[CodeerError] = []

    def problem(line: int, message: str) -> None:
        problems.append(CodeerError(message, path, line))

    for line, row in rows:
        key = row.get("transcript", "")
        if key not in transcripts:
            near = process.extractOne(key, list(transcripts))
            hint = f"; did you mean {near[0]!r}?" if near and near[1] >= 60 else ""
            problem(line, f"unknown transcript {key!r}{hint}")
            continue
        tid = transcripts[key]
        if tid not in counts:
            loaded = session.execute(
                select(Passage.number, Passage.id, func.length(Passage.text)).where(
                    Passage.transcript_id == tid
                )
            ).all()
            passages.update({(tid, number): (pid, length) for number, pid, length in loaded})
            counts[tid] = len(loaded)
        try:
            number = int(row.get("passage", ""))
        except ValueError:
            problem(line, f"passage {row.get('passage', '')!r} is not a number")
            continue
        if (tid, number) not in passages:
            problem(line, f"transcript {key!r} has no passage {number} (it has 1–{counts[tid]})")
            continue
        pid, length = passages[(tid, number)]
        ref = row.get("code", "")
        if ref not in codes:
            try:
                code = find_code(session, ref)
                codes[ref] = code.id if code is not None else CodeerError(f"unknown code {ref!r}")
            except CodeerError as exc:
                codes[ref] = exc
        if isinstance(codes[ref], CodeerError):
            problem(line, codes[ref].message)
            continue
        coder = row.get("coder", "")
        if not coder:
            problem(line, "the coder column is empty")
            continue
        try:
            start, end = _offset(row.get("start", ""), "start"), _offset(row.get("end", ""), "end")
        except ValueError as exc:
            problem(line, str(exc))
            continue
        if (start is None) != (end is None):
            problem(line, "give both start and end, or neither for the whole passage")
            continue
        if start is not None and end is not None and not 0 <= start < end <= length:
            problem(line, f"span {start}:{end} is outside passage {number} of {key!r} (0:{length})")
            continue
        checked.append(_Row(line, pid, codes[ref], coder, start, end, row.get("memo", "")))
    raise_all(problems)
    return checked


def import_codings(session: Session, path: Path) -> CodingsImport:
    """Check the whole file, then apply every coding in the caller's transaction."""
    rows = _check_rows(session, path)
    report = CodingsImport(rows=len(rows))
    coders: dict[str, int] = {}
    for row in rows:
        if row.coder not in coders:
            coders[row.coder] = get_or_create_coder(session, row.coder).id
        key = CodingKey(row.passage_id, row.code_id, coders[row.coder], row.start, row.end)
        existing = find_coding(session, key)
        if existing is None:
            apply_coding(session, key, row.memo, note=f"import {path.name}")
            report.added += 1
        elif row.memo and existing.memo != row.memo:
            update_coding(session, existing, memo=row.memo, note=f"import {path.name}")
            report.updated += 1
        else:
            report.unchanged += 1
    return report


def code_refs(session: Session) -> dict[int, str]:
    """How each code is named in files: its id, or ``codebook:id`` where two codebooks share the id."""
    rows = session.execute(select(Code.id, Code.key, Codebook.key).join(Codebook)).all()
    counts: dict[str, int] = {}
    for _, key, _ in rows:
        counts[key] = counts.get(key, 0) + 1
    return {cid: key if counts[key] == 1 else f"{book}:{key}" for cid, key, book in rows}


def export_rows(
    session: Session, coders: Iterable[str] | None = None, *, pseudonymise: bool = False
) -> list[list[str]]:
    """Every coding as a row; ``pseudonymise`` replaces speakers' names in memos by their codes."""
    refs = code_refs(session)
    names = build_pseudonyms(session) if pseudonymise else None
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
        known = set(session.scalars(select(Coder.name)))
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise CodeerError(f"unknown coder(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        query = query.where(Coder.name.in_(wanted))
    rows = [
        [
            t,
            str(n),
            refs[cid],
            coder,
            "" if s is None else str(s),
            "" if e is None else str(e),
            names.text(tid, memo or "") if names else memo or "",
        ]
        for t, n, cid, coder, s, e, memo, tid in session.execute(query)
    ]
    rows.sort(key=lambda r: (r[0], int(r[1]), r[3], r[2], int(r[4] or -1), int(r[5] or -1)))
    return rows


def write_codings(
    session: Session, path: Path, coders: Iterable[str] | None = None, *, pseudonymise: bool = False
) -> int:
    rows = export_rows(session, coders, pseudonymise=pseudonymise)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return len(rows)
