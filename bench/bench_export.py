"""Export speed: ``codeer export all`` on a project of a million codings, beside pandas computing the same
frequency and co-occurrence tables from a codings CSV, in the same run.

Each route runs as its own process, measured with ``os.wait4``: wall time, CPU time (user + system, which
other work on the machine disturbs less) and peak resident memory (goal for the export: under 300 MB).

- ``export all``: every standard table, including all codings as quotes (``segments``) and the codebook; on
  Linux with two cores the segments are written by a second process (its CPU time counts in the figures);
- ``export all --skip segments,codebook``: the same tables the pandas route computes;
- the bare quotes: Python's ``sqlite3`` and ``csv.writer`` writing the same codings with their quote (one
  join, no formula guard, no memo of the passage), beside ``export all`` writing the segments alone: how
  near the segments file is to what any Python program pays for the same rows;
- pandas: reads ``codings.csv``, ``passages.csv`` and ``metadata.csv`` (written by the generator, so not
  timed), computes frequencies overall, per organisation, per quadrant and per organisation × quadrant and
  co-occurrence with Jaccard per organisation and per quadrant, and writes them as CSV.

The two routes' frequency and co-occurrence tables are compared, so the figures are for equal results.

``--compare SRC`` also times ``export all`` with another copy of codeer's ``src`` folder (e.g. the code before
a change), alternated with this one ``--repeat`` times, and checks that both wrote the same bytes.

    python bench/bench_export.py [--codings 1000000] [--keep DIR] [--compare SRC] [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_codings_project import generate  # noqa: E402

from codeer.choices import STANDARD_TABLES  # noqa: E402

GROUPINGS = {"": [], "-organisation": ["organisation"], "-quadrant": ["quadrant"]}
GROUPINGS["-organisation-quadrant"] = ["organisation", "quadrant"]
PAIR_GROUPINGS = {"-organisation": ["organisation"], "-quadrant": ["quadrant"]}


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    work: tuple[float, float] | None = None  # (wall, cpu) of the work alone, without start-up, if reported


def measure(command: list[str], source: Path | None = None) -> Run:
    """Run ``command`` as a child process; its wall time, CPU time and peak RSS (Linux: kB → MB).

    A child that prints ``work WALL CPU`` reports the time of its work alone (imports excluded). ``source``:
    another ``src`` folder of codeer to run it with.
    """
    env = {**os.environ, "PYTHONPATH": str(source)} if source else None
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(command, stdout=out, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(command)}")
        out.seek(0)
        work = [line.split()[1:] for line in out if line.startswith("work ")]
    reported = (float(work[0][0]), float(work[0][1])) if work else None
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, reported)


def _clocks() -> tuple[float, float]:
    """Wall time and CPU time, the latter with the CPU of children waited for (export all's segments)."""
    times = os.times()
    return time.perf_counter(), times.user + times.system + times.children_user + times.children_system


def _report_work(started: tuple[float, float]) -> None:
    wall, cpu = _clocks()
    print(f"work {wall - started[0]:.3f} {cpu - started[1]:.3f}")


def codeer_route(project: Path, out: Path, skip: str) -> None:
    """``export all`` as the CLI runs it, timed without the interpreter's and the CLI's start-up."""
    from codeer.export.beside import export_project
    from codeer.store.database import open_database

    started = _clocks()
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    export_project(db, out, skip=tuple(filter(None, skip.split(","))))
    db.close()
    _report_work(started)


def pandas_route(project: Path, out: Path) -> None:
    """What an analyst would write in pandas for the same tables."""
    import pandas as pd

    started = _clocks()
    codings = pd.read_csv(project / "codings.csv", usecols=["transcript", "passage", "code"])
    passages = pd.read_csv(project / "passages.csv")
    metadata = pd.read_csv(project / "metadata.csv")
    coded = (
        codings.drop_duplicates()
        .merge(passages, on=["transcript", "passage"])
        .merge(metadata, on="transcript")
    )
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for suffix, by in GROUPINGS.items():
        keys = [*by, "code"]
        table = coded.groupby(keys).size().rename("passages").to_frame()
        table["speakers"] = coded.drop_duplicates([*keys, "transcript", "speaker"]).groupby(keys).size()
        table["transcripts"] = coded.drop_duplicates([*keys, "transcript"]).groupby(keys).size()
        table = table.reset_index()
        counts[suffix] = table
        table.to_csv(out / f"frequencies{suffix}.csv", index=False)
    slim = coded[["transcript", "passage", "code", "organisation", "quadrant"]]
    pairs = slim.merge(slim[["transcript", "passage", "code"]], on=["transcript", "passage"])
    pairs = pairs[pairs["code_x"] < pairs["code_y"]]
    for suffix, by in PAIR_GROUPINGS.items():
        table = pairs.groupby([*by, "code_x", "code_y"]).size().rename("passages").reset_index()
        n = counts[suffix][[*by, "code", "passages"]]
        table = table.merge(n.rename(columns={"code": "code_x", "passages": "n_x"}), on=[*by, "code_x"])
        table = table.merge(n.rename(columns={"code": "code_y", "passages": "n_y"}), on=[*by, "code_y"])
        table["jaccard"] = table["passages"] / (table["n_x"] + table["n_y"] - table["passages"])
        table.to_csv(out / f"cooccurrence{suffix}.csv", index=False)
    _report_work(started)


BARE_QUOTES = """SELECT t.key, t.title, p.number, p.start_ms, s.name, k.key, k.name, c.name, g.start, g."end",
 g.memo, CASE WHEN g.start IS NULL THEN p.text ELSE substr(p.text, g.start + 1, g."end" - g.start) END
FROM codings g JOIN passages p ON p.id = g.passage_id JOIN transcripts t ON t.id = p.transcript_id
LEFT JOIN speakers s ON s.id = p.speaker_id JOIN codes k ON k.id = g.code_id
JOIN coders c ON c.id = g.coder_id
ORDER BY t.key, p.number, k.key, c.name, g.start"""


def bare_quotes_route(project: Path, out: Path) -> None:
    """The floor for the segments file: the same rows through the bare driver and the csv module."""
    import sqlite3

    started = _clocks()
    out.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(project / "codeer.db")
    with (out / "quotes.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        cursor = connection.execute(BARE_QUOTES)
        while rows := cursor.fetchmany(5000):
            writer.writerows(rows)
    connection.close()
    _report_work(started)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def compare(codeer_dir: Path, pandas_dir: Path) -> int:
    """Check that both routes found the same counts and Jaccard values; return the cells compared."""
    compared = 0
    for suffix, by in GROUPINGS.items():
        name = f"frequencies{suffix}.csv"
        ours = {
            (*(r[a] for a in by), r["code"]): (r["passages"], r["speakers"], r["transcripts"])
            for r in _rows(codeer_dir / name)
        }
        theirs = {
            (*(r[a] for a in by), r["code"]): (r["passages"], r["speakers"], r["transcripts"])
            for r in _rows(pandas_dir / name)
        }
        if ours != theirs:
            raise SystemExit(f"{name}: codeer and pandas differ")
        compared += len(ours)
    for suffix, by in PAIR_GROUPINGS.items():
        name = f"cooccurrence{suffix}.csv"
        ours = {
            (*(r[a] for a in by), frozenset((r["code_a"], r["code_b"]))): (
                int(r["passages"]),
                float(r["jaccard"]),
            )
            for r in _rows(codeer_dir / name)
        }
        theirs = {
            (*(r[a] for a in by), frozenset((r["code_x"], r["code_y"]))): (
                int(r["passages"]),
                float(r["jaccard"]),
            )
            for r in _rows(pandas_dir / name)
        }
        if ours.keys() != theirs.keys() or any(
            ours[k][0] != theirs[k][0] or abs(ours[k][1] - theirs[k][1]) > 1e-12 for k in ours
        ):
            raise SystemExit(f"{name}: codeer and pandas differ")
        compared += len(ours)
    return compared


def alternated(codeer: list[str], tmp: Path, other: Path, repeat: int) -> None:
    """``export all`` with this code and with the ``src`` folder ``other``, alternated ``repeat`` times (a
    loaded machine slows both alike); the medians, their ratio, and whether every file has the same bytes."""
    runs: dict[str, list[Run]] = {"this": [], "that": []}
    for _ in range(repeat):
        for label, source in (("this", None), ("that", other)):
            runs[label].append(measure([*codeer, "--dir", str(tmp / f"ab-{label}")], source))
    this, that = (
        (statistics.median(r.wall for r in runs[k]), statistics.median(r.cpu for r in runs[k])) for k in runs
    )
    same = _files(tmp / "ab-this") == _files(tmp / "ab-that")
    print(f"export all, median of {repeat} alternated: wall {this[0]:.2f} s, cpu {this[1]:.2f} s; {other}: "
          f"wall {that[0]:.2f} s, cpu {that[1]:.2f} s; ratio wall {this[0] / that[0]:.2f}x, cpu "
          f"{this[1] / that[1]:.2f}x; same bytes: {same}")  # fmt: skip
    for label in runs:
        print(f"  {label} wall: {', '.join(f'{r.wall:.2f}' for r in runs[label])}")


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder and keep it")
    parser.add_argument(
        "--pandas-route", nargs=2, type=Path, metavar=("PROJECT", "OUT"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--bare-route", nargs=2, type=Path, metavar=("PROJECT", "OUT"), help=argparse.SUPPRESS
    )
    parser.add_argument("--codeer-route", nargs=3, metavar=("PROJECT", "OUT", "SKIP"), help=argparse.SUPPRESS)
    parser.add_argument("--compare", type=Path, metavar="SRC", help="also time export all with SRC")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each for --compare")
    args = parser.parse_args()
    if args.pandas_route:
        pandas_route(*args.pandas_route)
        return
    if args.bare_route:
        bare_quotes_route(*args.bare_route)
        return
    if args.codeer_route:
        codeer_route(Path(args.codeer_route[0]), Path(args.codeer_route[1]), args.codeer_route[2])
        return
    with tempfile.TemporaryDirectory() as tmp:
        project = args.keep or Path(tmp) / "project"
        if not (project / "codeer.db").exists():
            start = time.perf_counter()
            count = generate(project, args.codings)
            print(f"generated {count:,} codings in {time.perf_counter() - start:.1f} s")
        codeer = [sys.executable, "-m", "codeer.cli.main", "--project", str(project), "export", "all"]
        startup = measure([sys.executable, "-m", "codeer.cli.main", "--version"])
        full = measure([*codeer, "--dir", str(Path(tmp) / "all")])
        tables = measure([*codeer, "--dir", str(Path(tmp) / "tables"), "--skip", "segments,codebook"])
        pandas = measure(
            [sys.executable, __file__, "--pandas-route", str(project), str(Path(tmp) / "pandas")]
        )
        others = ",".join(t for t in STANDARD_TABLES if t != "segments")
        quotes = measure([*codeer, "--dir", str(Path(tmp) / "quotes"), "--skip", others])
        bare = measure([sys.executable, __file__, "--bare-route", str(project), str(Path(tmp) / "bare")])
        inside = [sys.executable, __file__, "--codeer-route", str(project)]
        full_work = measure([*inside, str(Path(tmp) / "all-work"), ""])
        tables_work = measure([*inside, str(Path(tmp) / "tables-work"), "segments,codebook"])
        cells = compare(Path(tmp) / "tables", Path(tmp) / "pandas")
        if args.compare:
            alternated(codeer, Path(tmp), args.compare.resolve(), args.repeat)
        segments = sum(1 for _ in (Path(tmp) / "all" / "segments.csv").open(encoding="utf-8")) - 1

    print(f"same results: {cells} frequency and co-occurrence rows agree; {segments:,} segments exported")
    print(f"{'route':44} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}")
    for label, run in (
        ("codeer export all (8 tables, with segments)", full),
        ("codeer export all --skip segments,codebook", tables),
        ("pandas from codings.csv (6 tables)", pandas),
        ("codeer export all, segments alone", quotes),
        ("bare sqlite3 + csv.writer, the same quotes", bare),
        ("(codeer --version: start-up alone)", startup),
    ):
        print(f"{label:44} {run.wall:8.2f} {run.cpu:8.2f} {run.rss_mb:8.0f}")
    for label, run in (("same tables", tables), ("export all ", full)):
        print(f"pandas/codeer, {label}: wall {pandas.wall / run.wall:.2f}x, cpu {pandas.cpu / run.cpu:.2f}x")
    ratio = f"wall {quotes.wall / bare.wall:.2f}x, cpu {quotes.cpu / bare.cpu:.2f}x"
    print(f"segments alone / bare quotes: {ratio}")
    print("the work alone, without start-up (imports):")
    assert pandas.work and full_work.work and tables_work.work
    for label, (wall, cpu) in (
        ("export_project(), 8 tables", full_work.work),
        ("export_project(), same 6 tables", tables_work.work),
        ("pandas, 6 tables", pandas.work),
    ):
        print(f"  {label:42} {wall:8.2f} {cpu:8.2f}")
    for label, run in (("same tables", tables_work), ("export all ", full_work)):
        ratio_wall, ratio_cpu = pandas.work[0] / run.work[0], pandas.work[1] / run.work[1]
        print(f"  pandas/codeer, {label}: wall {ratio_wall:.2f}x, cpu {ratio_cpu:.2f}x")
    print(f"peak memory of export all: {full.rss_mb:.0f} MB (goal < 300 MB)")


if __name__ == "__main__":
    main()
