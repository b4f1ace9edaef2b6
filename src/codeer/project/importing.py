"""``codeer import``: read transcript files, find sentences, and store everything in one transaction.

All files are read and checked before anything is written, so one bad file leaves the project exactly as it
was. Unchanged files (same content hash, metadata included) are skipped; changed files are re-imported with
their codings re-anchored (:mod:`codeer.store.transcripts`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from sqlalchemy import select

from codeer.errors import CodeerError, raise_all
from codeer.ingest import discover, parse_file
from codeer.ingest.records import ParsedTranscript
from codeer.model import Transcript
from codeer.nlp import sentence_offsets
from codeer.store.database import Database
from codeer.store.transcripts import SaveResult, save_transcript

Progress = Callable[[int, int, str], None]


@dataclass
class ImportReport:
    results: list[SaveResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def passages(self) -> int:
        return sum(r.passages for r in self.results if r.status != "unchanged")


def read_all(paths: Iterable[Path], progress: Progress | None = None) -> list[ParsedTranscript]:
    """Parse every file; collect every file's problem so the user sees them all at once."""
    files = discover(paths)
    parsed: list[ParsedTranscript] = []
    problems: list[CodeerError] = []
    seen: dict[str, Path] = {}
    for done, path in enumerate(files, start=1):
        try:
            transcript = parse_file(path)
        except CodeerError as exc:
            problems.append(exc)
            continue
        if transcript.key in seen:
            problems.append(
                CodeerError(f"transcript id {transcript.key!r} is also used by {seen[transcript.key]}", path)
            )
            continue
        seen[transcript.key] = path
        parsed.append(transcript)
        if progress:
            progress(done, len(files), path.name)
    raise_all(problems)
    return parsed


def import_paths(
    db: Database,
    paths: Iterable[Path],
    *,
    language: str = "nl",
    spacy_model: str = "",
    force: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    parsed = read_all(paths, progress)
    report = ImportReport()
    with db.session() as session:
        known = dict(session.execute(select(Transcript.key, Transcript.content_hash)).all())
        changed = [t for t in parsed if known.get(t.key) != t.content_hash]
        report.results.extend(SaveResult(t.key, "unchanged") for t in parsed if t not in changed)
        offsets = sentence_offsets(
            (turn.text for transcript in changed for turn in transcript.turns), language, spacy_model
        )
        for done, transcript in enumerate(changed, start=1):
            sentences = list(islice(offsets, len(transcript.turns)))
            report.results.append(
                save_transcript(session, transcript, sentences, language=language, force=force)
            )
            if progress:
                progress(done, len(changed), f"stored {transcript.key}")
    return report
