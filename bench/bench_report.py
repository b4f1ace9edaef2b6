"""Report and chart speed: ``codeer report`` on a project of a million codings (goal: 15 s, 400 MB), and each
``codeer chart`` on the bundled sample study, start-up included (goal: 2 s each).

Every command runs as its own process, measured with ``os.wait4`` (wall, CPU, peak resident memory), beside
its baseline in the same run: for the report, ``codeer export all --skip segments,codebook`` (the tables the
report's figures are drawn from, without drawing); for a chart, ``codeer status`` on the same project (the
start-up and a read of the database, without the figure).

    python bench/bench_report.py [--codings 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench_export import Run, measure  # noqa: E402
from gen_codings_project import generate  # noqa: E402

CHARTS = (
    ("frequencies", "--by", "organisation"),
    ("frequencies", "--by", "organisation,quadrant"),
    ("heatmap", "--by", "quadrant"),
    ("cooccurrence", "--values", "jaccard"),
    ("network",),
)


def codeer(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "codeer.cli.main", "--project", str(project), *args]


def sample_project(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    steps = [
        *(("codebook", "load", str(book)) for book in sorted((ROOT / "codebooks").glob("*.yaml"))),
        ("import", str(ROOT / "transcripts")),
        ("codings", "import", str(ROOT / "transcripts" / "codings-sample.csv")),
    ]
    for step in steps:
        measure(codeer(folder, *step))
    return folder


def line(label: str, run: Run, base: Run | None = None) -> str:
    ratio = f"{run.wall / base.wall:6.2f}x" if base else ""
    return f"{label:52} {run.wall:8.2f} {run.cpu:8.2f} {run.rss_mb:8.0f} {ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder and keep it")
    args = parser.parse_args()
    header = f"{'command':52} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'/ base':>7}"
    with tempfile.TemporaryDirectory() as tmp:
        sample = sample_project(Path(tmp) / "sample")
        status = measure(codeer(sample, "status"))
        print("each chart on the sample study (goal: 2 s, start-up included)")
        print(header)
        print(line("codeer status (baseline)", status))
        for chart in CHARTS:
            for suffix in ("svg", "png"):
                run = measure(codeer(sample, "chart", *chart, "-o", str(Path(tmp) / f"chart.{suffix}")))
                print(line(f"chart {' '.join(chart)} .{suffix}", run, status))
        sample_report = measure(codeer(sample, "report", "-o", str(Path(tmp) / "sample.html")))
        print(line("report on the sample study", sample_report, status))

        project = args.keep or Path(tmp) / "big"
        if not (project / "codeer.db").exists():
            start = time.perf_counter()
            count = generate(project, args.codings)
            print(f"\ngenerated {count:,} codings in {time.perf_counter() - start:.1f} s")
        skip = ("--skip", "segments,codebook")
        tables = measure(codeer(project, "export", "all", *skip, "--dir", str(Path(tmp) / "tables")))
        report = measure(codeer(project, "report", "-o", str(Path(tmp) / "report.html")))
        markdown = measure(codeer(project, "report", "--format", "md", "-o", str(Path(tmp) / "report.md")))
        print(f"\nthe report on {args.codings:,} codings (goal: 15 s, 400 MB)")
        print(header)
        print(line("export all --skip segments,codebook (baseline)", tables))
        print(line("report -o report.html", report, tables))
        print(line("report --format md", markdown, tables))


if __name__ == "__main__":
    main()
