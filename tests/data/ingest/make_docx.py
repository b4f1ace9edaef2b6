"""Made the .docx samples once (they are committed as binaries); run again only to change them.

.venv/bin/python tests/data/ingest/make_docx.py
"""

from pathlib import Path

import docx

HERE = Path(__file__).parent


def teams_layout() -> None:
    """Teams/Otter export: a title paragraph, then 'Name  0:05' header paragraphs with text after them."""
    document = docx.Document()
    document.add_heading("Focusgroep Retail: ronde 2", level=1)
    document.add_paragraph("9 maart 2021")
    document.add_paragraph("")
    document.add_paragraph("Anna de Vries   0:05")
    document.add_paragraph("Ik vond het goed.")
    document.add_paragraph("Echt   waar.")
    document.add_paragraph("Bram\t0:12")
    document.add_paragraph("Niet mee eens: helemaal niet.")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "Tabel: wordt niet gelezen"
    document.add_paragraph("Anna de Vries  1:00:20  ")
    document.add_paragraph("Oké.")
    document.save(HERE / "teams-layout.docx")


def labels() -> None:
    """'Name: text' paragraphs, one with a line break inside it."""
    document = docx.Document()
    document.add_paragraph("Interview 3")
    document.add_paragraph("Interviewer: Hoe gaat het?")
    document.add_paragraph("P1: Goed.")
    paragraph = document.add_paragraph("P1: Ook")
    paragraph.add_run().add_break()
    paragraph.add_run("nog dit.")
    document.add_paragraph("Interviewer: Dank je.")
    document.save(HERE / "labels.docx")


def empty() -> None:
    """A valid document with no text."""
    document = docx.Document()
    document.add_paragraph("")
    document.save(HERE / "empty.docx")


if __name__ == "__main__":
    teams_layout()
    labels()
    empty()
