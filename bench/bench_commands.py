"""Whole commands as a user runs them, each beside its baseline in the same run, with the ratio.

- start-up: ``codeer --version``, ``--help``, ``status`` and ``code`` (on a project holding the sample study)
  beside ``python -c pass``; goals 0.15 s for the first two, 0.35 s for the others; ``status`` and ``code``
  also beside ``python -c "import sqlalchemy"``, the floor of any command that reads the project (SQLAlchemy
  is the project's database layer, and importing it is most of their time);
- ``codeer import`` of one focus group (``transcripts/vitens-q1.txt``, 63 passages) into a new project: wall
  time and peak memory (goals 0.8 s, 150 MB), beside ``python -c "import spacy"``; first with an empty user
  cache (the import takes the tokenizer snapshot from spaCy, :mod:`codeer.nlp.snapshot`), then as every later
  import runs;
- ``codeer import`` of a generated corpus (``--words``, default 1.2 million) beside a process that runs
  spaCy's bare tokenizer over the same texts (``python`` + ``spacy.blank("nl").tokenizer``), start-up
  included on both sides; goal: the import at no less than half the tokenizer's speed (ratio <= 2);
- ``codeer import qdpx`` of the real NVivo 12 project in ``tests/data/refi-qda`` (330 codings); goal 1.5 s.

Each figure is the median of ``--repeat`` runs (default 5; 1 for the corpus and the first import), wall time
and CPU time (user + system, which other work on a shared machine disturbs less). Every process is started
with the bytecode cache on, as an installed codeer runs, and with a user cache of its own (a temporary
``XDG_CACHE_HOME``). Run on a quiet machine:

    python bench/bench_commands.py [--words 1200000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from corpus import write_corpus  # noqa: E402

NVIVO = ROOT / "tests" / "data" / "refi-qda" / "nvivo12-windows-youtube-comments.qdpx"
FOCUS_GROUP = ROOT / "transcripts" / "vitens-q1.txt"
TOKENIZE = """\
import sys
from pathlib import Path
import spacy
tokenizer = spacy.blank("nl").tokenizer
for path in sorted(Path(sys.argv[1]).glob("*.txt")):
    for line in path.read_text(encoding="utf-8").splitlines():
        tokenizer(line)
"""


CACHE: dict[str, str] = {}  # XDG_CACHE_HOME of every measured process, a folder of this run


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(ROOT / "src")
    env.update(CACHE)
    return env


def measure(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident memory (MB) of ``command`` as its own process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def codeer(*args: str) -> list[str]:
    return [sys.executable, "-m", "codeer.cli.main", *args]


def median(command: list[str], repeat: int, before=None) -> tuple[float, float, float]:
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(measure(command))
    return (
        statistics.median(w for w, _, _ in runs),
        statistics.median(c for _, c, _ in runs),
        max(m for _, _, m in runs),
    )


def fresh(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()


def row(label: str, run: tuple[float, float, float], baseline: float, goal: str) -> None:
    wall, cpu, memory = run
    print(
        f"{label:<46} {wall:>7.3f} s {cpu:>7.3f} s {memory:>6.0f} MB {wall / baseline:>7.2f}x   {goal}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-commands-") as tmp:
        folder = Path(tmp)
        CACHE["XDG_CACHE_HOME"] = str(folder / "cache")
        sample = folder / "sample"
        sample.mkdir()
        for setup in (
            ("codebook", "load", *map(str, sorted((ROOT / "codebooks").glob("*.yaml")))),
            ("import", str(ROOT / "transcripts")),
            ("codings", "import", str(ROOT / "transcripts" / "codings-sample.csv")),
        ):
            subprocess.run(
                codeer("--project", str(sample), *setup), check=True, env=_env(), capture_output=True
            )
        python = median([sys.executable, "-c", "pass"], args.repeat)
        print(f"{'command':<46} {'wall':>9} {'cpu':>9} {'peak':>9} {'ratio':>8}   goal (ratio against)")
        row("python -c pass", python, python[0], "baseline")
        floor = median([sys.executable, "-c", "import sqlalchemy"], args.repeat)
        row("python -c 'import sqlalchemy'", floor, python[0], "baseline of status and code")
        for label, command, goal in (
            ("codeer --version", codeer("--version"), "<= 0.15 s"),
            ("codeer --help", codeer("--help"), "<= 0.15 s"),
            ("codeer status", codeer("--project", str(sample), "status"), "<= 0.35 s"),
            ("codeer code (toggles one coding)", None, "<= 0.35 s"),
        ):
            if command is None:
                where = ("--project", str(sample), "--coder", "bench")
                code = codeer(*where, "code", "vitens-q1", "2", "deskundigheid")
                uncode = codeer(*where, "uncode", "vitens-q1", "2", "deskundigheid")
                runs = [measure(c) for _ in range(args.repeat) for c in (code, uncode)]
                result = (
                    statistics.median(w for w, _, _ in runs),
                    statistics.median(c for _, c, _ in runs),
                    max(m for _, _, m in runs),
                )
            else:
                result = median(command, args.repeat)
            row(label, result, python[0], f"{goal} (python -c pass)")
            if command is None or "status" in command:
                print(f"{'':<46} {'':>9} {'':>9} {'':>9} {result[0] / floor[0]:>7.2f}x   (import sqlalchemy)")

        spacy_import = median([sys.executable, "-c", "import spacy"], args.repeat)
        row("python -c 'import spacy'", spacy_import, spacy_import[0], "baseline")
        one = folder / "one"
        focus_group = codeer("--project", str(one), "import", str(FOCUS_GROUP))
        fresh(one)
        shutil.rmtree(folder / "cache", ignore_errors=True)  # as on a machine where codeer never segmented
        first = measure(focus_group)
        row("codeer import, one focus group, empty cache", first, spacy_import[0], "once per spaCy version")
        result = median(focus_group, args.repeat, lambda: fresh(one))
        row("codeer import (one focus group, 63 passages)", result, spacy_import[0], "<= 0.8 s, <= 150 MB")
        qdpx = folder / "qdpx"
        result = median(
            codeer("--project", str(qdpx), "import", "qdpx", str(NVIVO)), args.repeat, lambda: fresh(qdpx)
        )
        row("codeer import qdpx (NVivo 12, 330 codings)", result, spacy_import[0], "<= 1.5 s")

        corpus = folder / "corpus"
        words = write_corpus(corpus, args.words)
        tokenizer = measure([sys.executable, "-c", TOKENIZE, str(corpus)])
        row(f"bare spaCy tokenizer, {words} words", tokenizer, tokenizer[0], "baseline")
        big = folder / "big"
        fresh(big)
        result = measure(codeer("--project", str(big), "import", str(corpus)))
        row(f"codeer import, {words} words", result, tokenizer[0], "ratio <= 2 (bare tokenizer)")


if __name__ == "__main__":
    main()
