"""Untrusted QDPX and QDC files: entities, zip slip, zip bombs and junk are refused with the file named, and
the project stays as it was."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import run_cli
from sqlalchemy import func, select

from codeer.errors import CodeerError
from codeer.interop import xmlsafe
from codeer.interop.qdc import read_qdc
from codeer.interop.xmlsafe import SafeZip
from codeer.model import Code, Codebook, Transcript
from codeer.store.database import open_database

DATA = Path(__file__).parent / "data" / "refi-qda"
GOOD_QDE = zipfile.ZipFile(DATA / "qualcoder-style.qdpx").read("project.qde")

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&secret;</Description></Project>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&d;"/>"""


def make(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def unchanged(project: Path) -> bool:
    db = open_database(f"sqlite:///{project / 'codeer.db'}")
    with db.session() as session:
        counts = [session.scalar(select(func.count()).select_from(t)) for t in (Transcript, Codebook, Code)]
    db.close()
    return counts == [0, 0, 0]


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"project.qde": XXE}, "refused: the XML uses a DTD or entities"),
        ({"project.qde": LAUGHS}, "refused: the XML uses a DTD or entities"),
        ({"project.qde": GOOD_QDE, "../evil.txt": b"x"}, "points outside the archive"),
        ({"project.qde": GOOD_QDE, "/etc/evil.txt": b"x"}, "points outside the archive"),
        ({"project.qde": GOOD_QDE, "sources/..\\..\\evil.txt": b"x"}, "points outside the archive"),
        ({"project.qde": GOOD_QDE, "C:/evil.txt": b"x"}, "points outside the archive"),
        ({"project.qde": GOOD_QDE, "sources/bomb.txt": b"\0" * (20 * 1024 * 1024)}, "(a zip bomb?)"),
        ({"sources/a.txt": b"x"}, "no .qde file inside"),
        ({"a.qde": GOOD_QDE, "b.qde": GOOD_QDE}, "several .qde files"),
        ({"project.qde": b"<Project><Sources>"}, "not well-formed XML"),
        ({"project.qde": b"<CodeBook/>"}, "not a REFI-QDA project"),
    ],
)
def test_refused_with_the_file_named_and_nothing_changed(
    members: dict[str, bytes], message: str, project: Path, tmp_path: Path
) -> None:
    bad = make(tmp_path / "bad.qdpx", members)
    result = run_cli(project, "import", "qdpx", str(bad))
    assert result.code == 2
    assert str(bad) in result.err and message in result.err
    assert unchanged(project)


def test_not_a_zip(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"<Project/>")
    result = run_cli(project, "import", str(bad))
    assert result.code == 2 and f"{bad}: not a QDPX file" in result.err


def test_too_large_members_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = make(tmp_path / "big.qdpx", {"project.qde": GOOD_QDE})
    monkeypatch.setattr(xmlsafe, "MAX_MEMBER_BYTES", 100)
    with pytest.raises(CodeerError, match="unpacks to"):
        SafeZip(archive)
    monkeypatch.setattr(xmlsafe, "MAX_TOTAL_BYTES", 100)
    monkeypatch.setattr(xmlsafe, "MAX_MEMBER_BYTES", 10**9)
    with pytest.raises(CodeerError, match="it unpacks to"):
        SafeZip(archive)


def test_reading_stops_at_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading is chunked and capped whatever the header says: a member never grows past the cap in memory."""
    archive = make(tmp_path / "big.qdpx", {"project.qde": GOOD_QDE})
    with SafeZip(archive) as opened:
        monkeypatch.setattr(xmlsafe, "MAX_MEMBER_BYTES", 100)
        monkeypatch.setattr(xmlsafe, "CHUNK", 64)
        with pytest.raises(CodeerError, match="larger than allowed"):
            opened.read("project.qde")


def test_qdc_with_entities_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.qdc"
    bad.write_bytes(XXE.replace(b"Project", b"CodeBook"))
    with pytest.raises(CodeerError, match="refused") as error:
        read_qdc(bad)
    assert str(bad) in str(error.value)
