"""Auto-coding speed: ``codeer autocode`` on a generated 1-million-word corpus beside spaCy's bare pipeline.

The corpus is imported into a temporary SQLite project with the sample codebook (persoonlijke-dienstverlening,
its keywords and example quotes); then, in this process and on the same passage texts:

- the bare spaCy pipeline codeer uses (``get_pipeline("nl")``: tokenizer, sentencizer, lookup lemmatizer)
  run with ``nlp.pipe`` in batches, the floor any lemma-based matcher stands on;
- the matcher alone (lemmatizing, matching, scoring; no database);
- the whole use case, as ``codeer autocode`` runs it: read passages, match, store the suggestions.

Both wall-clock and CPU seconds are printed: on a shared machine the CPU figures compare more fairly. The
generated corpus is a worst case for the matcher: its small vocabulary is full of the codebook's keywords
(about half of its words match a keyword or an example quote; in real interviews far fewer do).

    python bench/bench_autocode.py [--words 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from corpus import write_corpus
from sqlalchemy import func, select

from codeer.autocode.matcher import Matcher
from codeer.autocode.run import _code_rules, _passages, autocode, codebook_ids
from codeer.codebook import load_codebook
from codeer.model import Suggestion
from codeer.nlp import get_pipeline
from codeer.project.importing import import_paths
from codeer.store.codebooks import sync_codebook
from codeer.store.database import open_database

CODEBOOK = Path(__file__).resolve().parents[1] / "codebooks" / "persoonlijke-dienstverlening.yaml"


class Clock:
    """Wall-clock and CPU seconds of a block (CPU time is steadier on a busy machine)."""

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        write_corpus(folder, args.words)
        db = open_database(f"sqlite:///{Path(tmp) / 'codeer.db'}")
        import_paths(db, [folder])
        with db.session() as session:
            sync_codebook(session, load_codebook(CODEBOOK))
            rules = _code_rules(session, codebook_ids(session, []))
            passages = _passages(session, None)
        texts = [p.text for p in passages]
        words = sum(len(t.split()) for t in texts)

        nlp = get_pipeline("nl")
        with Clock() as bare:
            for _ in nlp.pipe(texts, batch_size=256):
                pass
        with Clock() as matching:
            found = sum(1 for _ in Matcher(rules).suggest(passages))
        with Clock() as full:
            report = autocode(db)
        with db.session() as session:
            stored = session.scalar(select(func.count()).select_from(Suggestion))
        db.close()

    print(f"corpus: {words} words in {len(texts)} participant passages (moderator turns are not matched)")
    rows = [
        ("bare spaCy pipeline (nlp.pipe)", bare, ""),
        ("matcher alone", matching, f"{found} found"),
        ("codeer autocode (read+match+store)", full, f"{stored} stored"),
    ]
    print(f"{'':<35}  {'wall s':>7} {'words/s':>10}  {'CPU s':>7} {'words/s':>10}")
    for label, clock, note in rows:
        print(
            f"{label:<35}  {clock.wall:7.2f} {words / clock.wall:10,.0f}  "
            f"{clock.cpu:7.2f} {words / clock.cpu:10,.0f}  {note}"
        )
    print(
        f"speed autocode/bare pipeline: {bare.wall / full.wall:.2f} (wall), {bare.cpu / full.cpu:.2f} (CPU); "
        f"matcher alone/bare: {bare.cpu / matching.cpu:.2f} (CPU)"
    )
    print(report.summary())


if __name__ == "__main__":
    main()
