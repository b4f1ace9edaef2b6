"""Every transcript format and layout, read from real sample files in tests/data/ingest/."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeer.ingest import parse_file
from codeer.ingest.records import ParsedTranscript

DATA = Path(__file__).parent / "data" / "ingest"


def summary(transcript: ParsedTranscript) -> list[tuple[str, str, int | None]]:
    """(speaker, text, start_ms) per passage: what a coder will see, in order."""
    return [(t.speaker, t.text, t.start_ms) for t in transcript.turns]


# --- .txt -----------------------------------------------------------------------------------------------


def test_txt_labels_with_time_prefixes_continuations_and_merges() -> None:
    t = parse_file(DATA / "labels.txt")
    assert t.key == "labels"
    assert t.preamble == "Focusgroep retail, ronde 2"
    assert t.title == "Focusgroep retail, ronde 2"
    assert summary(t) == [
        ("Moderator", "Welkom allemaal. Fijn dat jullie er zijn.", None),
        # a URL is not a label; an unlabelled line continues the turn
        ("Anna de Vries", "Dank je. Zie https://example.org/info voor meer.", 72_000),
        # two pieces by one speaker merge; the turn's time is the first piece's (none here)
        ("Moderator", "Wat vonden jullie? Nog iets?", None),
        # digits-only and over-long "labels" are text; a time before an unlabelled line is dropped
        (
            "Bram",
            "Ja. 12: dit is tekst Dit is een hele lange zin die meer dan veertig tekens heeft: dus tekst. "
            "Eén ding nog. en dit hoort er ook bij.",
            150_000,
        ),
    ]
    assert [turn.line for turn in t.turns] == [3, 5, 7, 9]


def test_txt_time_after_the_name_and_label_alone_on_its_line() -> None:
    t = parse_file(DATA / "suffix-times.txt")
    assert summary(t) == [
        ("Interviewer", "Hoe gaat het?", 5_000),
        ("P1", "Goed. Echt goed.", 9_000),
        ("Interviewer", "Laatste vraag. Of toch niet.", 3_723_500),
    ]
    assert t.preamble == ""
    assert t.title == "suffix-times"  # no metadata title, no preamble: the key


def test_txt_transcription_service_layout() -> None:
    t = parse_file(DATA / "service.txt")
    # The layout with more lines wins: "Let op: ..." inside a turn stays text, the title line is preamble,
    # and the last header, with no text after it, leaves no empty passage.
    assert summary(t) == [
        ("Karin Jansen", "Ik werk hier al tien jaar. Let op: dat is lang.", 5_000),
        ("Interviewer", "Waarom?", 12_500),
        ("Karin Jansen", "Omdat het leuk is.", 3_723_000),
    ]
    assert t.preamble == "Interview met Karin: deel 1\nOpgenomen 9 maart 2021"
    assert [turn.line for turn in t.turns] == [4, 8, 11]


@pytest.mark.parametrize("name", ["crlf.txt", "cr-only.txt"])
def test_txt_line_endings(name: str) -> None:
    t = parse_file(DATA / name)
    assert summary(t) == [("A", "een twee", None), ("B", "drie", None)]
    assert t.preamble == "Titel"
    assert [turn.line for turn in t.turns] == [3, 5]


# --- .md ------------------------------------------------------------------------------------------------


def test_md_front_matter_bold_labels_headings_and_rules() -> None:
    t = parse_file(DATA / "frontmatter.md")
    assert t.key == "ret-q2-md"  # front matter id overrides the file name
    assert t.title == "Retail Q2"
    assert t.preamble == "# Focusgroep retail\nEen korte inleiding."
    assert summary(t) == [
        ("Moderator", "Welkom.", None),
        # "## Deel 2" and the "---" rule between Anna's pieces are skipped, so they merge
        ("Anna", "Hallo, ik ben *Anna*. Nog meer.", None),
        ("Moderator", "Dank.", None),
    ]
    assert [turn.line for turn in t.turns] == [23, 24, 32]  # lines in the file, front matter counted
    assert t.attributes == {
        "organisation": "Gemeente Utrecht",
        "date": "2021-3-9",  # not a YAML date (one-digit month): kept as written
        "participants": "4",
        "code": "007",  # as written, not the octal number 7
        "consent": "yes",  # as written, not True
        "tags": "retail, q2",
    }
    assert t.speakers == {"Anna": {"role": "participant", "age": "34"}, "Moderator": {"role": "moderator"}}


def test_md_heading_is_title() -> None:
    t = parse_file(DATA / "heading.md")
    assert t.title == "Interview *bakker*"
    assert t.preamble == "# Interview *bakker*"
    assert summary(t) == [("Interviewer", "Hoe lang bakt u al?", None), ("Bakker", "Dertig jaar.", None)]


# --- .vtt -----------------------------------------------------------------------------------------------


def test_vtt_teams_voice_tags() -> None:
    t = parse_file(DATA / "teams.vtt")
    assert t.preamble == "Opname gestart"  # a cue before any voice; NOTE and STYLE blocks ignored
    assert summary(t) == [
        # one turn split over two cues; <c> tags dropped, whitespace collapsed
        ("Anna de Vries", "Ik denk dat het eigenlijk goed ging.", 3_120),
        # <v.loud ...> without </v>; &amp; decoded; <i> dropped; an unvoiced cue continues the turn
        ("Bram", "Niet mee eens & ook helemaal niet. en nog iets", 10_000),
        # two voices in one cue are two passages with the cue's time; timestamp tags dropped
        ("Anna de Vries", "Waarom niet?", 14_000),
        ("Bram", "Daarom.", 14_000),
    ]
    assert [turn.line for turn in t.turns] == [16, 23, 30, 31]


def test_vtt_teams_entities_in_voice_names(tmp_path: Path) -> None:
    # Teams writes non-ASCII names as character references in the voice tag (as a Teams export quoted in
    # public documentation does: <v Carlos Far&#237;as>); the name is decoded like the text.
    cue = "001ec368-3c77/{n}-0\n00:00:0{n}.000 --> 00:00:0{n}.500\n<v {who}>{said}</v>\n"
    carlos = "Carlos Far&#237;as"
    said = [(carlos, "No."), ("Ana L&#243;pez", "S&#237; &amp; no."), (carlos, "Bien.")]
    path = tmp_path / "teams-entities.vtt"
    path.write_text(
        "WEBVTT\n\n" + "\n".join(cue.format(n=n, who=w, said=s) for n, (w, s) in enumerate(said, 1)),
        encoding="utf-8",
    )
    assert summary(parse_file(path)) == [
        ("Carlos Farías", "No.", 1_000),
        ("Ana López", "Sí & no.", 2_000),
        ("Carlos Farías", "Bien.", 3_000),
    ]


def test_vtt_zoom_labels_crlf() -> None:
    t = parse_file(DATA / "zoom.vtt")
    assert summary(t) == [
        ("Moderator", "Goedemiddag allemaal. We beginnen met een rondje.", 1_500),
        (
            "Karin Jansen",
            "Ik ben Karin. Ik werk bij de gemeente. Zie https://zoom.us/rec voor de opname.",
            8_000,
        ),
    ]
    assert t.preamble == ""


# --- .srt -----------------------------------------------------------------------------------------------


def test_srt_bom_crlf_missing_index_tags_and_trailing_spaces() -> None:
    t = parse_file(DATA / "interview.srt")
    assert summary(t) == [
        ("Interviewer", "Vertel eens.", 5_000),
        ("P1", "Nou, het zit zo. Zo is het.", 9_500),  # <i>P1:</i> is a label; {\an8} dropped
        ("Interviewer", "Dank je.", 60_250),
    ]
    assert [turn.line for turn in t.turns] == [3, 7, 15]


# --- .docx ----------------------------------------------------------------------------------------------


def test_docx_teams_layout_with_title_paragraph() -> None:
    t = parse_file(DATA / "teams-layout.docx")
    assert t.preamble == "Focusgroep Retail: ronde 2\n9 maart 2021"
    assert t.title == "Focusgroep Retail: ronde 2"
    assert summary(t) == [
        ("Anna de Vries", "Ik vond het goed. Echt waar.", 5_000),
        ("Bram", "Niet mee eens: helemaal niet.", 12_000),  # the table after it is not read
        ("Anna de Vries", "Oké.", 3_620_000),
    ]
    assert [turn.line for turn in t.turns] == [4, 7, 9]  # paragraph numbers


def test_docx_labels_and_line_break_in_paragraph() -> None:
    t = parse_file(DATA / "labels.docx")
    assert t.preamble == "Interview 3"
    assert summary(t) == [
        ("Interviewer", "Hoe gaat het?", None),
        ("P1", "Goed. Ook nog dit.", None),
        ("Interviewer", "Dank je.", None),
    ]


# --- encodings --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["utf16le.txt", "utf16be.txt", "utf8-bom.txt", "cp1252.txt"])
def test_encodings(name: str) -> None:
    t = parse_file(DATA / name)
    assert summary(t) == [
        ("Interviewer", "Hoe gaat het met het café?", None),
        ("Rosé", "Goed, het kost nu €5 ’s avonds.", None),
    ]


# --- hash -------------------------------------------------------------------------------------------------


def test_content_hash_is_stable_and_covers_bytes(tmp_path: Path) -> None:
    first = parse_file(DATA / "labels.txt").content_hash
    assert first == parse_file(DATA / "labels.txt").content_hash
    assert len(first) == 64
    copy = tmp_path / "labels.txt"
    copy.write_bytes((DATA / "labels.txt").read_bytes() + b"Bram: nog een regel\n")
    assert parse_file(copy).content_hash != first
