"""Import speed: ``codeer import`` of a generated 1-million-word corpus beside spaCy's bare tokenizer.

Both run in this process on the same passage texts; the figure that matters is the ratio
(goal: the whole import — parse, segment, store in SQLite — at no less than half the tokenizer's speed).
Each is run ``--repeat`` times (fresh database each time) and the median is reported, since a shared
machine's other work moves single runs by 10-20 %. ``--phases`` adds a one-process breakdown of the import
(parse, segment, store), to see where the time goes.

    python bench/bench_import.py [--words 1000000] [--repeat 3] [--phases]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from corpus import write_corpus

from codeer.ingest import discover, parse_file
from codeer.nlp import get_pipeline, sentence_offsets
from codeer.project.importing import import_paths
from codeer.store.database import open_database
from codeer.store.transcripts import insert_transcripts, offsets_json


def median_seconds(run: Callable[[int], object], repeat: int, setup: Callable[[int], object] = id) -> float:
    """Median wall time of ``run(attempt)``; ``setup(attempt)`` runs first, untimed."""
    times = []
    for attempt in range(repeat):
        setup(attempt)
        start = time.perf_counter()
        run(attempt)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def phases(folder: Path, tmp: Path, words: int) -> None:
    """Parse, segment and store one after another in this process (the import pauses the collector too)."""
    files = discover([folder])
    gc.disable()
    start = time.perf_counter()
    parsed = [parse_file(path) for path in files]
    parse = time.perf_counter() - start
    start = time.perf_counter()
    offsets = [[offsets_json(s) for s in sentence_offsets([t.text for t in p.turns])] for p in parsed]
    segment = time.perf_counter() - start
    db = open_database(f"sqlite:///{tmp / 'phases.db'}")
    start = time.perf_counter()
    with db.session() as session:
        insert_transcripts(session, list(zip(parsed, offsets, strict=True)))
    store = time.perf_counter() - start
    db.close()
    gc.enable()
    for name, seconds in (("parse", parse), ("segment", segment), ("store", store)):
        print(f"  {name:<19}: {seconds:7.2f} s  {words / seconds:12,.0f} words/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--phases", action="store_true", help="also time parse, segment and store alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        words = write_corpus(folder, args.words)
        texts = [turn.text for path in discover([folder]) for turn in parse_file(path).turns]
        counted = sum(len(t.split()) for t in texts)

        nlp = get_pipeline("nl")

        def tokenize(_: int) -> None:
            for _doc in nlp.tokenizer.pipe(texts, batch_size=256):
                pass

        bare = median_seconds(tokenize, args.repeat)
        reports = []
        databases = []

        def new_project(attempt: int) -> None:  # the project exists before the import that is timed
            databases.append(open_database(f"sqlite:///{Path(tmp) / f'codeer-{attempt}.db'}"))

        def import_all(_: int) -> None:
            reports.append(import_paths(databases[-1], [folder]))

        full = median_seconds(import_all, args.repeat, setup=new_project)
        for db in databases:
            db.close()
        report = reports[-1]

        print(f"corpus: {words} words generated, {counted} words in {len(texts)} passages")
        print(f"median of {args.repeat} runs; {os.cpu_count()} cores")
        print(f"bare spaCy tokenizer : {bare:7.2f} s  {counted / bare:12,.0f} words/s")
        print(
            f"codeer import (all)  : {full:7.2f} s  {counted / full:12,.0f} words/s "
            f"({report.count('new')} transcripts, {report.passages} passages)"
        )
        print(f"ratio import/tokenizer speed: {bare / full:.2f} (goal >= 0.50)")
        if args.phases:
            print("one process, phase by phase:")
            phases(folder, Path(tmp), counted)


if __name__ == "__main__":
    main()
