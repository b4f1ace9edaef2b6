"""Peer QDPX files read leniently: a ``plainTextPath`` without a scheme (as qc 1.3.2 writes it) is found in
``sources/``, and a program's own user account (ATLAS.ti exports one named ``ATLAS.ti``) is no coder unless
it made codings."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

from conftest import run_cli

from codeer.interop.qdpx_import import program_account

USER = "11111111-0000-4000-8000-000000000001"
PROGRAM = "11111111-0000-4000-8000-000000000002"
CODE = "22222222-0000-4000-8000-000000000001"
TEXTS = {
    "33333333-0000-4000-8000-000000000001": ("board_2017", "Chair: We open the meeting.\nMember: Agreed.\n"),
    "33333333-0000-4000-8000-000000000002": ("board_2018", "Chair: Welcome back.\nMember: Thanks.\n"),
}


def qdpx(path: Path, *, origin: str, reference: str, coder: str = USER) -> Path:
    sources = "".join(
        f'<TextSource guid="{guid}" name="{name}" plainTextPath="{reference.format(name=name)}">'
        f'<PlainTextSelection guid="4444444{n}-0000-4000-8000-000000000001" startPosition="7" '
        f'endPosition="14" creatingUser="{coder}">'
        f'<Coding guid="5555555{n}-0000-4000-8000-000000000001" creatingUser="{coder}">'
        f'<CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection></TextSource>'
        for n, (guid, (name, _)) in enumerate(TEXTS.items())
    )
    project = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="board" origin="{origin}" creatingUserGUID="{PROGRAM}">
<Users><User guid="{USER}" name="Sanne"/><User guid="{PROGRAM}" name="ATLAS.ti"/></Users>
<CodeBook><Codes><Code guid="{CODE}" name="opening" isCodable="true"/></Codes></CodeBook>
<Sources>{sources}</Sources>
</Project>
"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", project)
        for name, text in TEXTS.values():
            archive.writestr(f"sources/{name}.txt", text)
    return path


def table(project: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(project / "codeer.db") as db:
        return db.execute(sql).fetchall()


def test_plain_text_path_without_scheme_is_found_in_sources(project: Path, tmp_path: Path) -> None:
    path = qdpx(tmp_path / "qc.qdpx", origin="qc 1.3.2", reference="{name}.txt")
    result = run_cli(project, "import", "qdpx", str(path))
    assert result.code == 0, result.err
    assert sorted(table(project, "select key from transcripts")) == [("board-2017",), ("board-2018",)]
    assert table(project, "select count(*) from codings") == [(2,)]


def test_a_program_account_is_no_coder_unless_it_coded(project: Path, tmp_path: Path) -> None:
    path = qdpx(tmp_path / "atlas.qdpx", origin="ATLAS.ti 23.2.1", reference="internal://{name}.txt")
    assert run_cli(project, "import", "qdpx", str(path)).code == 0
    assert table(project, "select name from coders") == [("Sanne",)]
    other = tmp_path / "other"
    other.mkdir()
    coded = qdpx(
        tmp_path / "atlas2.qdpx", origin="ATLAS.ti 23.2.1", reference="internal://{name}.txt", coder=PROGRAM
    )
    assert run_cli(other, "import", "qdpx", str(coded)).code == 0
    assert ("ATLAS.ti",) in table(other, "select name from coders")  # its codings keep a coder


def test_external_references_are_listed_not_imported(project: Path, tmp_path: Path) -> None:
    path = qdpx(tmp_path / "ext.qdpx", origin="MAXQDA 2022", reference="relative://../texts/{name}.txt")
    result = run_cli(project, "import", "qdpx", str(path))
    assert "its text is outside the file (relative://../texts/board_2017.txt)" in result.out + result.err


def test_program_accounts() -> None:
    assert program_account("ATLAS.ti", "ATLAS.ti 23.2.1")
    assert program_account("MAXQDA", "")
    assert program_account("qc", "qc 1.3.2")
    assert not program_account("Sanne", "ATLAS.ti 23.2.1")
