"""Import speed: ``codeer import`` of a generated 1-million-word corpus beside spaCy's bare tokenizer.

Both run in this process on the same passage texts; the figure that matters is the ratio
(goal: the whole import — parse, segment, store in SQLite — at no less than half the tokenizer's speed).

    python bench/bench_import.py [--words 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from corpus import write_corpus

from codeer.ingest import discover, parse_file
from codeer.nlp import get_pipeline
from codeer.project.importing import import_paths
from codeer.store.database import open_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        words = write_corpus(folder, args.words)
        texts = [turn.text for path in discover([folder]) for turn in parse_file(path).turns]
        counted = sum(len(t.split()) for t in texts)

        nlp = get_pipeline("nl")
        start = time.perf_counter()
        for _ in nlp.tokenizer.pipe(texts, batch_size=256):
            pass
        bare = time.perf_counter() - start

        db = open_database(f"sqlite:///{Path(tmp) / 'codeer.db'}")
        start = time.perf_counter()
        report = import_paths(db, [folder])
        full = time.perf_counter() - start
        db.close()

    print(f"corpus: {words} words generated, {counted} words in {len(texts)} passages")
    print(f"bare spaCy tokenizer : {bare:7.2f} s  {counted / bare:12,.0f} words/s")
    print(
        f"codeer import (all)  : {full:7.2f} s  {counted / full:12,.0f} words/s "
        f"({report.count('new')} transcripts, {report.passages} passages)"
    )
    print(f"ratio import/tokenizer speed: {bare / full:.2f} (goal >= 0.50)")


if __name__ == "__main__":
    main()
