"""Agreement on the text: ``codeer agreement --unit char`` (and ``sentence``, ``--overlap``) against the
default ``--unit passage`` on the same project, whole commands (start-up included), in the same run.

The project: 400 transcripts of 250 passages (100,000 passages of about 90 characters), 40 codes, and three
coders who all code every transcript (unitized alpha needs every coder on a continuum). Per passage each
coder applies one to three codes, mostly the passage's own themes; 40% of the codings are spans with
random boundaries near the theme's "true" span, the rest whole passages. Codings go in by bulk Core inserts.

Goal (issue 19): ``--unit char`` within 3x the time of ``--unit passage``, both with the default 1,000
bootstrap replicates.

    python bench/bench_agreement_units.py [--passages 100000] [--codes 40] [--keep DIR]
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_agreement import PER_TRANSCRIPT, TEXT, arguments, codes_and_coders  # noqa: E402

from codeer.model import Coding, Passage, Transcript, utcnow  # noqa: E402
from codeer.store.database import Database, open_database  # noqa: E402

SENTENCES = [[0, 40], [41, 88]]


def _span(rng: random.Random, true: tuple[int, int]) -> tuple[int | None, int | None]:
    if rng.random() >= 0.4:
        return None, None
    start = max(0, true[0] + rng.randint(-4, 4))
    end = min(len(TEXT), max(start + 1, true[1] + rng.randint(-4, 4)))
    return start, end


def generate(db: Database, passages: int, codes: int, seed: int = 1) -> int:
    """Fill ``db`` with the project described in the module docstring; return the number of codings."""
    rng = random.Random(seed)
    now = utcnow()
    with db.session() as session:
        code_ids, coder_ids = codes_and_coders(session, codes)  # anouk, bram, carla
        for t in range(passages // PER_TRANSCRIPT):
            tid = session.execute(insert(Transcript).values(key=f"t{t:04d}")).inserted_primary_key[0]
            rows = [{"transcript_id": tid, "number": n, "text": TEXT, "sentences": SENTENCES}
                    for n in range(1, PER_TRANSCRIPT + 1)]  # fmt: skip
            session.execute(insert(Passage), rows)
        batch: list[dict] = []
        for (pid,) in session.execute(select(Passage.id).order_by(Passage.id)):
            themes = rng.sample(code_ids, 3)
            truth = {c: (rng.randint(0, 40), rng.randint(45, len(TEXT))) for c in themes}
            for coder in coder_ids:
                chosen = {c for c in themes if rng.random() < 0.5} or {rng.choice(themes)}
                for code in chosen:
                    start, end = _span(rng, truth[code])
                    batch.append({"passage_id": pid, "code_id": code, "coder_id": coder, "start": start,
                                  "end": end, "memo": "", "created_at": now, "updated_at": now})  # fmt: skip
        session.execute(insert(Coding), batch)
    return len(batch)


def timed(label: str, project: Path, *args: str, repeat: int = 2) -> float:
    """The best of ``repeat`` runs of the whole command ``codeer --project PROJECT agreement ARGS``."""
    command = [sys.executable, "-m", "codeer.cli.main", "--project", str(project), "agreement", *args]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=os.environ)
        best = min(best, time.perf_counter() - start)
    print(f"{label:<52} {best:7.2f} s")
    return best


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / "codeer.db").exists():
            db = open_database(f"sqlite:///{folder / 'codeer.db'}")
            start = time.perf_counter()
            codings = generate(db, args.passages, args.codes)
            db.close()
            took = time.perf_counter() - start
            print(f"generated {codings} codings on {args.passages} passages in {took:.1f} s")
        passage = timed("codeer agreement --unit passage (baseline)", folder, "--unit", "passage")
        char = timed("codeer agreement --unit char", folder, "--unit", "char")
        sentence = timed("codeer agreement --unit sentence", folder, "--unit", "sentence")
        overlap = timed("codeer agreement --overlap sweep --coders anouk,bram", folder, "--overlap", "sweep",
                        "--coders", "anouk,bram")  # fmt: skip
        print(f"ratio to --unit passage: char {char / passage:.2f} (goal <= 3), sentence "
              f"{sentence / passage:.2f}, overlap sweep {overlap / passage:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
