"""A project exported as QDPX and imported into an empty project is the same; every export validates."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xmlschema
from conftest import run_cli
from sqlalchemy import select
from sqlalchemy.orm import Session

from codeer.model import (
    Code,
    Codebook,
    Coder,
    Coding,
    Memo,
    Passage,
    Speaker,
    SpeakerAttribute,
    Transcript,
    TranscriptAttribute,
)
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.database import open_database

DATA = Path(__file__).parent / "data" / "refi-qda"
PROJECT_XSD = xmlschema.XMLSchema(DATA / "Project.xsd")


def validate(qdpx: Path) -> None:
    with zipfile.ZipFile(qdpx) as archive:
        PROJECT_XSD.validate(archive.read("project.qde"))
        assert all(n == "project.qde" or n.startswith("sources/") for n in archive.namelist())


def snapshot(session: Session) -> dict:
    """Everything a round trip must keep, by keys and names (never by row ids or GUIDs)."""
    codes = {
        cid: f"{book}:{key}"
        for cid, book, key in session.execute(select(Code.id, Codebook.key, Code.key).join(Codebook))
    }
    passages = {
        pid: (key, number)
        for pid, key, number in session.execute(
            select(Passage.id, Transcript.key, Passage.number).join(Transcript)
        )
    }
    transcripts = {}
    for t in session.scalars(select(Transcript)):
        transcripts[t.key] = (
            t.title,
            t.preamble,
            t.language,
            sorted(
                (a.name, a.value)
                for a in session.scalars(
                    select(TranscriptAttribute).where(TranscriptAttribute.transcript_id == t.id)
                )
            ),
            [(p.number, p.speaker.name if p.speaker else None, p.start_ms, p.text) for p in t.passages],
        )
    speakers = sorted(
        session.execute(
            select(Transcript.key, Speaker.name, SpeakerAttribute.name, SpeakerAttribute.value)
            .join(Speaker, Speaker.transcript_id == Transcript.id)
            .join(SpeakerAttribute, SpeakerAttribute.speaker_id == Speaker.id)
        ).all()
    )
    books = {}
    for b in session.scalars(select(Codebook)):
        books[b.key] = (
            b.title,
            b.description,
            [
                (
                    c.key,
                    c.name,
                    c.definition,
                    c.include,
                    c.exclude,
                    c.examples,
                    c.keywords,
                    c.hotkey,
                    c.color,
                    c.parent.key if c.parent else None,
                    c.position,
                )
                for c in b.codes
            ],
        )
    codings = sorted(
        (
            (*passages[c.passage_id], codes[c.code_id], c.coder.name, c.start, c.end, c.memo)
            for c in session.scalars(select(Coding))
        ),
        key=repr,
    )
    memos = sorted(
        (
            m.coder_id and session.get(Coder, m.coder_id).name or "",
            str(m.transcript_id and session.get(Transcript, m.transcript_id).key),
            str(passages.get(m.passage_id)),
            str(codes.get(m.code_id)),
            m.title,
            m.text,
        )
        for m in session.scalars(select(Memo))
    )
    coders = sorted(session.scalars(select(Coder.name)))
    return {
        "transcripts": transcripts,
        "speakers": speakers,
        "codebooks": books,
        "codings": codings,
        "memos": memos,
        "coders": coders,
    }


def enrich(project: Path) -> None:
    """Add what the sample lacks: memos of all kinds, coding memos, spans, passages without speaker, emoji."""
    assert run_cli(project, "import", "qdpx", str(DATA / "qualcoder-style.qdpx")).code == 0
    assert run_cli(project, "import", "qdpx", str(DATA / "atlasti-style.qdpx")).code == 0
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as session:
        anouk = get_or_create_coder(session, "anouk")
        quiet = get_or_create_coder(session, "carla")  # a coder without codings is kept too
        assert quiet.id
        transcript = session.scalar(select(Transcript).order_by(Transcript.key))
        passage = transcript.passages[1]
        code = session.scalar(select(Code).order_by(Code.id))
        coding, _ = apply_coding(
            session, CodingKey(passage.id, code.id, anouk.id, 0, 3), "let op: <b>&amp;</b>"
        )
        apply_coding(session, CodingKey(passage.id, code.id, anouk.id, 0, len(passage.text)))
        apply_coding(session, CodingKey(passage.id, code.id, anouk.id))
        session.add_all(
            [
                Memo(coder_id=anouk.id, title="Project", text="Over het hele project"),
                Memo(coder_id=None, title="", text="Zonder coder"),
                Memo(
                    coder_id=anouk.id,
                    transcript_id=transcript.id,
                    title="Transcript",
                    text="Over het transcript",
                ),
                Memo(
                    coder_id=anouk.id,
                    transcript_id=transcript.id,
                    passage_id=passage.id,
                    title="Passage",
                    text="Regel 1\nRegel 2 — 😊",
                ),
                Memo(
                    coder_id=anouk.id, passage_id=transcript.passages[5].id, title="Alleen passage", text="x"
                ),
                Memo(coder_id=anouk.id, code_id=code.id, title="Code", text="Over de code"),
            ]
        )
    db.close()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, _sample_template: Path) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("source-project")
    (folder / "codeer.db").write_bytes(_sample_template.read_bytes())
    enrich(folder)
    result = run_cli(folder, "export", "qdpx", str(folder / "project.qdpx"))
    assert result.code == 0, result.err
    return folder, folder / "project.qdpx"


def test_export_validates_against_the_schema(exported: tuple[Path, Path]) -> None:
    validate(exported[1])


def test_sources_are_utf8_with_lf_and_one_line_per_passage(exported: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(exported[1]) as archive:
        texts = [archive.read(n) for n in archive.namelist() if n.startswith("sources/")]
    assert len(texts) == 16 + 3
    for data in texts:
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
        data.decode("utf-8")


def test_round_trip_into_an_empty_project_is_equal(exported: tuple[Path, Path], project: Path) -> None:
    source, qdpx = exported
    result = run_cli(project, "import", "qdpx", str(qdpx))
    assert result.code == 0, result.err
    assert "not imported" not in result.out and "adjusted" not in result.out
    before = open_database(f"sqlite:///{source / 'codeer.db'}")
    after = open_database(f"sqlite:///{project / 'codeer.db'}")
    with before.session() as a, after.session() as b:
        want, got = snapshot(a), snapshot(b)
    before.close()
    after.close()
    assert len(want["codings"]) > 300 and len(want["memos"]) >= 8 and want["speakers"]
    for part in want:
        assert got[part] == want[part], part


def test_importing_the_same_file_twice_adds_nothing(exported: tuple[Path, Path], project: Path) -> None:
    assert run_cli(project, "import", str(exported[1])).code == 0
    again = run_cli(project, "import", str(exported[1]))
    assert again.code == 0, again.err
    assert "0 new and 19 existing transcript(s)" in again.out and "0 coding(s) added" in again.out
    assert "0 memo(s)" in again.out


def test_export_is_stable(exported: tuple[Path, Path]) -> None:
    """Same project, same bytes: GUIDs are derived from keys, member times are fixed."""
    folder, first = exported
    second = folder / "again.qdpx"
    assert run_cli(folder, "export", "qdpx", str(second)).code == 0
    assert first.read_bytes() == second.read_bytes()


def test_export_of_one_coder(exported: tuple[Path, Path], tmp_path: Path) -> None:
    folder, _ = exported
    out = tmp_path / "bram.qdpx"
    result = run_cli(folder, "export", "qdpx", str(out), "--coder", "bram")
    assert result.code == 0, result.err
    validate(out)
    with zipfile.ZipFile(out) as archive:
        qde = archive.read("project.qde").decode()
    assert 'name="bram"' in qde and 'name="anouk"' not in qde
    assert run_cli(folder, "export", "qdpx", str(out), "--coder", "nobody").code == 2


def test_empty_project_exports_and_validates(project: Path) -> None:
    result = run_cli(project, "export", "qdpx", str(project / "empty.qdpx"))
    assert result.code == 0, result.err
    validate(project / "empty.qdpx")
