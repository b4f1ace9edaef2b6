"""Workbench speed on a 5,000-passage transcript, beside a bare Textual app's key round trip.

Generates its own project in a temporary folder (one transcript of 5,000 passages, a codebook of 30 codes),
then under Textual's Pilot (headless, 80×24) measures:

- ready: from Enter on the transcripts list until the coding screen has its data and has painted;
  (goal ≤ 0.5 s);
- toggle: from the key that toggles a code until the coding is committed and the view repainted, median of
  many presses, half applying and half removing;
- bare: the same measurement (press, wait for queued work, pause) on an app with one label counting presses;
  the ratio toggle/bare is the figure that matters (goal ≤ 1.5);
- commit: one toggle transaction alone (no UI), for scale.

Then, on the bundled sample study (16 focus groups, its sample codings by anouk and bram; imported with the
``codeer`` commands into a temporary project), from the key to the first frame the terminal would get of the
next screen with its data, the median of ``--repeat`` openings after the first (goal ≤ 250 ms), and the
first apart:

- open: Enter on the first transcript of the list until the first frame of the coding screen with its text;
- queue: ``d`` on the agreement screen until the first frame of the disagreement queue with its first passage;

each also with the CPU time spent (this process, all threads) until the screen is painted.

    python bench/bench_tui.py [--passages 5000] [--presses 200] [--repeat 5] [--sample-only]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from corpus import NAMES, turn_text
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Footer, Label

from codeer.cli.main import main as codeer
from codeer.config import Settings
from codeer.ingest.records import ParsedTranscript, Turn
from codeer.model import Code, Codebook
from codeer.nlp import sentence_offsets
from codeer.store.coding import CodingKey
from codeer.store.database import Database, open_database
from codeer.store.transcripts import save_transcript
from codeer.store.workbench import coder_id, set_coding
from codeer.tui.app import make_app
from codeer.tui.screens.agreement import AgreementScreen
from codeer.tui.screens.coding import CodingScreen
from codeer.tui.screens.disagreements import DisagreementsScreen
from codeer.tui.widgets.transcript_view import TranscriptView

HOTKEYS = "bcdehilotwyz123456789"
SIZE = (80, 24)
ROOT = Path(__file__).resolve().parents[1]


def build(db: Database, passages: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    people = rng.sample(NAMES, 6)
    turns = []
    for number in range(passages):
        speaker = "Moderator" if number % 4 == 0 else rng.choice(people)
        turns.append(Turn(speaker, turn_text(rng, rng.randint(1, 5)), start_ms=number * 9_000))
    parsed = ParsedTranscript(
        key="groot",
        source=Path("groot.txt"),
        turns=turns,
        title="Een lange focusgroep",
        attributes={"organisation": "Vitens", "quadrant": "Q1"},
        speakers={"Moderator": {"rol": "moderator"}},
        content_hash="bench",
    )
    with db.session() as session:
        book = Codebook(key="bench", title="Bench")
        session.add(book)
        session.flush()
        for position in range(30):
            hotkey = HOTKEYS[position] if position < len(HOTKEYS) else None
            session.add(
                Code(
                    codebook_id=book.id,
                    key=f"code-{position}",
                    name=f"Code nummer {position}",
                    hotkey=hotkey,
                    color=f"#{rng.randrange(0x1000000):06x}",
                    position=position,
                )
            )
        save_transcript(session, parsed, list(sentence_offsets([t.text for t in turns])))


async def settle(pilot: Pilot) -> None:
    """Wait until queued database work has committed and the screen shows it."""
    await pilot.app.workers.wait_for_complete()
    if hasattr(pilot.app, "queue"):
        await pilot.app.queue.idle()
    await pilot.pause()


Timings = tuple[list[float], list[float]]  # wall-clock seconds, CPU seconds (this process, all threads)


async def timed_presses(pilot: Pilot, presses: int, between: str | None) -> Timings:
    """Time from each ``d`` press until its work is done and painted; ``between`` is pressed untimed."""
    wall, cpu = [], []
    for index in range(presses):
        if between and index % 2 == 0:
            await pilot.press(between)
            await settle(pilot)
        start, start_cpu = time.perf_counter(), time.process_time()
        await pilot.press("d")
        await settle(pilot)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


async def measure_workbench(settings: Settings, presses: int) -> tuple[tuple[float, float], Timings, int]:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        start, start_cpu = time.perf_counter(), time.process_time()
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        while not screen.ready.is_set():
            await pilot.pause()
        await pilot.pause()
        ready = time.perf_counter() - start, time.process_time() - start_cpu
        widgets = len(list(screen.query("*")))
        assert len(screen.query_one(TranscriptView).passages) > 0
        times = await timed_presses(pilot, presses, "j")
    return ready, times, widgets


class BareScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Label("a screen")
        yield Footer()


class Bare(App[None]):
    BINDINGS = [("d", "count", "Count"), ("enter", "open", "Open")]

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Label("0")

    def action_open(self) -> None:
        self.push_screen(BareScreen())

    def action_count(self) -> None:
        self.count += 1
        self.query_one(Label).update(str(self.count))


async def measure_bare(presses: int) -> tuple[Timings, float]:
    """Key round trips on a bare app, and how long it takes to open a screen with a label and a footer."""
    app = Bare()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        times = await timed_presses(pilot, presses, None)
        start = time.perf_counter()
        await pilot.press("enter")
        await pilot.pause()
        return times, time.perf_counter() - start


def measure_commit(db: Database, presses: int) -> list[float]:
    with db.session() as session:
        me = coder_id(session, "bench-commit")
    times = []
    for index in range(presses):
        key = CodingKey(passage_id=1 + index // 2, code_id=2, coder_id=me)
        start = time.perf_counter()
        with db.session() as session:
            set_coding(session, key, index % 2 == 0)  # apply, then remove, as the workbench does
        times.append(time.perf_counter() - start)
    return times


def sample_study(folder: Path) -> Settings:
    """The bundled sample study, imported as README's guided tour does (the commands' reports silenced)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for codebook in sorted((ROOT / "codebooks").glob("*.yaml")):
            codeer(["--project", str(folder), "codebook", "load", str(codebook)])
        codeer(["--project", str(folder), "import", str(ROOT / "transcripts")])
        sample = ROOT / "transcripts" / "codings-sample.csv"
        codeer(["--project", str(folder), "codings", "import", str(sample)])
    return Settings(project=folder, coder="anouk")


async def until_painted(pilot: Pilot, ready) -> None:
    while not ready():
        await pilot.pause()
        await pilot.app.queue.idle()
    await pilot.pause()


class FirstFrame:
    """When the app first hands the terminal a frame of the screen it waits for (``ready()`` true).

    Headless, Textual computes each frame but writes it nowhere; here the frame is also turned into the
    terminal's codes, as a real terminal would receive it. Pilot's own waiting for the app to go idle (tens of
    milliseconds per key) is then not counted.
    """

    def __init__(self, app: App[object]) -> None:
        self.ready: Callable[[], object] = lambda: False
        self.at: float | None = None
        display = app._display

        def watched(screen: Screen[object], renderable: object) -> None:
            if renderable is not None and self.at is None and screen is app.screen and self.ready():
                getattr(renderable, "render_segments", lambda console: "")(app.console)
                self.at = time.perf_counter()
            display(screen, renderable)  # type: ignore[arg-type]

        app._display = watched  # type: ignore[method-assign]

    async def opening(self, pilot: Pilot, key: str, ready: Callable[[], object]) -> tuple[float, float]:
        """Seconds from ``key`` to the first frame showing ``ready()``, and the CPU seconds (this process, all
        threads) until then and painted."""
        self.ready, self.at = ready, None
        start, start_cpu = time.perf_counter(), time.process_time()
        await pilot.press(key)
        await until_painted(pilot, ready)
        cpu = time.process_time() - start_cpu
        assert self.at is not None, "no frame showed the screen"
        return self.at - start, cpu


async def measure_sample(settings: Settings, repeat: int) -> tuple[Timings, Timings]:
    """From Enter to a ready coding screen, and from ``d`` to a filled disagreement queue; the first opening
    of each comes first (it also imports and warms what every later one reuses)."""
    opened: Timings = ([], [])
    queued: Timings = ([], [])
    app = make_app(settings)
    frames = FirstFrame(app)

    def coding_ready() -> bool:  # read, and laid out: the text is on screen, not only the codebook
        return isinstance(app.screen, CodingScreen) and app.screen.ready.is_set() and app.screen.view.laid_out

    def queue_ready() -> bool:
        return isinstance(app.screen, DisagreementsScreen) and bool(app.screen.items)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(repeat + 1):
            wall, cpu = await frames.opening(pilot, "enter", coding_ready)
            opened[0].append(wall)
            opened[1].append(cpu)
            await pilot.press("q")
            await settle(pilot)
        await pilot.press("a", "y")
        await until_painted(pilot, lambda: isinstance(app.screen, AgreementScreen) and app.screen.report)
        for _ in range(repeat + 1):
            wall, cpu = await frames.opening(pilot, "d", queue_ready)
            queued[0].append(wall)
            queued[1].append(cpu)
            await pilot.press("q")
            await settle(pilot)
    return opened, queued


def ms(values: list[float]) -> str:
    p90 = sorted(values)[int(len(values) * 0.9)]
    return f"median {statistics.median(values) * 1000:6.2f} ms  p90 {p90 * 1000:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=5000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sample-only", action="store_true", help="only the sample study's open and queue")
    args = parser.parse_args()
    if not args.sample_only:
        large(args)
    with tempfile.TemporaryDirectory() as tmp:
        opened, queued = asyncio.run(measure_sample(sample_study(Path(tmp)), args.repeat))
    print("sample study, from the key to the first frame of the screen with its data (goal: 250 ms wall)")
    for what, (wall, cpu) in (("open a transcript (Enter)", opened), ("disagreement queue (d)   ", queued)):
        print(f"  {what}: {ms(wall[1:])} wall; {ms(cpu[1:])} CPU; the first: {wall[0] * 1000:.0f} ms wall")


def large(args: argparse.Namespace) -> None:
    """The 5,000-passage transcript: ready, key round trips beside a bare app, commits alone."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = open_database(f"sqlite:///{folder / 'codeer.db'}")
        build(db, args.passages)
        settings = Settings(project=folder, coder="bench")
        bare, bare_screen = asyncio.run(measure_bare(args.presses))
        ready, toggles, widgets = asyncio.run(measure_workbench(settings, args.presses))
        commits = measure_commit(db, args.presses)
        db.close()
    ratio = statistics.median(toggles[0]) / statistics.median(bare[0])
    cpu_ratio = statistics.median(toggles[1]) / statistics.median(bare[1])
    print(
        f"transcript: {args.passages} passages, terminal {SIZE[0]}x{SIZE[1]}, {widgets} widgets on the screen"
    )
    wall, cpu = ready[0] * 1000, ready[1] * 1000
    print(f"coding screen ready : {wall:6.1f} ms wall, {cpu:5.1f} ms CPU (goal <= 500 ms)")
    print(f"bare screen opened  : {bare_screen * 1000:6.1f} ms wall (a label and a footer, for scale)")
    print(f"toggle round trip   : {ms(toggles[0])} wall; {ms(toggles[1])} CPU  ({args.presses} presses)")
    print(f"bare Textual app    : {ms(bare[0])} wall; {ms(bare[1])} CPU  (same measurement, one label)")
    print(f"commit alone        : {ms(commits)}  (one toggle transaction, no UI)")
    print(f"ratio toggle/bare   : {ratio:.2f} wall, {cpu_ratio:.2f} CPU (goal <= 1.5)")


if __name__ == "__main__":
    main()
