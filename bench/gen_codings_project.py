"""A generator of a large coded project for the export benchmark: transcripts, a code tree, three coders and
about a million codings, written straight into a project database with bulk Core inserts.

It goes around the coding service (no history rows, no per-coding checks) because only the export is being
measured, and a million ``apply_coding`` calls would take longer than everything else together. Deterministic
for a seed. Beside the database it writes what the pandas route of the benchmark starts from: the codings
as ``codings.csv`` (the columns of ``codeer codings export``), ``passages.csv`` (transcript, passage,
speaker) and ``metadata.csv`` (transcript, organisation, quadrant).

    python bench/gen_codings_project.py OUT_DIR [--codings 1000000]
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import NAMES, ORGANISATIONS, sentence  # noqa: E402

from codeer.model import (  # noqa: E402
    Code,
    Codebook,
    Coder,
    Coding,
    Passage,
    Speaker,
    SpeakerAttribute,
    Transcript,
    TranscriptAttribute,
    utcnow,
)
from codeer.store.database import open_database  # noqa: E402

PARENTS = 6
CHILDREN = 4  # per parent: 6 + 24 = 30 codes
CODERS = ("anouk", "bram", "carla")
PASSAGES_PER_TRANSCRIPT = 250
BATCH = 50_000


def _codebook(session) -> list[int]:
    book = Codebook(key="bench", title="Benchmark")
    session.add(book)
    session.flush()
    ids: list[int] = []
    position = 0
    for p in range(PARENTS):
        parent = Code(codebook_id=book.id, key=f"thema-{p}", name=f"Thema {p}", position=position)
        session.add(parent)
        session.flush()
        ids.append(parent.id)
        position += 1
        for c in range(CHILDREN):
            child = Code(
                codebook_id=book.id, key=f"thema-{p}-{c}", name=f"Subthema {p}.{c}", parent_id=parent.id,
                position=position,
            )  # fmt: skip
            session.add(child)
            session.flush()
            ids.append(child.id)
            position += 1
    return ids


def _transcripts(session, rng: random.Random, count: int, folder: Path) -> list[tuple[int, int, str, int]]:
    """Insert ``count`` transcripts; return (passage id, text length, transcript key, number) per passage."""
    meta_rows, passage_csv = [], []
    for index in range(count):
        key = f"synth-{index:05d}"
        organisation, quadrant = ORGANISATIONS[index % 4], f"Q{index // 4 % 4 + 1}"
        tid = session.execute(
            insert(Transcript).values(key=key, title=f"Synthetische focusgroep {index}")
        ).inserted_primary_key[0]
        session.execute(
            insert(TranscriptAttribute),
            [
                {"transcript_id": tid, "name": "organisation", "value": organisation},
                {"transcript_id": tid, "name": "quadrant", "value": quadrant},
            ],
        )
        meta_rows.append((key, organisation, quadrant))
        people = ["Moderator", *rng.sample(NAMES, 7)]
        speakers = {}
        for name in people:
            sid = session.execute(insert(Speaker).values(transcript_id=tid, name=name)).inserted_primary_key[
                0
            ]
            role = "moderator" if name == "Moderator" else "deelnemer"
            session.execute(insert(SpeakerAttribute).values(speaker_id=sid, name="rol", value=role))
            speakers[name] = sid
        rows = []
        for number in range(1, PASSAGES_PER_TRANSCRIPT + 1):
            speaker = "Moderator" if number % 4 == 1 else rng.choice(people[1:])
            text = " ".join(sentence(rng) for _ in range(rng.randint(1, 4)))
            rows.append(
                {"transcript_id": tid, "number": number, "speaker_id": speakers[speaker],
                 "start_ms": number * 20_000, "text": text, "sentences": []}
            )  # fmt: skip
            passage_csv.append((key, number, speaker))
        session.execute(insert(Passage), rows)
    with (folder / "metadata.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([("transcript", "organisation", "quadrant"), *meta_rows])
    with (folder / "passages.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([("transcript", "passage", "speaker"), *passage_csv])
    found = session.execute(
        select(Passage.id, Passage.text, Transcript.key, Passage.number).join(Transcript).order_by(Passage.id)
    ).all()
    return [(pid, len(text), key, number) for pid, text, key, number in found]


def generate(folder: Path, codings: int = 1_000_000, seed: int = 1, url: str | None = None) -> int:
    """Write the project into ``folder`` (``codeer.db``, or the database at ``url``) and the CSV files beside
    it; return the number of codings."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    db = open_database(url or f"sqlite:///{folder / 'codeer.db'}")
    # Each coder applies about 3.3 codes per passage, drawn mostly from the passage's own "true" themes;
    # 3.2 here makes sure the project has at least ``codings``.
    transcripts = math.ceil(codings / (3.2 * len(CODERS)) / PASSAGES_PER_TRANSCRIPT)
    now = utcnow()
    written = 0
    with db.session() as session:
        code_ids = _codebook(session)
        coder_ids = [session.execute(insert(Coder).values(name=n)).inserted_primary_key[0] for n in CODERS]
        keys = dict(session.execute(select(Code.id, Code.key)).all())
        passages = _transcripts(session, rng, transcripts, folder)
        with (folder / "codings.csv").open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(("transcript", "passage", "code", "coder", "start", "end", "memo"))
            batch: list[dict] = []
            for pid, length, key, number in passages:
                themes = rng.sample(code_ids, 5)
                for coder_index, coder_id in enumerate(coder_ids):
                    chosen = set(rng.sample(themes, rng.randint(2, 4)))
                    if rng.random() < 0.3:
                        chosen.add(rng.choice(code_ids))
                    for code_id in chosen:
                        span = None
                        if length > 10 and rng.random() < 0.25:
                            start = rng.randrange(0, length - 5)
                            span = (start, rng.randrange(start + 1, length + 1))
                        start, end = span or (None, None)
                        batch.append(
                            {"passage_id": pid, "code_id": code_id, "coder_id": coder_id, "start": start,
                             "end": end, "memo": "", "created_at": now, "updated_at": now}
                        )  # fmt: skip
                        out.writerow(
                            (key, number, keys[code_id], CODERS[coder_index],
                             "" if start is None else start, "" if end is None else end, "")
                        )  # fmt: skip
                if len(batch) >= BATCH:
                    session.execute(insert(Coding), batch)
                    written += len(batch)
                    batch = []
            if batch:
                session.execute(insert(Coding), batch)
                written += len(batch)
    db.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--codings", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"{generate(args.out, args.codings, args.seed)} codings in {args.out / 'codeer.db'}")


if __name__ == "__main__":
    main()
