"""Court and deposition transcripts copied from their pages (codeer.ingest.pages): line numbers in the
margin, page heads and reporter's lines between the pages, the title block, ``Q.``/``A.`` examination.
Written in the style of a state court's PDF saved as text and of a federal court's cleaned transcript."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from codeer.ingest import parse_file

TITLE = "Jury Trial — Preliminaries\n"
FOOTER = "Susan Bates, RPR, CCR\nPrincipal Court Reporter\n"
PAGES = [
    [
        "THE COURT: Good morning.",
        "THE CLERK: The People of the State,",
        "indictment 71543 of 2023.",
        "MR. STEIN: For the People, Joshua Stein.",
        "THE COURT: Good morning.",
        "BY MR. STEIN:",
        "Q. Where do you work?",
        "A. At the paper,",
    ],
    [
        "for thirty years.",  # the witness goes on across the page
        "Q. And before that?",
        "A. In a bank.",
        "MR. BLANCHE: Objection.",
        "THE COURT: Overruled.",
        "",  # a numbered line left empty
        "Q Which bank?",  # OCR lost the period
        "A. A small one.",
    ],
]


def numbered(pages: list[list[str]]) -> str:
    """Each page: the running head, the page number, its lines numbered from 1, the reporter's lines."""
    out = []
    for n, lines in enumerate(pages):
        body = "".join(f"{i} {line}".rstrip() + "\n" for i, line in enumerate(lines, start=1))
        body += "".join(f"{i}\n" for i in range(len(lines) + 1, 26))  # the rest of the page is empty
        out.append(f"{TITLE}Page {818 + n}\n{body}{FOOTER}")
    return "".join(out)


def test_numbered_pages_lose_their_numbers_and_the_lines_between_pages(tmp_path: Path) -> None:
    path = tmp_path / "day1.txt"
    path.write_text(numbered(PAGES), encoding="utf-8")
    t = parse_file(path)
    assert [turn.speaker for turn in t.turns] == [
        "THE COURT", "THE CLERK", "MR. STEIN", "THE COURT", "Q", "A",
        "Q", "A", "MR. BLANCHE", "THE COURT", "Q", "A",
    ]  # fmt: skip
    assert t.turns[3].text == "Good morning."  # "BY MR. STEIN:" heads the examination, says nothing
    assert t.turns[5].text == "At the paper, for thirty years."  # no reporter's line inside the answer
    assert not any("Reporter" in turn.text or "Page" in turn.text for turn in t.turns)
    assert t.preamble == "Jury Trial — Preliminaries\nPage 818"  # the title lines before the first page
    assert any("line numbers taken off" in w and "between the pages left out" in w for w in t.warnings)


def test_a_numbered_list_in_an_interview_is_no_page(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text(
        "Anna: Drie dingen.\n1 de tijd\n2 het geld\n3 de mensen\nBram: Dank je.\n", encoding="utf-8"
    )
    assert parse_file(path).turns[0].text == "Drie dingen. 1 de tijd 2 het geld 3 de mensen"


SDNY = """UNITED STATES DISTRICT COURT
SOUTHERN DISTRICT OF NEW YORK
UNITED STATES OF AMERICA,
v. 23 Cr. 118 (AT)
Before:
HON. ANALISA TORRES,
District Judge
APPEARANCES
DAMIAN WILLIAMS
United States Attorney for the
Southern District of New York
BY: MICAH F. FERGENSON
RYAN B. FINKEL
Assistant United States Attorneys
SABRINA P. SHROFF
Attorney for Defendant
BY: SIDHARDHA KAMARAJU
ALSO PRESENT:
Isabel Loftus, Paralegal Specialist, USAO
Tuo Huang, Interpreter (Mandarin)
(Jury present)
THE COURT: Good morning. Please be seated.
MR. FINKEL: The government calls Le Zhou.
LE ZHOU,
called as a witness by the Government,
having been duly sworn, testified as follows:
DIRECT EXAMINATION
BY MR. FINKEL:
"""


def test_a_cleaned_court_transcript_title_block_page_heads_and_examination(tmp_path: Path) -> None:
    exchanges = []
    for n in range(6):
        exchanges.append(f"Q. Question number {n}?\nA. Answer number {n}.\n")
        exchanges.append("\n\n\nO5TVGUO1 Le Zhou - Direct\n")  # the page head between the pages
    text = SDNY + "".join(exchanges) + "(Recess)\nTHE COURT: We are back.\nA. I recall one more thing.\n"
    path = tmp_path / "sdny.txt"
    path.write_text(text, encoding="utf-8")
    t = parse_file(path)
    assert Counter(turn.speaker for turn in t.turns) == Counter(
        {"Q": 6, "A": 7, "THE COURT": 2, "MR. FINKEL": 1}
    )
    assert t.turns[0].speaker == "THE COURT"  # "Before:", "BY:" and "ALSO PRESENT:" are the title block
    assert "HON. ANALISA TORRES" in t.preamble and "Isabel Loftus" in t.preamble
    assert not any("O5TVGUO" in turn.text for turn in t.turns)
    assert t.turns[-3].text == "Answer number 5. (Recess)"  # a note in parentheses stays a note
    assert any("page head line(s) left out" in w for w in t.warnings)
    assert any("read as preamble ('Before', 'BY', 'ALSO PRESENT')" in w for w in t.warnings)


def test_q_and_a_are_labels_only_where_a_file_has_both(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text(
        "Anna: Twee punten.\nA. Eerst de tijd.\nB. Dan het geld.\nBram: Goed.\nAnna: Klaar.\n"
        "Bram: Q en A zijn letters.\nA Ford truck was het.\n",
        encoding="utf-8",
    )
    assert [turn.speaker for turn in parse_file(path).turns] == ["Anna", "Bram", "Anna", "Bram"]
