"""Crash safety: a codeer process killed with SIGKILL at a random moment loses nothing it reported as saved.

A worker (this file run as a script) codes in a loop, through the same use cases as ``codeer code`` and the
workbench, and prints one line after each commit. The test reads lines up to a random count, waits a random
moment more (so the kill lands anywhere: between transactions, inside one, in the commit), kills the worker,
and then checks the project: ``PRAGMA integrity_check`` is ``ok`` and the codings are exactly those of the
actions reported, plus at most the one action that was under way.

An import killed midway leaves the project as it was before (same content checksum) or fully imported, never
in between: it is killed while storing transcripts (the worker prints a line as it stores each file, inside
the one transaction) and, as ``codeer import`` itself, at a random time.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TRANSCRIPT, PASSAGES, CODES = "water", 6, ("empathie", "snelheid", "kanaal")
Key = tuple[int, str]  # (passage number, code)

pytest_plugins = ["study_fixtures"]


# --- the worker ---------------------------------------------------------------------------------------------


def action(i: int, mode: str) -> tuple[str, Key, str]:
    """Action ``i`` of a worker: (what, which coding, memo). The same sequence for the worker and the test."""
    key = (i % PASSAGES + 1, CODES[i // PASSAGES % len(CODES)])
    if mode == "workbench":
        return "toggle", key, ""
    if i % 5 == 4:
        return "uncode", key, ""
    return "code", key, f"memo {i}"


def expected(mode: str, count: int) -> tuple[dict[Key, str], int]:
    """The coder's codings (key → memo) after the first ``count`` actions, and how many changes they made."""
    state: dict[Key, str] = {}
    changes = 0
    for i in range(count):
        what, key, memo = action(i, mode)
        changes += what == "toggle" or (what == "uncode") == (key in state) or state.get(key, memo) != memo
        if what == "uncode" or (what == "toggle" and key in state):
            state.pop(key, None)
        else:
            state[key] = memo
    return state, changes


def _work(url: str, mode: str, coder: str, count: int) -> None:
    from sqlalchemy import select

    from codeer.model import Passage, Transcript
    from codeer.project.code_by_reference import PassageCoding, code_passage, uncode_passage
    from codeer.store import workbench
    from codeer.store.codebooks import find_code
    from codeer.store.coding import CodingKey, find_coding, get_or_create_coder
    from codeer.store.database import open_database

    db = open_database(url, upgrade=False)
    print("ready", flush=True)
    for i in range(count):
        what, (number, code), memo = action(i, mode)
        wanted = PassageCoding(TRANSCRIPT, number, code, coder, memo=memo or None)
        if what == "code":
            code_passage(db, wanted)
        elif what == "uncode":
            uncode_passage(db, wanted)
        else:  # as the workbench does it: one session (one transaction) per key press
            with db.session() as session:
                passage = session.scalar(
                    select(Passage.id)
                    .join(Transcript)
                    .where(Transcript.key == TRANSCRIPT, Passage.number == number)
                )
                coder_id = get_or_create_coder(session, coder).id
                key = CodingKey(passage, find_code(session, code).id, coder_id)
                workbench.set_coding(session, key, find_coding(session, key) is None)
        print(f"saved {i}", flush=True)


def _import(url: str, folder: str) -> None:
    from codeer.project.importing import import_paths
    from codeer.store.database import open_database

    db = open_database(url, upgrade=False)
    import_paths(db, [Path(folder)], progress=lambda done, total, label: print(label, flush=True))
    print("committed", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("job", choices=("code", "import"))
    parser.add_argument("url")
    parser.add_argument("--mode", default="cli")
    parser.add_argument("--coder", default="crash")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--folder", default="")
    args = parser.parse_args()
    if args.job == "code":
        _work(args.url, args.mode, args.coder, args.count)
    else:
        _import(args.url, args.folder)


# --- the tests ----------------------------------------------------------------------------------------------


def start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")])}
    return subprocess.Popen(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def kill_after(worker: subprocess.Popen[str], lines: int, rng: random.Random) -> list[str]:
    """Read ``lines`` lines (fewer if the worker ends), wait a random moment, SIGKILL.

    Returns every line the worker wrote before it died: it runs on while we read, so lines beyond those read
    may wait in the pipe, and what they report must be in the project too.
    """
    seen: list[str] = []
    while len(seen) < lines and (line := worker.stdout.readline()):
        seen.append(line.strip())
    time.sleep(rng.uniform(0, 0.01))
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    seen += [line.strip() for line in worker.stdout.read().splitlines()]
    worker.stdout.close()
    assert worker.returncode in (-signal.SIGKILL, 0), worker.stderr.read()
    worker.stderr.close()
    return seen


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:  # the first connection after the crash also recovers the WAL
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def codings_of(path: Path, coder: str) -> dict[Key, str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT p.number, k.key, c.memo FROM codings c JOIN passages p ON p.id = c.passage_id "
            "JOIN transcripts t ON t.id = p.transcript_id JOIN codes k ON k.id = c.code_id "
            "JOIN coders w ON w.id = c.coder_id WHERE t.key = ? AND w.name = ?",
            (TRANSCRIPT, coder),
        ).fetchall()
    return {(number, key): memo for number, key, memo in rows}


@pytest.mark.parametrize("mode", ["cli", "workbench"])
def test_a_coder_killed_at_random_moments_keeps_every_saved_coding(study: Path, mode: str) -> None:
    rng = random.Random()
    database = study / "codeer.db"
    for round_ in range(2):
        coder = f"crash-{mode}-{round_}"
        worker = start("code", f"sqlite:///{database}", "--mode", mode, "--coder", coder)
        assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
        reported = len(kill_after(worker, rng.randint(3, 40), rng))
        assert integrity(database) == "ok"
        with sqlite3.connect(database) as conn:
            events = conn.execute(
                "SELECT count(*) FROM coding_events e JOIN coders w ON w.id = e.coder_id WHERE w.name = ?",
                (coder,),
            ).fetchone()[0]
        # Everything reported is there, with its history; the action under way at the kill is there entirely
        # (coding and history) or not at all.
        assert (codings_of(database, coder), events) in (
            expected(mode, reported),
            expected(mode, reported + 1),
        )


def corpus(folder: Path, files: int) -> None:
    """A folder of generated transcripts, plus a corrected version of the study's coded transcript."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus import write_corpus
    finally:
        sys.path.remove(str(ROOT / "bench"))
    write_corpus(folder, words=files * 800, per_file=800, seed=7)
    water = (folder.parent / "study-files" / "transcripts" / "water.txt").read_text(encoding="utf-8")
    (folder / "water.txt").write_text(water.replace("lekkage", "lekage"), encoding="utf-8")


def counts(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("transcripts", "passages", "coding_events")
        )


def test_an_import_killed_midway_changes_all_or_nothing(study: Path, tmp_path: Path) -> None:
    from conftest import run_cli
    from small_study import checksum_of

    from codeer.ingest import parse_file

    rng = random.Random()
    folder = tmp_path / "big"
    corpus(folder, files=12)
    database = study / "codeer.db"
    before = checksum_of(study)
    full = (2 + 12, 11 + sum(len(parse_file(path).turns) for path in folder.glob("synth-*")))
    # Killed while storing: after a random number of transcripts stored in the open transaction.
    for _ in range(2):
        worker = start("import", f"sqlite:///{database}", "--folder", str(folder))
        seen = kill_after(worker, rng.randint(1, 13), rng)  # a line per file, before storing it
        assert integrity(database) == "ok"
        if "committed" in seen or checksum_of(study) != before:  # it got to the end before the kill
            assert counts(database)[:2] == full, f"half an import after {seen[-1:]}"
            break
    # `codeer import` itself, killed at a random moment of its run (its backup, reading, storing, commit).
    command = [sys.executable, "-m", "codeer.cli.main", "--project", str(study), "import", str(folder)]
    cli = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(rng.uniform(0.5, 6))
    cli.send_signal(signal.SIGKILL)
    cli.communicate()
    assert integrity(database) == "ok"
    assert checksum_of(study) == before or counts(database)[:2] == full
    # Finished, the import is whole: every transcript, every passage, and the corrected one re-anchored.
    result = run_cli(study, "import", str(folder))
    assert result.code == 0, result.err
    assert counts(database)[:2] == full
    assert codings_of(database, "anouk") == {(2, "empathie"): "", (3, "snelheid"): ""}


if __name__ == "__main__":
    main()
