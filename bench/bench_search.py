"""Project-wide search speed beside ``grep -c`` and ``grep -o`` over the same transcript files, in one run.

Generates a corpus of ``.txt`` transcripts (:mod:`corpus`, Dutch-like speech, organisation and quadrant in
the front matter) and stores it the way an import does (:func:`insert_transcripts`, which keeps the
full-text index in step; sentences are left out, they do not matter here). Then measures, as medians:

- counts: ``codeer search WORD --by organisation``: the work (index query and grouping, in this process,
  warm) and the whole command (start-up included), beside ``grep -c -w -i WORD`` over the files
  (goal: work <= 50 ms on 10 million words, and faster than grep -c);
- kwic: ``codeer search "PHRASE" --where ...`` printing about 10,000 keyword-in-context lines, whole
  command, beside ``grep -o -w -i`` of the phrase with 40 characters each side (goal <= 0.5 s);
- codes: ``A AND B NOT C`` over about a million codings (:mod:`gen_codings_project`), the work, beside
  plain Python sets read from the same codings as a CSV file (goal <= 0.5 s);
- screen: on a 1-million-word project, from the last key typed in the search screen until the hit list is
  updated (Textual Pilot, headless), beside the same key press in a bare Textual app (goal <= 100 ms);
- index: what keeping the index costs an import: the index's own insert of every passage and its word
  counts per transcript and speaker, beside the insert of the passages themselves.

    python bench/bench_search.py [--words 10000000] [--screen-words 1000000] [--codings 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from corpus import write_corpus
from gen_codings_project import generate
from sqlalchemy import text
from textual.app import App, ComposeResult
from textual.widgets import Input

from codeer.config import Settings
from codeer.ingest import discover, parse_file
from codeer.search.code_query import coded_passages
from codeer.search.filters import Filters
from codeer.search.hits import count_rows, passage_counts
from codeer.search.text_query import parse_text_query
from codeer.store.database import open_database
from codeer.store.search_index import FTS_GROUPS, ensure_index, index_transcripts, ready_index
from codeer.store.transcripts import insert_transcripts
from codeer.tui.app import make_app
from codeer.tui.screens.search import SearchScreen

WORD = "telefoontje"  # about 1 word in 150 of the generated speech: a very frequent word
RARE = "het terugbelverzoek"
PHRASE = "vaste contactpersoon"
KWIC_WHERE = ["--where", "organisation=Vitens", "--where", "quadrant=Q1,Q2"]
CODE_QUERY = "thema-0 AND thema-1 NOT thema-2"
CODEER = [sys.executable, "-m", "codeer.cli.main"]


def median(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def shell(command: list[str] | str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def build(folder: Path, words: int) -> tuple[Path, float | None, float | None]:
    """The corpus files and a project holding them; returns the project folder, the seconds spent storing
    the passages (index included, as in an import) and the seconds the index alone takes for all of them.
    A project kept from an earlier run (``--keep``) is used as it is, its index brought up to date first
    (no seconds then)."""
    if (folder / "project" / "codeer.db").exists():
        db = open_database(f"sqlite:///{folder / 'project' / 'codeer.db'}")
        ready_index(db)
        db.close()
        return folder / "project", None, None
    corpus = folder / "corpus"
    write_corpus(corpus, words)
    rng = random.Random(18)
    for path in corpus.glob("*.txt"):  # a word at a realistic rate: about 1 in 3,000
        changed = re.sub(
            "het wachtnummer", lambda m: RARE if rng.random() < 0.05 else m.group(), path.read_text()
        )
        path.write_text(changed)
    project = folder / "project"
    project.mkdir(exist_ok=True)
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    parsed = [parse_file(path) for path in discover([corpus])]
    with db.session() as session:  # the index made first, so each batch pays its own share as in an import
        index_transcripts(session, [0])
    start = time.perf_counter()
    for at in range(0, len(parsed), 50):
        with db.session() as session:
            insert_transcripts(session, [(p, ["[]"] * len(p.turns)) for p in parsed[at : at + 50]])
    stored = time.perf_counter() - start
    with db.session() as session:  # without its counts per group, the index is made whole again
        session.execute(text(f"DROP TABLE {FTS_GROUPS}"))
        start = time.perf_counter()
        ensure_index(session)
        indexed = time.perf_counter() - start
    db.close()
    return project, stored, indexed


def counts(project: Path, corpus: Path, repeat: int) -> None:
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    files = sorted(str(p) for p in corpus.glob("*.txt"))
    for word in (RARE.split()[-1], WORD):
        query = parse_text_query([word])

        def work(query=query) -> list:
            with db.read_connection() as connection:  # as the command reads
                counted = passage_counts(connection, query, Filters(with_moderators=True))
                return count_rows(connection, counted, ("organisation",))[1]

        hits = sum(row[1] for row in work())
        seconds = median(work, repeat)
        command = [*CODEER, "--project", str(project), "search", word, "--by", "organisation", "--moderators"]
        whole = median(lambda command=command: shell(command), max(3, repeat // 2))
        grep = median(lambda word=word: shell(["grep", "-c", "-w", "-i", word, *files]), max(3, repeat // 2))
        print(
            f"counts   {hits} hits of {word!r} per organisation: work {seconds * 1000:.1f} ms (goal <= 50, "
            f"and faster than grep -c), whole command {whole:.2f} s; grep -c {grep * 1000:.0f} ms; "
            f"work/grep-c {seconds / grep:.3f}, whole/grep-c {whole / grep:.2f}"
        )
    db.close()


def startup(repeat: int) -> float:
    """``codeer --version``: the command's start-up (every command module is imported), for scale."""
    seconds = median(lambda: shell([*CODEER, "--version"]), repeat)
    print(f"startup  codeer --version {seconds:.2f} s (part of every whole-command figure)")
    return seconds


def kwic(project: Path, corpus: Path, repeat: int, start: float) -> None:
    command = [*CODEER, "--project", str(project), "search", f'"{PHRASE}"', *KWIC_WHERE, "--moderators"]
    lines = shell(command).stdout.splitlines()
    whole = median(lambda: shell(command), repeat)
    files = " ".join(sorted(str(p) for p in corpus.glob("*.txt")))
    pattern = f".{{0,40}}\\b{PHRASE.replace(' ', '[^[:alnum:]]+')}\\b.{{0,40}}"
    grep = median(lambda: shell(f"grep -o -i -E '{pattern}' {files} > /dev/null", shell=True), repeat)
    print(
        f"kwic     {len(lines) - 1} lines: whole command {whole:.2f} s (goal <= 0.5), {whole - start:.2f} s "
        f"after start-up; grep -o over all files {grep:.2f} s; ratio {whole / grep:.2f}"
    )


def codes(folder: Path, codings: int, repeat: int) -> None:
    generate(folder, codings)
    db = open_database(f"sqlite:///{folder / 'codeer.db'}")

    def work() -> set[int]:
        with db.read_session() as session:
            return coded_passages(session, CODE_QUERY)

    found = work()
    seconds = median(work, repeat)
    db.close()

    def plain() -> set[tuple[str, str]]:
        import csv

        sets: dict[str, set[tuple[str, str]]] = {"thema-0": set(), "thema-1": set(), "thema-2": set()}
        with (folder / "codings.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["code"] in sets:
                    sets[row["code"]].add((row["transcript"], row["passage"]))
        return sets["thema-0"] & sets["thema-1"] - sets["thema-2"]

    baseline = median(plain, max(1, repeat // 3))
    assert len(plain()) == len(found), (len(plain()), len(found))
    print(
        f"codes    {CODE_QUERY!r} over {codings} codings: {len(found)} passages, "
        f"work {seconds * 1000:.0f} ms (goal <= 500); plain Python over codings.csv "
        f"{baseline * 1000:.0f} ms; ratio {seconds / baseline:.2f}"
    )


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Input()


async def keystrokes(project: Path, presses: int) -> tuple[float, float, int]:
    app = make_app(Settings(project=project, coder="bench"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        times = []
        for attempt in range(presses):
            word = ["telefoon", "telefoontje", "rekening", "brief"][attempt % 4]
            await pilot.press(*word[:-1])
            await app.workers.wait_for_complete()
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press(word[-1])
            await app.workers.wait_for_complete()
            await pilot.pause()
            times.append(time.perf_counter() - start)
            hits = len(screen.hits)
            await pilot.press(*["backspace"] * len(word))
            await app.workers.wait_for_complete()
    bare = Bare()
    async with bare.run_test() as pilot:
        base = []
        for _ in range(presses):
            start = time.perf_counter()
            await pilot.press("a")
            await pilot.pause()
            base.append(time.perf_counter() - start)
    return statistics.median(times), statistics.median(base), hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=10_000_000)
    parser.add_argument("--screen-words", type=int, default=1_000_000)
    parser.add_argument("--codings", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build the projects in DIR and keep them for later runs")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(Path(__file__).resolve().parents[1] / "src"))
    with nullcontext(str(args.keep)) if args.keep else tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = folder / "big"
        big.mkdir(parents=True, exist_ok=True)
        project, stored, indexed = build(big, args.words)
        if stored is not None and indexed is not None:
            print(
                f"index    storing {args.words} words: {stored:.1f} s with the index; indexing them all "
                f"again alone {indexed:.1f} s ({indexed / stored:.0%} of storing)"
            )
        start = startup(args.repeat)
        counts(project, big / "corpus", args.repeat)
        kwic(project, big / "corpus", args.repeat, start)
        coded = folder / "codings"
        shutil.rmtree(coded, ignore_errors=True)
        coded.mkdir()
        codes(coded, args.codings, args.repeat)
        small = folder / "small"
        small.mkdir(exist_ok=True)
        screen_project, _, _ = build(small, args.screen_words)
        seconds, bare, hits = asyncio.run(keystrokes(screen_project, 8))
        print(
            f"screen   keystroke to updated list ({hits} hits listed, {args.screen_words} words): "
            f"{seconds * 1000:.0f} ms (goal <= 100); bare Textual key press {bare * 1000:.0f} ms; "
            f"ratio {seconds / bare:.1f}; beyond the bare key press {(seconds - bare) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
