"""Coders in a load test: separate processes applying codings one transaction at a time, as fast as they can.

Used by ``tests/test_concurrency.py`` and ``bench/bench_concurrency.py``. :func:`prepare` makes a project
with one transcript and a codebook; :func:`run_workers` starts one process per coder (this file run as a
script), waits until every one has opened the database, lets them all go at once, and collects what each
reports. A worker puts code ``codes[i // passages % len(codes)]`` on passage ``i % passages + 1`` for ``i``
in ``range(count)``, through the same use case as ``codeer code``
(:func:`codeer.project.code_by_reference.code_passage`): its own transaction, retried on conflicts.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from codeer.ingest.records import ParsedTranscript, Turn
from codeer.model import Code, Codebook
from codeer.project.code_by_reference import PassageCoding, code_passage
from codeer.store.database import open_database
from codeer.store.transcripts import save_transcript

TRANSCRIPT = "load-test"


def prepare(url: str, passages: int, codes: int) -> list[str]:
    """Make the project: a transcript of ``passages`` turns and a codebook of ``codes`` codes (their keys)."""
    keys = [f"code-{n:02d}" for n in range(1, codes + 1)]
    db = open_database(url)
    with db.session() as session:
        book = Codebook(key="load", title="Load test")
        session.add(book)
        session.flush()
        session.add_all(
            Code(codebook_id=book.id, key=key, name=key, position=n) for n, key in enumerate(keys)
        )
        turns = [
            Turn(f"Spreker {n % 6}", f"Passage {n}: ik vond het contact prima, echt waar.")
            for n in range(passages)
        ]
        parsed = ParsedTranscript(
            key=TRANSCRIPT, source=Path("load-test.txt"), turns=turns, content_hash="load"
        )
        save_transcript(session, parsed, [[] for _ in turns])
    db.close()
    return keys


def run_workers(
    url: str,
    coders: list[str],
    *,
    count: int,
    passages: int,
    codes: list[str],
    during: Callable[[], None] | None = None,
) -> list[dict]:
    """Run one worker per coder at once; return their reports. ``during`` runs repeatedly meanwhile."""
    command = [
        sys.executable,
        __file__,
        url,
        TRANSCRIPT,
        "--passages",
        str(passages),
        "--codes",
        ",".join(codes),
    ]
    workers = [
        subprocess.Popen(
            [*command, "--coder", coder, "--count", str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for coder in coders
    ]
    for worker in workers:
        ready = worker.stdout.readline().strip()
        if ready != "ready":
            raise RuntimeError(f"worker did not start: {ready} {worker.stderr.read()}")
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.close()
    while during is not None and any(worker.poll() is None for worker in workers):
        during()
    reports = []
    for worker in workers:
        out, err = worker.stdout.read(), worker.stderr.read()  # small: one JSON line, or one traceback
        worker.wait()
        if worker.returncode != 0 or err.strip():
            raise RuntimeError(f"worker failed ({worker.returncode}): {err.strip()}")
        reports.append(json.loads(out))
    return reports


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("transcript")
    parser.add_argument("--coder", required=True)
    parser.add_argument("--passages", type=int, required=True)
    parser.add_argument("--codes", required=True)
    parser.add_argument("--count", type=int, required=True)
    args = parser.parse_args()
    codes = args.codes.split(",")
    db = open_database(args.url, upgrade=False)
    print("ready", flush=True)
    sys.stdin.readline()
    outcomes: dict[str, int] = {}
    start = time.perf_counter()
    for i in range(args.count):
        wanted = PassageCoding(
            args.transcript, i % args.passages + 1, codes[i // args.passages % len(codes)], args.coder
        )
        outcome = code_passage(db, wanted)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    elapsed = time.perf_counter() - start
    db.close()
    print(json.dumps({"coder": args.coder, "outcomes": outcomes, "seconds": elapsed}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
