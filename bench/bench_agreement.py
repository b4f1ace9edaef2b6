"""Agreement speed: ``codeer agreement`` over a generated project of 100,000 passages, 40 codes and 3 coders,
beside the bare ``krippendorff`` package on the already-built matrices (the floor) in the same run.

The project: 400 transcripts of 250 passages; anouk and bram code every transcript, carla every fourth (so
she is missing on three quarters of the units). Each coder applies one to three codes per passage, mostly
the passage's own "true" themes, a quarter of them as spans. Codings go in by bulk Core inserts (around the
coding service, which only the report's reading is measured against).

Figures: the whole report (SQL set queries, the code x coder x unit arrays, every statistic of every row
including the ALL row), with and without the bootstrap interval; the floor is ``krippendorff.alpha`` alone on
each code's coders x units matrix (NaN = missing) and on the pooled matrix, which the report also computes
(plus percent agreement, three kappas, AC1 and the counts).

    python bench/bench_agreement.py [--passages 100000] [--codes 40] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import krippendorff
import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from codeer.analysis.agreement_report import agreement_report, load_ratings
from codeer.model import Code, Codebook, Coder, Coding, Passage, Transcript, TranscriptAttribute, utcnow
from codeer.store.database import Database, open_database

CODERS = ("anouk", "bram", "carla")
PER_TRANSCRIPT = 250
ORGANISATIONS = ("Vitens", "RET", "Belastingdienst", "Gemeente Utrecht")
TEXT = "Ik heb drie keer moeten bellen voordat iemand mij eindelijk terugbelde over de rekening."


def codes_and_coders(session: Session, codes: int) -> tuple[list[int], list[int]]:
    """A codebook of ``codes`` flat codes and the coders of :data:`CODERS`: their ids."""
    book = session.execute(insert(Codebook).values(key="bench", title="Bench")).inserted_primary_key[0]
    session.execute(
        insert(Code), [{"codebook_id": book, "key": f"code-{i:02d}", "name": f"Code {i}", "position": i}
                       for i in range(codes)],
    )  # fmt: skip
    code_ids = list(session.scalars(select(Code.id).order_by(Code.position)))
    return code_ids, [session.execute(insert(Coder).values(name=n)).inserted_primary_key[0] for n in CODERS]


def generate(db: Database, passages: int, codes: int, seed: int = 1) -> int:
    """Fill ``db`` with the project described in the module docstring; return the number of codings."""
    rng = random.Random(seed)
    now = utcnow()
    with db.session() as session:
        code_ids, coder_ids = codes_and_coders(session, codes)
        transcripts = passages // PER_TRANSCRIPT
        for t in range(transcripts):
            tid = session.execute(insert(Transcript).values(key=f"t{t:04d}")).inserted_primary_key[0]
            session.execute(
                insert(TranscriptAttribute).values(
                    transcript_id=tid, name="organisation", value=ORGANISATIONS[t % 4]
                )
            )
            session.execute(
                insert(Passage), [{"transcript_id": tid, "number": n, "text": TEXT, "sentences": []}
                                  for n in range(1, PER_TRANSCRIPT + 1)],
            )  # fmt: skip
        rows = session.execute(select(Passage.id, Passage.transcript_id).order_by(Passage.id)).all()
        first = rows[0][1]
        batch: list[dict] = []
        for pid, tid in rows:
            themes = rng.sample(code_ids, 3)
            coders = coder_ids if (tid - first) % 4 == 0 else coder_ids[:2]
            for coder in coders:
                chosen = {c for c in themes if rng.random() < 0.5} or {rng.choice(themes)}
                if rng.random() < 0.15:
                    chosen.add(rng.choice(code_ids))
                for code in chosen:
                    start, end = (5, 40) if rng.random() < 0.25 else (None, None)
                    batch.append({"passage_id": pid, "code_id": code, "coder_id": coder, "start": start,
                                  "end": end, "memo": "", "created_at": now, "updated_at": now})  # fmt: skip
        session.execute(insert(Coding), batch)
    return len(batch)


def timed(label: str, call, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<58} {best:7.3f} s")
    return best


def floor(db: Database) -> tuple[float, float]:
    """Build the matrices once (not timed), then time ``krippendorff.alpha`` alone on them."""
    with db.session() as session:
        ratings = load_ratings(session)
    values = np.where(ratings.applied, 1.0, 0.0)
    values[:, ~ratings.rated] = np.nan  # codes x coders x units
    pooled = values.transpose(1, 0, 2).reshape(len(ratings.coders), -1)

    def alphas() -> None:
        for matrix in values:
            krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
        krippendorff.alpha(reliability_data=pooled, level_of_measurement="nominal")

    return timed(f"krippendorff.alpha on the {len(values)} + 1 built matrices (floor)", alphas), len(
        ratings.passage_ids
    )


def arguments(description: str) -> argparse.Namespace:
    """``--passages``, ``--codes`` and ``--keep DIR``, as both agreement benchmarks take them."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--codes", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="build the project in DIR (reused if it is there)")
    return parser.parse_args()


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        existed = (folder / "codeer.db").exists()
        db = open_database(f"sqlite:///{folder / 'codeer.db'}")
        if not existed:
            start = time.perf_counter()
            codings = generate(db, args.passages, args.codes)
            print(f"generated {codings} codings in {time.perf_counter() - start:.1f} s")
        bare, units = floor(db)
        with db.session() as session:
            report = agreement_report(session, bootstrap=0)
        print(f"report: {len(report.rows)} rows, coders {', '.join(report.coders)}, {units} units (passages)")

        def run(**options) -> None:
            with db.session() as session:
                agreement_report(session, **options)

        plain = timed("codeer agreement report, no bootstrap", lambda: run(bootstrap=0))
        full = timed("codeer agreement report, 1000 bootstrap replicates (default)", lambda: run())
        grouped = timed(
            "codeer agreement report --by organisation (default)", lambda: run(by=("organisation",))
        )
        with db.session() as session:
            start = time.perf_counter()
            load_ratings(session)
            reading = time.perf_counter() - start
        print(f"{'of which reading the database and building the arrays':<58} {reading:7.3f} s")
        print(f"ratio report / floor: {plain / bare:.2f} (no bootstrap), {full / bare:.2f} (bootstrap), "
              f"{grouped / bare:.2f} (--by organisation)")  # fmt: skip
        db.close()


if __name__ == "__main__":
    main()
