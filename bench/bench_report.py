"""Report and chart speed: ``codeer report`` on a project of a million codings (goal: 15 s, 400 MB), and each
``codeer chart`` on the bundled sample study, start-up included (goal: 2 s each).

Every command runs as its own process, as a user runs it (bytecode cached, a user cache of this run's own),
measured with ``os.wait4``: wall time, CPU time (user + system, of the command and the painter process it
draws in) and peak resident memory. Each figure is the median of ``--repeat`` runs after one untimed warm-up
(which fills the user cache: the tokenizer snapshot, matplotlib's font list), beside its baseline in the same
run, with the ratio:

- a chart beside ``codeer status`` on the same project (start-up and a read of the database, no figure);
- the report beside ``codeer export all --skip segments,codebook`` (the tables the report's figures are
  drawn from, written as CSV, without drawing).

``--compare SRC`` also runs every command with another copy of codeer's ``src`` folder (e.g. the code before
a change: ``git archive COMMIT src | tar -x -C /tmp/before``), alternating run by run so both see the same
machine, and prints the ratio this / that. ``--via-import`` builds the million-codings project as a user
would, through ``codeer codings import`` of the generated ``codings.csv`` (history included), rather than by
bulk inserts. Run on a quiet machine:

    python bench/bench_report.py [--codings 1000000] [--repeat 5] [--keep DIR] [--via-import] [--compare SRC]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from gen_codings_project import generate  # noqa: E402

CHARTS = (
    ("frequencies", "--by", "organisation"),
    ("frequencies", "--by", "organisation,quadrant"),
    ("heatmap", "--by", "quadrant"),
    ("cooccurrence", "--values", "jaccard"),
    ("network",),
)
SOURCES: dict[str, Path] = {"this": ROOT / "src"}  # label → a src folder to run codeer from
CACHE: dict[str, str] = {}  # XDG_CACHE_HOME of every measured process, a folder of this run


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float


def _env(source: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("PYTHONDONTWRITEBYTECODE", "MPLCONFIGDIR"):
        env.pop(name, None)
    env["PYTHONPATH"] = str(source)
    env.update(CACHE)
    return env


def measure(command: list[str], source: Path) -> Run:
    """Wall and CPU seconds and peak resident memory (MB) of ``command`` (and the processes it waited for)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=_env(source), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    err = process.stderr.read() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{err}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def timed(command: list[str], repeat: int) -> dict[str, Run]:
    """Per source, the median run of ``command`` (after a warm-up each), the sources taking turns."""
    runs: dict[str, list[Run]] = {label: [] for label in SOURCES}
    for source in SOURCES.values():
        measure(command, source)
    for _ in range(repeat):
        for label, source in SOURCES.items():
            runs[label].append(measure(command, source))
    return {
        label: Run(
            statistics.median(r.wall for r in found),
            statistics.median(r.cpu for r in found),
            max(r.rss_mb for r in found),
        )
        for label, found in runs.items()
    }


def codeer(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "codeer.cli.main", "--project", str(project), *args]


def setup(command: list[str]) -> None:
    subprocess.run(command, env=_env(SOURCES["this"]), check=True, capture_output=True)


def sample_project(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    setup(codeer(folder, "codebook", "load", *map(str, sorted((ROOT / "codebooks").glob("*.yaml")))))
    setup(codeer(folder, "import", str(ROOT / "transcripts")))
    setup(codeer(folder, "codings", "import", str(ROOT / "transcripts" / "codings-sample.csv")))
    return folder


def big_project(folder: Path, codings: int, via_import: bool) -> None:
    if (folder / "codeer.db").exists():
        return
    start = time.perf_counter()
    count = generate(folder, codings)
    if via_import:
        with sqlite3.connect(folder / "codeer.db", isolation_level=None) as conn:
            conn.execute("DELETE FROM codings")
            conn.execute("VACUUM")
        setup(codeer(folder, "codings", "import", str(folder / "codings.csv")))
    how = "codeer codings import" if via_import else "bulk inserts"
    print(f"\ngenerated {count:,} codings ({how}) in {time.perf_counter() - start:.1f} s", flush=True)


def header() -> None:
    others = "".join(f" {'vs ' + label:>10}" for label in SOURCES if label != "this")
    print(f"{'command':50} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} {'/ base':>7}{others}", flush=True)


def line(label: str, runs: dict[str, Run], base: dict[str, Run] | None = None) -> None:
    """This code's run, its ratio to the baseline, and this / each other source's run."""
    run = runs["this"]
    ratio = f"{run.wall / base['this'].wall:6.2f}x" if base else " " * 7
    others = "".join(f" {run.wall / runs[o].wall:9.2f}x" for o in SOURCES if o != "this")
    print(f"{label:50} {run.wall:7.2f} {run.cpu:7.2f} {run.rss_mb:8.0f} {ratio}{others}", flush=True)
    for other in SOURCES:
        if other != "this":
            was = runs[other]
            print(f"{'  ' + other:50} {was.wall:7.2f} {was.cpu:7.2f} {was.rss_mb:8.0f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (median); 3 at most for 1M")
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder and keep it")
    parser.add_argument("--via-import", action="store_true", help="build the project by codings import")
    parser.add_argument("--compare", type=Path, metavar="SRC", help="also run codeer from this src folder")
    parser.add_argument("--skip-big", action="store_true", help="only the sample study")
    args = parser.parse_args()
    if args.compare:
        SOURCES["that"] = args.compare.resolve()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        CACHE["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        sample = sample_project(Path(tmp) / "sample")
        print("each chart on the sample study (goal: 2 s, start-up included)")
        header()
        status = timed(codeer(sample, "status"), args.repeat)
        line("codeer status (baseline)", status)
        for chart in CHARTS:
            for suffix in ("svg", "png"):
                command = codeer(sample, "chart", *chart, "-o", str(Path(tmp) / f"chart.{suffix}"))
                line(f"chart {' '.join(chart)} .{suffix}", timed(command, args.repeat), status)
        report = timed(codeer(sample, "report", "-o", str(Path(tmp) / "sample.html")), args.repeat)
        line("report on the sample study", report, status)
        if args.skip_big:
            return

        project = args.keep or Path(tmp) / "big"
        big_project(project, args.codings, args.via_import)
        repeat = min(args.repeat, 3)
        skip = ("--skip", "segments,codebook")
        tables = timed(codeer(project, "export", "all", *skip, "--dir", str(Path(tmp) / "tables")), repeat)
        print(f"\nthe report on {args.codings:,} codings (goal: 15 s, 400 MB)")
        header()
        line("export all --skip segments,codebook (baseline)", tables)
        html = codeer(project, "report", "-o", str(Path(tmp) / "report.html"))
        line("report -o report.html", timed(html, repeat), tables)
        markdown = codeer(project, "report", "--format", "md", "-o", str(Path(tmp) / "report.md"))
        line("report --format md", timed(markdown, repeat), tables)


if __name__ == "__main__":
    main()
