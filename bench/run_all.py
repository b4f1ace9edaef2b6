"""Run every benchmark in turn (``make bench``); each prints its own figures beside its baseline.

They are separate processes so that one benchmark's caches and memory never flatter the next.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "bench_import.py",
    "bench_tui.py",
    "bench_export.py",
    "bench_report.py",
    "bench_agreement.py",
    "bench_autocode.py",
    "bench_concurrency.py",
    "bench_search.py",
    "bench_codings_import.py",
    "bench_commands.py",
]


def main() -> int:
    failed = []
    for name in BENCHMARKS:
        print(f"\n=== {name} ===", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)], cwd=HERE).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
