"""Auto-coding speed: ``codeer autocode`` on a generated 1-million-word corpus beside spaCy's bare pipeline.

The corpus is imported into a temporary SQLite project with the sample codebook (persoonlijke-dienstverlening,
its keywords and example quotes); then, in this process and on the same passage texts:

- the bare spaCy pipeline codeer uses (``get_pipeline("nl")``: tokenizer, sentencizer, lookup lemmatizer)
  run with ``nlp.pipe`` in batches, the floor any lemma-based matcher stands on;
- the matcher alone (lemmatizing, matching, scoring; no database);
- the whole use case, as ``codeer autocode`` runs it: read passages, match, store the suggestions.

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
        start = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=256):
            pass
        bare = time.perf_counter() - start

        start = time.perf_counter()
        found = sum(1 for _ in Matcher(rules).suggest(passages))
        matching = time.perf_counter() - start

        start = time.perf_counter()
        report = autocode(db)
        full = time.perf_counter() - start
        with db.session() as session:
            stored = session.scalar(select(func.count()).select_from(Suggestion))
        db.close()

    print(f"corpus: {words} words in {len(texts)} participant passages (moderator turns are not matched)")
    rows = [
        ("bare spaCy pipeline (nlp.pipe)", bare, ""),
        ("matcher alone", matching, f"{found} found"),
        ("codeer autocode (read+match+store)", full, f"{stored} stored"),
    ]
    for label, seconds, note in rows:
        print(f"{label:<35}: {seconds:7.2f} s  {words / seconds:12,.0f} words/s  {note}")
    print(f"ratio autocode/bare pipeline speed: {bare / full:.2f}; matcher/bare: {bare / matching:.2f}")
    print(report.summary())


if __name__ == "__main__":
    main()
