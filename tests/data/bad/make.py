"""Write the binary members of this corpus (docx, xlsx, qdpx); the text files are written by hand.

Run from this folder: ``python make.py``. Large hostile files (a 100 MB line, zip bombs) are not here: the
test generates them into a temporary folder, so the repository stays small.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from openpyxl import Workbook

HERE = Path(__file__).parent
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n'
)


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def good_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Anna: Hallo allemaal.")
    document.add_paragraph("Bram: Dag Anna.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_with(document_xml: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(good_docx())) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["word/document.xml"] = document_xml
    return zip_of(members)


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    t = HERE / "transcripts"
    whole = good_docx()
    (t / "docx-truncated.docx").write_bytes(whole[: len(whole) // 2])
    (t / "docx-zip-without-document.docx").write_bytes(zip_of({"hello.txt": b"hello"}))
    (t / "docx-entity-bomb.docx").write_bytes(
        docx_with(
            (
                LAUGHS + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                "<w:body><w:p><w:r><w:t>&d;</w:t></w:r></w:p></w:body></w:document>"
            ).encode()
        )
    )
    (t / "docx-broken-xml.docx").write_bytes(docx_with(b"<w:document><w:body><w:p>"))
    (t / "docx-no-text.docx").write_bytes(
        docx_with(
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>'
        )
    )
    c = HERE / "codings"
    (c / "codings-unknown-transcript.xlsx").write_bytes(
        xlsx([["transcript", "passage", "code", "coder"], ["nergens", 1, "empathie", "carla"]])
    )
    (c / "codings-corrupt.xlsx").write_bytes(zip_of({"[Content_Types].xml": b"<Types/>", "xl/junk": b"\x00"}))
    q = HERE / "qdpx"
    (q / "qdpx-without-project.qdpx").write_bytes(zip_of({"sources/a.txt": b"Anna: hallo"}))
    (q / "qdpx-entity-bomb.qdpx").write_bytes(
        zip_of({"project.qde": (LAUGHS + '<Project xmlns="urn:QDA-XML:project:1.0" name="&d;"/>').encode()})
    )
    (q / "qdpx-zip-slip.qdpx").write_bytes(
        zip_of(
            {"project.qde": b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>', "../../evil.txt": b"x"}
        )
    )
    whole = zip_of({"project.qde": b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>' + b" " * 5000})
    (q / "qdpx-truncated.qdpx").write_bytes(whole[: len(whole) - 40])


if __name__ == "__main__":
    main()
