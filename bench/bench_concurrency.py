"""Team throughput: codings per second with 1, 4 and 8 coders writing at once, on PostgreSQL and SQLite.

Each coder is a separate process applying codings one transaction at a time through the same use case as
``codeer code`` (its own transaction, retried on conflicts), as fast as it can: far above what people do,
so the figures bound how many coders one project serves. PostgreSQL runs a throwaway server from the
test helpers, with its default durability (fsync, synchronous commit) unless ``--fast``; SQLite uses the
project settings (WAL, synchronous=NORMAL). Also measured: one poll of the change feed a team view makes.

    python bench/bench_concurrency.py [--count 500] [--writers 1,4,8] [--fast]

The machine is shared and small (2 cores): the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from coding_worker import TRANSCRIPT, prepare, run_workers  # noqa: E402
from pg import PostgresServer  # noqa: E402
from sqlalchemy import select  # noqa: E402

from codeer.model import Transcript  # noqa: E402
from codeer.store.changes import ChangeFeed  # noqa: E402
from codeer.store.database import open_database  # noqa: E402

PASSAGES = 50


def poll_ms(url: str, repeat: int = 50) -> float:
    """Median time of one change-feed poll (a view that is up to date, as it is between changes)."""
    db = open_database(url, upgrade=False)
    with db.session() as session:
        feed = ChangeFeed(session.scalar(select(Transcript.id).where(Transcript.key == TRANSCRIPT)), 0)
        feed.poll(session)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with db.session() as session:
            feed.poll(session)
        times.append(time.perf_counter() - start)
    db.close()
    return 1000 * statistics.median(times)


def measure(url: str, writers: int, count: int) -> tuple[float, float]:
    """Codings per second over all writers, and the mean milliseconds one coding takes a writer."""
    codes = prepare(url, PASSAGES, max(1, -(-count // PASSAGES)))
    reports = run_workers(
        url, [f"coder-{n}" for n in range(writers)], count=count, passages=PASSAGES, codes=codes
    )
    assert all(r["outcomes"] == {"applied": count} for r in reports), reports
    wall = max(r["seconds"] for r in reports)
    per_coding = statistics.mean(r["seconds"] / count for r in reports)
    return writers * count / wall, 1000 * per_coding


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="codings per writer")
    parser.add_argument("--writers", default="1,4,8", help="numbers of concurrent writers")
    parser.add_argument("--fast", action="store_true", help="PostgreSQL without fsync (as in the tests)")
    args = parser.parse_args()
    counts = [int(n) for n in args.writers.split(",")]
    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores)")
    server = PostgresServer.start(fast=args.fast)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for writers in counts:
                sqlite_url = f"sqlite:///{Path(tmp) / f'w{writers}.db'}"
                pg_url = server.url(server.create_database())
                for backend, url in (("sqlite", sqlite_url), ("postgresql", pg_url)):
                    rate, ms = measure(url, writers, args.count)
                    rows.append((backend, writers, rate, ms, poll_ms(url)))
                    print(f"  {backend:<10} {writers} writer(s): {rate:7.0f} codings/s", file=sys.stderr)
    finally:
        server.stop()
    durability = "fsync off" if args.fast else "fsync on"
    print(f"{args.count} codings per writer; PostgreSQL 15 ({durability}), SQLite WAL synchronous=NORMAL")
    print(f"{'backend':<11}{'writers':>8}{'codings/s':>11}{'ms/coding':>11}{'poll ms':>9}")
    for backend, writers, rate, ms, poll in rows:
        print(f"{backend:<11}{writers:>8}{rate:>11.0f}{ms:>11.1f}{poll:>9.1f}")
    for writers in counts:
        pg = next(r[2] for r in rows if r[0] == "postgresql" and r[1] == writers)
        lite = next(r[2] for r in rows if r[0] == "sqlite" and r[1] == writers)
        print(f"{writers} writer(s): PostgreSQL / SQLite = {pg / lite:.2f}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
