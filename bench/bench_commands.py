"""Whole commands as a user runs them, each beside its baseline in the same run, with the ratio.

- start-up: ``codeer --version``, ``--help``, ``status`` and ``code`` (on a project holding the sample study)
  beside ``python -c pass``; goals 0.15 s for the first two, 0.35 s for the others;
- ``codeer import`` of one focus group (``transcripts/vitens-q1.txt``, 63 passages) into a new project: wall
  time and peak memory (goals 0.8 s, 150 MB), beside ``python -c "import spacy"``;
- ``codeer import`` of a generated corpus (``--words``, default 1.2 million) beside a process that runs
  spaCy's bare tokenizer over the same texts (``python`` + ``spacy.blank("nl").tokenizer``), start-up
  included on both sides; goal: the import at no less than half the tokenizer's speed (ratio <= 2);
- ``codeer import qdpx`` of the real NVivo 12 project in ``tests/data/refi-qda`` (330 codings); goal 1.5 s.

Each figure is the median of ``--repeat`` runs (default 5; 1 for the corpus). Every process is started with
the bytecode cache on, as an installed codeer runs. Run on a quiet machine:

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


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of ``command`` as its own process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return wall, usage.ru_maxrss / 1024


def codeer(*args: str) -> list[str]:
    return [sys.executable, "-m", "codeer.cli.main", *args]


def median(command: list[str], repeat: int, before=None) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(measure(command))
    return statistics.median(w for w, _ in runs), max(m for _, m in runs)


def fresh(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()


def row(label: str, wall: float, memory: float, baseline: float, goal: str) -> None:
    print(f"{label:<44} {wall:>7.3f} s {memory:>6.0f} MB {wall / baseline:>7.2f}x   {goal}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-commands-") as tmp:
        folder = Path(tmp)
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
        python, _ = median([sys.executable, "-c", "pass"], args.repeat)
        print(f"{'command':<44} {'wall':>9} {'peak':>9} {'ratio':>8}   goal (ratio against)")
        row("python -c pass", python, 0, python, "baseline")
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
                wall = statistics.median(measure(c)[0] for _ in range(args.repeat) for c in (code, uncode))
                memory = measure(code)[1]
                measure(uncode)
            else:
                wall, memory = median(command, args.repeat)
            row(label, wall, memory, python, f"{goal} (python -c pass)")

        spacy_import, _ = median([sys.executable, "-c", "import spacy"], args.repeat)
        row("python -c 'import spacy'", spacy_import, 0, spacy_import, "baseline")
        one = folder / "one"
        wall, memory = median(
            codeer("--project", str(one), "import", str(FOCUS_GROUP)), args.repeat, lambda: fresh(one)
        )
        row("codeer import (one focus group, 63 passages)", wall, memory, spacy_import, "<= 0.8 s, <= 150 MB")
        qdpx = folder / "qdpx"
        wall, memory = median(
            codeer("--project", str(qdpx), "import", "qdpx", str(NVIVO)), args.repeat, lambda: fresh(qdpx)
        )
        row("codeer import qdpx (NVivo 12, 330 codings)", wall, memory, spacy_import, "<= 1.5 s")

        corpus = folder / "corpus"
        words = write_corpus(corpus, args.words)
        tokenizer, tokenizer_memory = measure([sys.executable, "-c", TOKENIZE, str(corpus)])
        row(f"bare spaCy tokenizer, {words} words", tokenizer, tokenizer_memory, tokenizer, "baseline")
        big = folder / "big"
        fresh(big)
        wall, memory = measure(codeer("--project", str(big), "import", str(corpus)))
        row(f"codeer import, {words} words", wall, memory, tokenizer, "ratio <= 2 (bare tokenizer)")


if __name__ == "__main__":
    main()
