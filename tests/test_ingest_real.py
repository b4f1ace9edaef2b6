"""Real transcripts from public repositories (tests/data/real/README.md): the turns and speakers counted by
hand, the layout, the preamble and the export footer."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from codeer.errors import CodeerError
from codeer.ingest import parse_file

REAL = Path(__file__).parent / "data" / "real"

# file -> (turns per speaker, counted by hand; postamble)
EXPECTED: dict[str, tuple[dict[str, int], str]] = {
    "ladybug-bold-bracket-time.md": ({"Kelly": 3, "Lindsey": 3, "Ali": 2, "Emma": 2}, ""),
    "ladybug-bold-time-alone.md": ({"Lindsey": 4, "Ali": 3, "Emma": 3, "Kelly": 2}, ""),
    "ladybug-otter-plain.md": ({"Kelly": 4, "Ali": 4, "Emma": 4}, ""),
    "ladybug-otter-bold-unknown.md": (
        {"Emma": 5, "Kelly": 5, "Unknown Speaker": 3, "Ali": 1},
        "Transcribed by https://otter.ai",
    ),
    "ladybug-otter-unknown-footer.md": (
        {"Emma": 4, "Unknown Speaker": 3, "Kelly": 2, "Sidney": 2, "Tailor": 1},
        "Transcribed by https://otter.ai",
    ),
    "thesis-headings.md": ({"Interviewer": 5, "Business Process Manager": 4}, ""),
    "thesis-bold-no-colon.md": ({"Interviewer": 5, "Business Application Manager": 5}, ""),
    "zoom-meeting.vtt": (
        {"Andrew Knight": 8, "Paul McCartney": 6, "John Lennon": 5, "George Harrison": 2, "Ringo Starr": 1},
        "",
    ),
    "zoom-unlabelled-cues.vtt": ({"Ashlee Kupor (SL)": 4, "Dora Demszky": 4}, ""),
    "changelog-comma-names.md": ({"Mireille B. Reece, Psy.D": 7, "Adam Stacoviak": 6}, ""),
    "changelog-symbol-names.md": ({"Paul Frazee✌": 7, "Justin Garrison": 5, "Autumn Nash": 4}, ""),
    "changelog-dollar-name.md": ({"$STDOUT": 6, "Jerod Santo": 5}, ""),
    "changelog-link-not-a-name.md": ({"Jerod Santo": 5, "Cher": 4}, ""),
    "changelog-break-between-turns.md": ({"Safia Abdalla": 2, "Jerod Santo": 1, "Nick Nisi": 1}, ""),
    "changelog-break-then-jingle.md": (
        {"Anton Titov": 3, "Johnny Boursiquot": 2, "Valery Piashchynski": 2},
        "",
    ),
    "oxide-bracket-speaker-time.md": ({"Speaker 1": 5, "Speaker 2": 4, "Speaker 3": 3, "Speaker 4": 1}, ""),
    "zoom-one-speaker.vtt": ({"Caleob King": 1}, ""),
    "changelog-picks-not-speakers.md": ({"Jerod Santo": 7}, ""),
}
# file -> passages with --unlabelled paragraphs (refused without it)
UNLABELLED = {"lecture-script-cp1252.txt": 3, "lecture-script.docx": 48}
# file -> (what the refusal says, passages with --unlabelled paragraphs): labels that are titles, not speakers
TITLES = {
    "btc-section-headings.md": ("no speaker has two turns", 13),
    "btc-title-above-essay.md": ("would be postamble", 11),
}


def test_every_real_file_is_listed() -> None:
    listed = (REAL / "README.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in REAL.iterdir() if p.name != "README.md")
    assert files == sorted([*EXPECTED, *UNLABELLED, *TITLES])
    assert all(f"`{name}`" in listed for name in files)  # each with its source and licence note


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_file_turns_and_speakers(name: str) -> None:
    speakers, postamble = EXPECTED[name]
    t = parse_file(REAL / name)
    assert Counter(turn.speaker for turn in t.turns) == Counter(speakers)
    assert t.postamble == postamble
    assert "otter.ai" not in t.turns[-1].text  # the footer is not said by the last speaker
    # consecutive labels of one speaker merge: no two turns in a row by the same speaker, unless a break
    # between them ended the first (its line stays with the turn before it)
    assert all(
        a.speaker != b.speaker or "Break" in a.text for a, b in zip(t.turns, t.turns[1:], strict=False)
    )


def test_html_entities_are_decoded_and_times_kept() -> None:
    t = parse_file(REAL / "ladybug-bold-bracket-time.md")
    assert t.turns[0].text.startswith("Today we're going to talk")
    assert [turn.start_ms for turn in t.turns[:3]] == [0, 30_000, 33_000]


def test_heading_layout_keeps_the_title_as_preamble() -> None:
    t = parse_file(REAL / "thesis-headings.md")
    assert t.preamble == "# Transcript" and t.title == "Transcript"
    assert t.layout.startswith("headings '### Name'")


def test_a_sentence_ending_in_a_colon_stays_in_its_turn() -> None:
    t = parse_file(REAL / "thesis-bold-no-colon.md")
    assert "Er is een viertal onderdelen die ik wil bespreken:" in t.turns[0].text


def test_zoom_cue_times_are_turn_times() -> None:
    t = parse_file(REAL / "zoom-meeting.vtt")
    assert t.turns[0].start_ms == 4_859 and t.turns[1].start_ms == 24_000


@pytest.mark.parametrize("name", sorted(UNLABELLED))
def test_real_text_without_speakers_is_refused_then_imports_unlabelled(name: str) -> None:
    with pytest.raises(CodeerError, match="no speaker turns found.*--unlabelled"):
        parse_file(REAL / name)
    t = parse_file(REAL / name, unlabelled="paragraphs")
    assert len(t.turns) == UNLABELLED[name] and {turn.speaker for turn in t.turns} == {""}
    assert "I’m Dr Federico Andreis" in t.turns[0].text + t.turns[1].text  # Windows-1252 read as such


def test_names_with_commas_and_symbols_keep_their_turns_and_escaped_times() -> None:
    t = parse_file(REAL / "changelog-comma-names.md")
    assert t.turns[-1].start_ms == 246_000  # "\\[04:06\\]" is a time, not text
    first, second = parse_file(REAL / "changelog-symbol-names.md").turns[:2]
    assert first.speaker == second.speaker == "Justin Garrison" and first.text.endswith("**Break**: [21:54]")


def test_a_markdown_link_is_the_text_of_the_speaker_before_it() -> None:
    t = parse_file(REAL / "changelog-link-not-a-name.md")
    assert t.turns[1].speaker == "Cher" and t.turns[1].text.startswith(
        "[I don't need you anymore...](https://"
    )


def test_a_hosts_plain_picks_among_bold_labels_are_text_and_said() -> None:
    t = parse_file(REAL / "changelog-picks-not-speakers.md")
    assert "Best prose: [The undercover generalist]" in t.turns[2].text
    (warning,) = t.warnings
    assert "starting 'Best prose:'" in warning and "bold names ('Jerod Santo')" in warning


def test_a_break_ends_the_turn_and_stays_out_of_the_next_one() -> None:
    safia = [
        t for t in parse_file(REAL / "changelog-break-between-turns.md").turns if t.speaker == "Safia Abdalla"
    ]
    assert safia[0].text.endswith("[20:20]") and safia[1].text.startswith("And we're back!")
    turns = parse_file(REAL / "changelog-break-then-jingle.md").turns
    assert [t.speaker for t in turns[-3:]] == ["Anton Titov", "Johnny Boursiquot", "Anton Titov"]
    assert "**Jingle:** [45:54] to [46:09]" in turns[-3].text


@pytest.mark.parametrize("name", sorted(TITLES))
def test_titles_above_text_are_refused_then_import_unlabelled(name: str) -> None:
    says, passages = TITLES[name]
    with pytest.raises(CodeerError, match=says):
        parse_file(REAL / name)
    t = parse_file(REAL / name, unlabelled="paragraphs")
    assert len(t.turns) == passages and {turn.speaker for turn in t.turns} == {""}
