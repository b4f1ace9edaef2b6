"""A large import reads files in worker processes and stores new transcripts in batches: same result.

The thresholds that switch those paths on are lowered here, so the bundled study (16 files, 961 passages)
takes them: stored content must equal a one-process import's, mixed with a re-import in the same run, and a
bad file among them must still leave the database as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from codeer.errors import CodeerError
from codeer.model import Passage, Speaker, SpeakerAttribute, Transcript, TranscriptAttribute
from codeer.project import importing
from codeer.project.importing import import_paths
from codeer.store.database import Database, open_database
from codeer.store.dump import checksum

SAMPLE = Path(__file__).resolve().parents[1] / "transcripts"


def content(db: Database) -> list[list[tuple]]:
    """Everything an import stores, by keys and names rather than ids."""
    with db.session() as session:
        return [
            session.execute(
                select(Transcript.key, Passage.number, Speaker.name, Passage.start_ms, Passage.text)
                .add_columns(Passage.sentences)
                .join(Passage.transcript)
                .join(Passage.speaker)
                .order_by(Transcript.key, Passage.number)
            ).all(),
            session.execute(
                select(Transcript.key, Transcript.title, Transcript.preamble, Transcript.content_hash)
                .add_columns(TranscriptAttribute.name, TranscriptAttribute.value)
                .join(TranscriptAttribute.transcript)
                .order_by(Transcript.key, TranscriptAttribute.name)
            ).all(),
            session.execute(
                select(Transcript.key, Speaker.name, SpeakerAttribute.name, SpeakerAttribute.value)
                .select_from(SpeakerAttribute)
                .join(SpeakerAttribute.speaker)
                .join(Speaker.transcript)
                .order_by(Transcript.key, Speaker.name, SpeakerAttribute.name)
            ).all(),
        ]


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(importing, "BATCH_PASSAGES", 100)


def test_workers_and_batches_store_what_one_process_stores(tmp_path: Path, monkeypatch) -> None:
    serial = open_database(f"sqlite:///{tmp_path / 'serial.db'}")
    import_paths(serial, [SAMPLE])
    expected = content(serial)
    assert len(expected[0]) == 961

    monkeypatch.setattr(importing, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(importing, "BATCH_PASSAGES", 100)
    batched = open_database(f"sqlite:///{tmp_path / 'batched.db'}")
    report = import_paths(batched, [SAMPLE])
    assert (report.count("new"), report.passages) == (16, 961)
    assert content(batched) == expected


@pytest.mark.usefixtures("parallel")
def test_new_and_changed_files_in_one_parallel_import(tmp_path: Path) -> None:
    folder = tmp_path / "study"
    shutil.copytree(SAMPLE, folder)
    db = open_database(f"sqlite:///{tmp_path / 'codeer.db'}")
    first = sorted(folder.glob("*.txt"))[:3]
    import_paths(db, first)
    changed = first[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nModerator: Nog een vraag. Dank u.\n", "utf-8")
    report = import_paths(db, [folder])
    assert (report.count("new"), report.count("updated"), report.count("unchanged")) == (13, 1, 2)
    fresh = open_database(f"sqlite:///{tmp_path / 'fresh.db'}")
    import_paths(fresh, [folder])
    assert content(db) == content(fresh)


@pytest.mark.usefixtures("parallel")
def test_a_bad_file_among_many_leaves_the_database_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "study"
    shutil.copytree(SAMPLE, folder)
    db = open_database(f"sqlite:///{tmp_path / 'codeer.db'}")
    import_paths(db, sorted(folder.glob("*.txt"))[:2])
    with db.session() as session:
        before = checksum(session.connection())
    (folder / "zz-broken.vtt").write_text("WEBVTT\n\n00:00:01.000 --> kapot\nAnna: hallo\n", "utf-8")
    with pytest.raises(CodeerError, match="zz-broken.vtt"):
        import_paths(db, [folder])
    with db.session() as session:
        assert checksum(session.connection()) == before
