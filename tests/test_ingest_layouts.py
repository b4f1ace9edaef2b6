"""The layouts transcription tools and researchers write, read on evidence; and what is refused, with why.

Every file here is written in the style of a tool's export (README's format table names each); the real
excerpts are in tests/test_ingest_real.py.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codeer.errors import CodeerError
from codeer.ingest import parse_file


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def turns(path: Path, **options: str) -> list[tuple[str, str, int | None]]:
    return [(t.speaker, t.text, t.start_ms) for t in parse_file(path, **options).turns]


# --- layouts read ---------------------------------------------------------------------------------------


def test_bold_names_without_colon_and_a_sentence_ending_in_a_colon(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "thesis.md",
        "**Interviewer** Welkom. Daarbij had ik de volgende problemen:\n\n"
        "Eén: de tijd. Twee: het geld.\n\n"
        "**Respondent** Dat herken ik.\n\n**Interviewer** Mooi.\n\n**Respondent** Ja.\n",
    )
    assert turns(path) == [
        ("Interviewer", "Welkom. Daarbij had ik de volgende problemen: Eén: de tijd. Twee: het geld.", None),
        ("Respondent", "Dat herken ik.", None),
        ("Interviewer", "Mooi.", None),
        ("Respondent", "Ja.", None),
    ]


def test_bold_name_with_bracketed_time_and_html_entities(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pod.md",
        "**Ali** [00:00:00] Today we&#39;re talking.\n\n**Kelly** [00:00:30] I&#39;m Kelly &amp; co.\n\n"
        "**Ali** [0:33] I&#39;m Ali.\n",
    )
    assert turns(path) == [
        ("Ali", "Today we're talking.", 0),
        ("Kelly", "I'm Kelly & co.", 30_000),
        ("Ali", "I'm Ali.", 33_000),
    ]


def test_otter_pasted_into_markdown_with_unknown_speaker_and_footer(tmp_path: Path) -> None:
    # The example: bold heads and plain "Unknown Speaker  2:44" heads are one layout.
    path = write(
        tmp_path,
        "otter.md",
        "**Kelly**  0:00  \nWelcome.\n\n**Emma** [0:05]\nHi.\n\nUnknown Speaker  0:09  \nHello there.\n\n"
        "**Kelly**  0:12  \nBye.\n\nTranscribed by https://otter.ai\n",
    )
    t = parse_file(path)
    assert [(x.speaker, x.text, x.start_ms) for x in t.turns] == [
        ("Kelly", "Welcome.", 0),
        ("Emma", "Hi.", 5_000),
        ("Unknown Speaker", "Hello there.", 9_000),
        ("Kelly", "Bye.", 12_000),
    ]
    assert t.postamble == "Transcribed by https://otter.ai" and t.preamble == ""


def test_markdown_headings_with_paragraphs_below(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "headings.md",
        "# Transcript\n\n### Interviewer\nEerste vraag.\n\nNog een alinea.\n\n### Deelnemer 3\nAntwoord.\n\n"
        "### Interviewer\nDank.\n",
    )
    t = parse_file(path)
    assert [(x.speaker, x.text) for x in t.turns] == [
        ("Interviewer", "Eerste vraag. Nog een alinea."),
        ("Deelnemer 3", "Antwoord."),
        ("Interviewer", "Dank."),
    ]
    assert t.preamble == "# Transcript"


# Each tool's way of writing one speaker's turn; {n} is the speaker number, {t} the time, {s} the text.
TOOL_TURNS = {
    "rev-temi": "Speaker {n} ({mm}):\n{s}\n\n",
    "word-transcribe": "{hh} Speaker {n}\n{s}\n\n",
    "trint": "[{hh}] Speaker {n}\n{s}\n\n",
    "amberscript": "Speaker {n} [{hh}]\n{s}\n\n",
    "descript": "[{hh}] Speaker {n}: {s}\n",
    "md-export": "**Speaker {n} ({mm}):**  \n{s}\n\n",
    "teams-word": "{teams} --> 0:9:0.0\nSpeaker {n}\n{s}\n\n",
}
SAID = [(1, 0, "Hello."), (2, 4, "Hi there."), (1, 62, "Bye.")]


@pytest.mark.parametrize("tool", sorted(TOOL_TURNS))
def test_tool_exports(tmp_path: Path, tool: str) -> None:
    text = "".join(
        TOOL_TURNS[tool].format(
            n=n,
            s=said,
            mm=f"{t // 60:02d}:{t % 60:02d}",
            hh=f"00:{t // 60:02d}:{t % 60:02d}",
            teams=f"0:{t // 60}:{t % 60}.0",
        )
        for n, t, said in SAID
    )
    path = write(tmp_path, f"{tool}.md", "## Transcript\n\n" + text)
    assert turns(path) == [(f"Speaker {n}", said, t * 1000) for n, t, said in SAID]


def test_whisperx_srt_with_bracketed_speakers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "whisperx.srt",
        "1\n00:00:01,000 --> 00:00:03,000\n[SPEAKER_00]: Hello.\n\n2\n00:00:03,000 --> 00:00:05,000\n"
        "[SPEAKER_01]: Hi.\n\n3\n00:00:05,000 --> 00:00:07,000\n[SPEAKER_00]: Bye.\n",
    )
    assert turns(path) == [
        ("SPEAKER_00", "Hello.", 1_000),
        ("SPEAKER_01", "Hi.", 3_000),
        ("SPEAKER_00", "Bye.", 5_000),
    ]


@pytest.mark.parametrize(
    ("layout", "text"),
    [
        ("bracket-label", "[Speaker 1] Hello.\n[Speaker 2] Hi there.\n[Speaker 1] Bye.\n"),
        (
            "bracket-head",
            "[Speaker 1] 10:01:02\nHello.\n[Speaker 2] 10:01:05\nHi there.\n[Speaker 1] 10:01:09\nBye.\n",
        ),
        ("bold-parentheses", "**(Speaker 1)** Hello.\n\n**(Speaker 2)** Hi there.\n\n**(Speaker 1)** Bye.\n"),
        ("lower-case-repeated", "speaker 1: Hello.\nspeaker 2: Hi there.\nspeaker 1: Bye.\nspeaker 2: Ok.\n"),
    ],
)
def test_more_label_forms(tmp_path: Path, layout: str, text: str) -> None:
    got = [(speaker.lower(), said) for speaker, said, _ in turns(write(tmp_path, f"{layout}.md", text))]
    assert got[:3] == [("speaker 1", "Hello."), ("speaker 2", "Hi there."), ("speaker 1", "Bye.")]


def test_sounds_and_notes_are_never_speakers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sounds.txt",
        "Anna: Ja.\n[inaudible]\nNote: hier viel het geluid weg.\nBram: Nee.\n(laughter)\n"
        "Note: weer terug.\nAnna: Goed.\n[inaudible]\n",
    )
    t = parse_file(path)
    assert [x.speaker for x in t.turns] == ["Anna", "Bram", "Anna"]
    assert t.turns[0].text == "Ja. [inaudible] Note: hier viel het geluid weg."


def test_google_meet_vtt_names_in_parentheses(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "meet.vtt",
        "WEBVTT\n\n00:00:08.000 --> 00:00:12.000\n(Danyel Fisher)\nI wanted to start\n\n"
        "00:00:12.000 --> 00:00:16.000\n(Danyel Fisher)\nwith a question.\n\n"
        "00:00:16.000 --> 00:00:20.000\n(Dana Bettinger)\nSure.\n",
    )
    assert turns(path) == [
        ("Danyel Fisher", "I wanted to start with a question.", 8_000),
        ("Dana Bettinger", "Sure.", 16_000),
    ]


def test_caption_lines_keep_their_time(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "timed.txt",
        "Interviewer:\n00:00:05 Welkom allemaal.\n00:00:09 Fijn dat jullie er zijn.\n"
        "Anna:\n[00:00:12] Dank je.\n",
    )
    assert turns(path) == [
        ("Interviewer", "Welkom allemaal. Fijn dat jullie er zijn.", 5_000),
        ("Anna", "Dank je.", 12_000),
    ]


def test_header_lines_before_the_conversation_are_preamble(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "header.txt",
        "Datum: 9 maart 2021\nLocatie: Utrecht\n\nInterviewer: Welkom.\nAnna: Dank je.\n"
        "Interviewer: Begin maar.\nAnna: Goed.\n",
    )
    t = parse_file(path)
    assert t.preamble == "Datum: 9 maart 2021\nLocatie: Utrecht"
    assert [x.speaker for x in t.turns] == ["Interviewer", "Anna", "Interviewer", "Anna"]
    assert any("preamble" in w for w in t.warnings)


def test_docx_otter_layout(tmp_path: Path) -> None:
    document = docx.Document()
    paragraphs = [
        "Gesprek 4",
        "Kelly  0:00",
        "Welkom.",
        "Unknown Speaker  0:04",
        "Hallo.",
        "Kelly  0:09",
        "Dag.",
    ]
    for text in paragraphs:
        document.add_paragraph(text)
    path = tmp_path / "otter.docx"
    document.save(path)
    t = parse_file(path)
    assert [(x.speaker, x.text, x.start_ms) for x in t.turns] == [
        ("Kelly", "Welkom.", 0),
        ("Unknown Speaker", "Hallo.", 4_000),
        ("Kelly", "Dag.", 9_000),
    ]
    assert t.preamble == "Gesprek 4"


def test_zoom_transcript_text_name_line_then_time_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "zoom.txt",
        "John Rachlin\n00:00:02\nI think I was in 40 below once.\nIt was hard to breathe.\n\n"
        "Unknown Speaker\n00:01:10\nWow.\n\nJohn Rachlin\n00:01:12\nSo, databases.\n",
    )
    assert turns(path) == [
        ("John Rachlin", "I think I was in 40 below once. It was hard to breathe.", 2_000),
        ("Unknown Speaker", "Wow.", 70_000),
        ("John Rachlin", "So, databases.", 72_000),
    ]


def test_bold_names_with_commas_and_symbols_and_what_is_no_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "podcast.md",
        "**Mireille Reece, PsyD:** Hallo \\[laughs\\].\n\n**Paul Frazee✌:** Hi.\n\n"
        "**$STDOUT:** Yo.\n\n**SHOUT OUT** to our members.\n\n**Cher:**\n\n"
        "[I don't need you anymore...](https://www.youtube.com/watch?v=x)\n\n"
        "**Mireille Reece, PsyD:** \\[04:06\\] Ja.\n",
    )
    assert turns(path) == [
        ("Mireille Reece, PsyD", "Hallo [laughs].", None),
        ("Paul Frazee✌", "Hi.", None),
        ("$STDOUT", "Yo. **SHOUT OUT** to our members.", None),  # emphasis, not a speaker
        ("Cher", "[I don't need you anymore...](https://www.youtube.com/watch?v=x)", None),
        ("Mireille Reece, PsyD", "Ja.", 246_000),
    ]


def test_a_break_or_an_empty_label_ends_the_turn(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "breaks.md",
        "**Safia:** We will be right back.\n\n**Break:** \\[20:20\\]\n\n**Jingle:** \\[20:40\\]\n\n"
        "**Safia:** And we are back!\n\n**Jerod:** Ok.\n\n**Nick:** Hi.\n\n**Jerod:** \\[01:24:26\\]\n\n"
        "**Nick:** Anyway.\n",
    )
    assert [(speaker, text) for speaker, text, _ in turns(path)] == [
        ("Safia", "We will be right back. **Break:** [20:20] **Jingle:** [20:40]"),
        ("Safia", "And we are back!"),
        ("Jerod", "Ok."),
        ("Nick", "Hi."),
        ("Nick", "Anyway."),  # Jerod's label, with only a time, still ended Nick's turn
    ]


def test_a_heading_after_the_last_turn_starts_the_postamble(tmp_path: Path) -> None:
    said = "".join(
        f"**Speaker 1 (0{n}:00)**\n\nIk zeg iets over punt {n} en nog wat meer.\n\n" for n in range(4)
    )
    path = write(
        tmp_path, "notes.md", said + "---\n\n## Samenvatting\n\n**Kern**\n\nDe spreker wil drie dingen.\n"
    )
    t = parse_file(path)
    assert [(x.speaker, x.start_ms) for x in t.turns] == [("Speaker 1", 0)]
    assert t.postamble == "## Samenvatting\n**Kern**\nDe spreker wil drie dingen."


# --- refused, with a diagnosis ---------------------------------------------------------------------------


def refusal(path: Path) -> str:
    with pytest.raises(CodeerError) as error:
        parse_file(path)
    assert error.value.path == str(path)
    assert "\n" not in str(error.value)
    return error.value.message


def test_zoom_captions_with_one_colon_line_are_refused_then_imported_unlabelled(tmp_path: Path) -> None:
    lines = [f"16:37:{i:02d} zin nummer {i} van de opname zonder sprekers" for i in range(60)]
    lines.insert(3, "Name: Willem Eekels, Age: 20, Role: student")
    path = write(tmp_path, "zoom.txt", "\n".join(lines) + "\n")
    message = refusal(path)
    assert "only 1 speaker label(s) ('Name: Willem Eekels" in message and "--unlabelled" in message
    assert "look like '16:37:00 zin nummer 0" in message
    t = parse_file(path, unlabelled="cues")
    assert len(t.turns) == 61 and {x.speaker for x in t.turns} == {""}
    assert t.turns[0].start_ms == (16 * 3600 + 37 * 60) * 1000  # the caption's time is kept
    assert t.layout.startswith("unlabelled")


def test_one_sentence_ending_in_a_colon_in_plain_text_is_no_speaker(tmp_path: Path) -> None:
    body = "\n".join(f"Dit is regel {i} van het veldverslag, geschreven na het bezoek." for i in range(40))
    path = write(tmp_path, "notes.txt", body + "\nDaarbij had ik de volgende problemen:\n" + body + "\n")
    assert "no speaker turns found" in refusal(path)
    t = parse_file(path, unlabelled="paragraphs")
    assert len(t.turns) == 1 and t.turns[0].speaker == ""


def test_a_layout_codeer_does_not_read_is_diagnosed(tmp_path: Path) -> None:
    # Only 2 of 12 blocks carry a label codeer reads; the other 10 begin with '>> KELLY -' (not a layout).
    blocks = [">> KELLY - " + "woord " * 30 if i % 2 else ">> EMMA - " + "woord " * 30 for i in range(10)]
    path = write(tmp_path, "odd.txt", "Kelly: Hallo.\n" + "\n".join(blocks) + "\nEmma: Dag.\n")
    message = refusal(path)
    assert "speaker label(s)" in message or "blocks" in message


def test_labels_of_another_kind_holding_many_words_are_refused(tmp_path: Path) -> None:
    lines = [f"{'Anna' if i % 2 else 'Bram'}: kort." for i in range(10)]
    lines[4] = "**Pieter** " + "lang verhaal " * 40
    lines[7] = "**Joke** " + "nog een lang verhaal " * 40
    path = write(tmp_path, "mixed.md", "\n".join(lines) + "\n")
    message = refusal(path)
    assert "blocks carry a label" in message and "'**Pieter** lang verhaal" in message


def test_bold_interviewer_beside_plain_respondent_stays_two_speakers_with_a_warning(tmp_path: Path) -> None:
    # A speaker who takes turns is named again: plain labels that repeat are speakers, not prose.
    lines = []
    for i in range(6):
        lines += [f"**Interviewer:** Vraag {i} over de dienst?", "", f"Respondent: Antwoord {i}.", ""]
    t = parse_file(write(tmp_path, "mixed-forms.md", "\n".join(lines)))
    assert Counter(turn.speaker for turn in t.turns) == {"Interviewer": 6, "Respondent": 6}
    assert t.warnings == [
        "speaker labels in two forms with no name in common: labels 'Name: text' ('Respondent') and bold "
        "names '**Name:** text' ('Interviewer'); check the speakers before coding"
    ]


def test_plain_picks_inside_bold_turns_are_text_and_said(tmp_path: Path) -> None:
    picks = ["In January", "Best prose", "In March", "Coolest code", "In April", "Best prose", "Coolest code"]
    lines = []
    for i, pick in enumerate(picks):
        lines += [f"**Joke de Vries:** Deel {i}.", "", f"{pick}: iets wat zij aanraadt.", ""]
    t = parse_file(write(tmp_path, "picks.md", "\n".join(lines)))
    assert [turn.speaker for turn in t.turns] == ["Joke de Vries"]
    assert "In January: iets wat zij aanraadt." in t.turns[0].text
    assert t.warnings == [
        "7 line(s) starting 'Best prose:', 'Coolest code:', 'In January:', ... read as text, not as "
        "speakers: the speakers are the bold names ('Joke de Vries')"
    ]
    # a plain-text file has no bold markup to prefer: there the evidence rule alone decides, as before
    plain = "\n".join(line.replace("**", "") for line in lines)
    assert len({turn.speaker for turn in parse_file(write(tmp_path, "picks.txt", plain)).turns}) > 1


def test_a_preamble_that_is_the_bulk_is_refused(tmp_path: Path) -> None:
    intro = "Een lange inleiding zonder sprekers. " * 40
    path = write(tmp_path, "bulk.txt", intro + "\n\nAnna: Ja.\nBram: Nee.\n")
    assert "would be preamble" in refusal(path)


def test_unlabelled_vtt_keeps_cue_times_and_refuses_paragraphs(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "whisper.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nHallo allemaal.\n\n"
        "00:00:03.500 --> 00:00:06.000\nWe beginnen.\n",
    )
    assert "no speaker turns found" in refusal(path)
    assert turns(path, unlabelled="cues") == [("", "Hallo allemaal.", 1_000), ("", "We beginnen.", 3_500)]
    with pytest.raises(CodeerError, match="use --unlabelled cues"):
        parse_file(path, unlabelled="paragraphs")


def test_unlabelled_does_not_change_a_labelled_file(tmp_path: Path) -> None:
    path = write(tmp_path, "ok.txt", "Anna: Ja.\nBram: Nee.\n")
    assert turns(path, unlabelled="paragraphs") == [("Anna", "Ja.", None), ("Bram", "Nee.", None)]


def test_section_headings_and_titles_above_text_are_refused(tmp_path: Path) -> None:
    essay = "".join(f"Zin {n} van een lang betoog zonder sprekers, gewoon tekst.\n\n" for n in range(8))
    headings = write(
        tmp_path, "talk.md", f"# Introduction\n\n{essay}# Experiments\n\n{essay}# Conclusions\n\n{essay}"
    )
    assert "no speaker has two turns" in refusal(headings)
    # One heading used twice does not make the others speakers.
    titles = ["Goals", "Policy", "Goals", "Timeline", "Scope"]
    parts = write(tmp_path, "parts.md", "".join(f"## {title}\n\nTekst over {title}.\n\n" for title in titles))
    assert "3 of the 5 headings name a speaker only once" in refusal(parts)
    titled = write(tmp_path, "essay.txt", f"Location: Reddit\n\n{essay}")
    assert "no speaker has two turns" in refusal(titled)


def test_a_postamble_that_is_the_bulk_is_refused(tmp_path: Path) -> None:
    essay = "".join(f"Zin {n} van een lang betoog zonder sprekers, gewoon tekst.\n\n" for n in range(12))
    path = write(tmp_path, "bulk.md", f"**Anna:** Kort.\n\n**Bram:** Ja.\n\n## Bijlage\n\n{essay}")
    assert "would be postamble" in refusal(path)


# --- properties ----------------------------------------------------------------------------------------

_WORD = st.text(alphabet="abcdefghijklmnoprstuvwz", min_size=1, max_size=8)
_LINE = st.lists(_WORD, min_size=3, max_size=14).map(" ".join)
_FORM = st.sampled_from(["{}: ", "**{}** ", "{}  0:05\n", "### {}\n"])
_NAME = st.sampled_from(["Anna", "Bram", "Interviewer", "P1", "Deelnemer 2", "Note", "Vraag"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prose=st.lists(_LINE, min_size=60, max_size=200),
    labels=st.lists(st.tuples(_NAME, st.floats(0, 1), _FORM), max_size=2),
    blank=st.booleans(),
)
def test_labels_covering_a_small_part_never_import_silently(
    tmp_path: Path, prose: list[str], labels: list[tuple[str, float, str]], blank: bool
) -> None:
    """Prose with at most two label lines among 60-200 lines is refused, never read as turns."""
    lines = list(prose)
    for name, where, form in labels:
        at = int(where * len(lines))
        lines.insert(at, form.format(name) + "en dan zeg ik dit")
    path = write(tmp_path, "prose.md", ("\n\n" if blank else "\n").join(lines) + "\n")
    with pytest.raises(CodeerError):
        parse_file(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    said=st.lists(
        st.tuples(st.sampled_from(["Anna", "Bram de Vries", "P1"]), _LINE), min_size=1, max_size=40
    ),
    form=st.sampled_from(["{}: {}\n", "**{}:** {}\n\n", "**{}** {}\n\n", "{}  0:05\n{}\n\n", "### {}\n{}\n"]),
)
def test_a_labelled_file_imports_every_turn(tmp_path: Path, said: list[tuple[str, str]], form: str) -> None:
    path = write(tmp_path, "labelled.md", "".join(form.format(name, text) for name, text in said))
    labels = Counter(name for name, _ in said)
    if form.startswith("#") and sum(n for n in labels.values() if n > 1) * 2 < len(said):
        # Markdown headings most of which name someone only once are section titles: refused, never read.
        with pytest.raises(CodeerError, match="section titles"):
            parse_file(path)
        return
    parsed = parse_file(path)
    got = [(t.speaker, t.text) for t in parsed.turns]
    merged: list[tuple[str, str]] = []
    for name, text in said:
        if merged and merged[-1][0] == name:
            merged[-1] = (name, merged[-1][1] + " " + text)
        else:
            merged.append((name, text))
    # The one exception: short "Name: text" lines at the top by speakers who never speak again are read as
    # header lines (preamble), never silently: a warning says so.
    lead = len(merged) - len(got)
    if lead:
        assert any("read as preamble" in w for w in parsed.warnings)
        assert all(sum(n == name for n, _ in merged) == 1 for name, _ in merged[:lead])
    assert got == merged[lead:]
    assert Counter(name for name, _ in got) == Counter(name for name, _ in merged[lead:])
