"""QDPX files written by other programs import with all their codes, sources and codings, each coding on the
text its program selected.

The NVivo file is a real export (NVivo 12.6 for Windows: UTF-16 positions, CRLF, a BOM); the others are
hand-made in the styles of MAXQDA, ATLAS.ti and QualCoder (``tests/data/refi-qda/make_vendor_files.py``).
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import run_cli
from sqlalchemy import func, select

from codeer.interop.qdpx_read import read_qdpx
from codeer.interop.refi_text import Units
from codeer.model import Code, Coder, Coding, Memo, Passage, Speaker, Transcript, TranscriptAttribute
from codeer.store.database import open_database

DATA = Path(__file__).parent / "data" / "refi-qda"
NVIVO = DATA / "nvivo12-windows-youtube-comments.qdpx"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    return " ".join(text.split())


def _coded(project: Path) -> list[tuple[str, str, str]]:
    """``(transcript title, code name, coded text)`` of every coding in the project."""
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as session:
        rows = [
            (
                c.passage.transcript.title,
                c.code.name,
                c.passage.text if c.start is None else c.passage.text[c.start : c.end],
            )
            for c in session.scalars(select(Coding))
        ]
    db.close()
    return rows


def _count(project: Path, what: object) -> int:
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as session:
        count = session.scalar(select(func.count()).select_from(what))
    db.close()
    return count


# --- NVivo ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nvivo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    project = tmp_path_factory.mktemp("nvivo")
    result = run_cli(project, "import", "qdpx", str(NVIVO))
    assert result.code == 0, result.err
    return project, result.out


def test_nvivo_everything_arrives(nvivo: tuple[Path, str]) -> None:
    project, out = nvivo
    qde = zipfile.ZipFile(NVIVO).read("project.qde").decode("utf-8")
    assert _count(project, Code) == qde.count("<Code ") == 152
    assert _count(project, Transcript) == 2
    assert _count(project, Coding) == qde.count("<Coding ") == 330
    assert _count(project, Coder) == 3
    assert "UTF-16" in out and "not imported" not in out


def _nvivo_selections() -> list[tuple[str, int, int, str]]:
    """Every selection as ``(source text, start, end, code GUID)``, its text read by NVivo's rule, done here
    independently of codeer: the .txt decoded with its BOM dropped, positions in UTF-16 code units."""
    archive = zipfile.ZipFile(NVIVO)
    qde = archive.read("project.qde").decode("utf-8")
    found = []
    for guid, body in re.findall(r'<TextSource[^>]*guid="([^"]+)"[^>]*>(.*?)</TextSource>', qde, re.S):
        units = archive.read(f"Sources/{guid}.txt")[3:].decode("utf-8").encode("utf-16-le")
        for attrs, code in re.findall(
            r"<PlainTextSelection([^>]*)>.*?<CodeRef targetGUID=\"([^\"]+)\"", body, re.S
        ):
            start = int(re.search(r'startPosition="(\d+)"', attrs).group(1))
            end = int(re.search(r'endPosition="(\d+)"', attrs).group(1))
            found.append((units[2 * start : 2 * end].decode("utf-16-le"), start, end, code))
    return found


def test_nvivo_codings_are_on_the_text_nvivo_selected(nvivo: tuple[Path, str]) -> None:
    project, _ = nvivo
    names = dict(
        re.findall(
            r'<Code guid="([^"]+)" isCodable="[a-z]+" name="([^"]+)"',
            zipfile.ZipFile(NVIVO).read("project.qde").decode("utf-8"),
        )
    )
    wanted = Counter((names[code], _norm(text)) for text, _, _, code in _nvivo_selections())
    got = Counter((code, _norm(text)) for _, code, text in _coded(project))
    assert got == wanted


def test_nvivo_a_few_by_hand(nvivo: tuple[Path, str]) -> None:
    """Selections checked by reading them in the text: each starts and ends on a word, emoji counted two."""
    by_position = {(s, e): text for text, s, e, _ in _nvivo_selections()}
    assert by_position[(10804, 10831)] == "Záhertorta egy alkesz nulla"
    assert by_position[(10148, 10186)] == "tudatos hal äl reklám, hatalmas árulás"
    assert by_position[(3137, 3284)].startswith("Senkit nem lehet kötelezni oltásra, ilyet csak ostoba")
    coded = {_norm(text) for _, _, text in _coded(nvivo[0])}
    for text in (
        "Záhertorta egy alkesz nulla",
        "tudatos hal äl reklám, hatalmas árulás",
        _norm(by_position[(3137, 3284)]),
    ):
        assert text in coded
    emoji = [(t, s, e) for t, s, e, _ in _nvivo_selections() if any(ord(c) > 0xFFFF for c in t)]
    assert emoji, "the fixture has selections with emoji: the test of UTF-16 positions needs them"


def test_nvivo_units_are_detected_not_assumed(tmp_path: Path) -> None:
    """The rule decides from the data: even with the vendor's name removed, UTF-16 wins by word edges."""
    anonymous = tmp_path / "anonymous.qdpx"
    with zipfile.ZipFile(NVIVO) as source, zipfile.ZipFile(anonymous, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "project.qde":
                data = data.replace(b'origin="NVivo for Windows 12.6"', b'origin="unknown"')
            target.writestr(info.filename, data)
    assert read_qdpx(anonymous).units is Units.UTF16
    assert read_qdpx(NVIVO).units is Units.UTF16


# --- MAXQDA, ATLAS.ti and QualCoder styles ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_vendor_style_codings_are_on_the_selected_text(name: str, project: Path) -> None:
    result = run_cli(project, "import", "qdpx", str(DATA / name))
    assert result.code == 0, result.err
    wanted = Counter((e["source"], e["code"], _norm(piece)) for e in EXPECTED[name] for piece in e["pieces"])
    got = Counter((title, code, _norm(text)) for title, code, text in _coded(project))
    assert got == wanted


def test_maxqda_style(project: Path) -> None:
    result = run_cli(project, "import", "qdpx", str(DATA / "maxqda-style.qdpx"))
    assert result.code == 0, result.err
    assert "Unicode code points" in result.out
    assert _count(project, Code) == 4  # the folder "Kontakt" (isCodable="false") is a code too
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as session:
        attrs = dict(
            session.execute(
                select(Transcript.key + "." + TranscriptAttribute.name, TranscriptAttribute.value).join(
                    Transcript
                )
            ).all()
        )
        speakers = set(session.scalars(select(Speaker.name)))
        folder = session.scalar(select(Code).where(Code.name == "Kontakt"))
        children = sorted(c.name for c in session.scalars(select(Code).where(Code.parent_id == folder.id)))
        interview = session.scalar(select(Transcript).where(Transcript.key == "interview-gemeinde"))
        turns = [(p.speaker.name, p.text[:21]) for p in interview.passages]
    db.close()
    # values in the source (MAXQDA) and in a nameless case with one source reference
    assert attrs == {
        "interview-gemeinde.Alter": "47",
        "interview-gemeinde.Geschlecht": "m",
        "notizen.Geschlecht": "w",
    }
    assert speakers == {"I", "B"} and children == ["Freundlichkeit", "Kanal"] and folder.color == "#ff0000"
    # an unlabelled line continues the turn before it
    assert turns == [
        ("I", "Wie war Ihr letzter K"),
        ("B", "Ich musste meinen Umz"),
        ("I", "Und wie haben Sie das"),
        ("B", "Ich habe angerufen. D"),
    ]


def test_atlasti_style(project: Path) -> None:
    result = run_cli(project, "import", "qdpx", str(DATA / "atlasti-style.qdpx"))
    assert result.code == 0, result.err
    assert "CRLF counted as one" in result.out
    assert "1 link(s)" in result.out and "1 set(s)" in result.out  # reported, not dropped silently
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as session:
        passages = session.scalars(select(Passage).order_by(Passage.number)).all()
        attrs = dict(session.execute(select(TranscriptAttribute.name, TranscriptAttribute.value)).all())
    db.close()
    # a report with "Afspraak: ..." once is no transcript: its paragraphs are passages without speaker
    assert [p.speaker_id for p in passages] == [None] * 4 and passages[3].text.startswith("Afspraak:")
    assert attrs == {"wijk": "Noord"}  # a named case referring to the document


def test_qualcoder_style(project: Path) -> None:
    result = run_cli(project, "import", "qdpx", str(DATA / "qualcoder-style.qdpx"))
    assert result.code == 0, result.err
    assert "audio cannot be coded in codeer; not imported (1 coding(s))" in result.out
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as session:
        keys = sorted(session.scalars(select(Code.key)))
        memos = {
            m.title: (m.transcript_id is not None, m.code_id is not None)
            for m in session.scalars(select(Memo))
        }
        coding_memos = [c.memo for c in session.scalars(select(Coding)) if c.memo]
    db.close()
    assert keys == ["positief", "positief-2", "wachten"]  # same names, distinct keys
    assert memos == {"Memo bij interview": (True, False), "Over positief": (False, True)}
    assert coding_memos == ["Let op de emoji."]


def test_all_or_nothing(project: Path, tmp_path: Path) -> None:
    """A second file that fails leaves the project as it was, the first file's work included."""
    broken = tmp_path / "broken.qdpx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr(
            "project.qde", "<Project><Sources><TextSource guid='x' plainTextPath='internal://gone.txt'/>"
        )
    result = run_cli(project, "import", "qdpx", str(DATA / "maxqda-style.qdpx"), str(broken))
    assert result.code == 2 and "broken.qdpx" in result.err
    assert _count(project, Transcript) == 0 and _count(project, Code) == 0


def test_existing_transcript_with_other_text_is_refused(project: Path) -> None:
    assert run_cli(project, "import", "qdpx", str(DATA / "qualcoder-style.qdpx")).code == 0
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as session:
        session.scalar(select(Passage).order_by(Passage.id)).text = "Iets anders."
    db.close()
    before = _count(project, Coding)
    result = run_cli(project, "import", "qdpx", str(DATA / "qualcoder-style.qdpx"))
    assert result.code == 2 and "already exists with other text" in result.err
    assert _count(project, Coding) == before
