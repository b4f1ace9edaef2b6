"""``codeer import``: read transcript files, find sentences, and store everything in one transaction.

One transaction holds the whole import: every file's problem is collected, and if there is any, the
transaction is rolled back and the project is exactly as it was. Unchanged files (same content hash,
metadata included) are skipped without segmenting them; changed files are re-imported with their codings
re-anchored (:mod:`codeer.store.transcripts`).

Reading and segmenting a file is independent of every other file, so a large import runs that part in
worker processes (one per core) while this process stores what they finished, new transcripts a batch at a
time (:func:`codeer.store.transcripts.insert_transcripts`). Workers send new transcripts' sentence offsets
as the JSON text stored, so this process, the one that cannot be parallel, has little left to do but
write. On a two-core machine a million words import at a little over half the bare spaCy tokenizer's
speed (bench/bench_import.py).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy import select

from codeer.errors import CodeerError, raise_all
from codeer.ingest import find_transcripts, parse_file
from codeer.ingest.records import ParsedTranscript
from codeer.model import Transcript
from codeer.nlp import prepare_sentences, sentence_offsets
from codeer.nlp.sentences import Sentences
from codeer.store.database import Database
from codeer.store.transcripts import SaveResult, insert_transcripts, offsets_json, save_transcript

Progress = Callable[[int, int, str], None]

PARALLEL_FROM_BYTES = 2_000_000  # below this, starting workers costs more than it saves
FILES_PER_TASK = 4
BATCH_PASSAGES = 4_000  # new transcripts are stored together, about this many passages at a time


@dataclass
class ImportReport:
    results: list[SaveResult] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # files in folders left out, and why
    warnings: list[tuple[Path, str]] = field(default_factory=list)  # what to check in files imported

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def passages(self) -> int:
        return sum(r.passages for r in self.results if r.status != "unchanged")


@dataclass
class Prepared:
    """One file read (and, if it changed, segmented), or the problem that stopped it."""

    path: Path
    transcript: ParsedTranscript | None = None
    sentences: list[Sentences] | None = None  # a changed transcript's, for its re-import
    offsets: list[str] | None = None  # a new transcript's sentences, as the JSON text stored
    problem: CodeerError | None = None


def prepare(
    path: Path, known: dict[str, str], language: str, model: str, unlabelled: str | None = None
) -> Prepared:
    """Read ``path`` and find its sentences unless the project already has this exact content."""
    try:
        transcript = parse_file(path, unlabelled=unlabelled)
    except CodeerError as exc:
        return Prepared(path, problem=exc)
    stored = known.get(transcript.key)
    if stored == transcript.content_hash:
        return Prepared(path, transcript)
    sentences = sentence_offsets([t.text for t in transcript.turns], language, model)
    if stored is None:
        return Prepared(path, transcript, offsets=[offsets_json(s) for s in sentences])
    return Prepared(path, transcript, sentences=list(sentences))


def _prepare_all(
    files: list[Path], known: dict[str, str], language: str, model: str, unlabelled: str | None
) -> Iterator[Prepared]:
    work = partial(prepare, known=known, language=language, model=model, unlabelled=unlabelled)
    workers = min(os.cpu_count() or 1, len(files))
    if workers < 2 or sum(f.stat().st_size for f in files) < PARALLEL_FROM_BYTES:
        yield from map(work, files)
        return
    prepare_sentences(language, model)  # built once here; forked workers inherit it
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(work, files, chunksize=FILES_PER_TASK)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while an import builds its many small objects.

    Nothing an import makes holds a reference cycle, so reference counting frees all of it; the cyclic
    collector would only walk every live turn and offset list again and again (a third of a large
    import's time). Forked workers inherit the pause; a QDPX import (tens of thousands of passages) pauses
    it too.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_paths(
    db: Database,
    paths: Iterable[Path],
    *,
    language: str = "nl",
    spacy_model: str = "",
    force: bool = False,
    unlabelled: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    found = find_transcripts(paths)
    files = found.files
    report = ImportReport(skipped=found.skipped)
    problems: list[CodeerError] = []
    seen: dict[str, Path] = {}
    pending: list[tuple[ParsedTranscript, list[str]]] = []

    def store_pending() -> None:
        report.results.extend(insert_transcripts(session, pending, language=language))
        pending.clear()

    with collector_paused(), db.session() as session:
        known = dict(session.execute(select(Transcript.key, Transcript.content_hash)).all())
        for done, item in enumerate(_prepare_all(files, known, language, spacy_model, unlabelled), start=1):
            if progress:
                progress(done, len(files), item.path.name)
            if item.problem is not None:
                problems.append(item.problem)
                continue
            transcript = item.transcript
            assert transcript is not None  # a file read without a problem has its transcript
            key = transcript.key
            if key in seen:
                problems.append(CodeerError(f"transcript id {key!r} is also used by {seen[key]}", item.path))
                continue
            seen[key] = item.path
            report.warnings.extend((item.path, w) for w in transcript.warnings)
            if problems:
                continue  # the import will be refused: keep reading to report every problem, store nothing
            if item.offsets is not None:
                pending.append((transcript, item.offsets))
                if sum(len(t.turns) for t, _ in pending) >= BATCH_PASSAGES:  # a few dozen files at most
                    store_pending()
            elif item.sentences is None:
                report.results.append(SaveResult(key, "unchanged"))
            else:
                try:
                    result = save_transcript(
                        session, transcript, item.sentences, language=language, force=force
                    )
                except CodeerError as exc:
                    problems.append(exc)
                    continue
                report.results.append(result)
        raise_all(problems)  # inside the transaction: any problem rolls back everything stored above
        store_pending()
    return report


@dataclass
class Preview:
    """What an import would store from one file (``--dry-run``), or the problem that stops it."""

    path: Path
    status: str = ""  # new, changed, unchanged
    transcript: ParsedTranscript | None = None
    problem: CodeerError | None = None


def preview_paths(
    db: Database | None, paths: Iterable[Path], *, unlabelled: str | None = None
) -> tuple[list[Preview], list[tuple[Path, str]]]:
    """Read and check every file as :func:`import_paths` would, and store nothing; also the files skipped.
    Without a database (none made yet) every transcript is new."""
    found = find_transcripts(paths)
    known: dict[str, str] = {}
    if db is not None:
        with db.session() as session:
            known = dict(session.execute(select(Transcript.key, Transcript.content_hash)).all())
    previews: list[Preview] = []
    seen: dict[str, Path] = {}
    for path in found.files:
        try:
            transcript = parse_file(path, unlabelled=unlabelled)
        except CodeerError as exc:
            previews.append(Preview(path, problem=exc))
            continue
        if transcript.key in seen:
            problem = CodeerError(
                f"transcript id {transcript.key!r} is also used by {seen[transcript.key]}", path
            )
            previews.append(Preview(path, transcript=transcript, problem=problem))
            continue
        seen[transcript.key] = path
        stored = known.get(transcript.key)
        status = "new" if stored is None else "unchanged" if stored == transcript.content_hash else "changed"
        previews.append(Preview(path, status, transcript))
    return previews, found.skipped
