"""The pure parts of the workbench: wrapping with offsets, keyboard selection, fuzzy matching, key names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from codeer.codebook.keys import RESERVED_KEYS, is_reserved
from codeer.store.workbench import CodeInfo, PassageRow
from codeer.tui import keymap, selection
from codeer.tui.fuzzy import PassageSearch, rank_codes, snippet
from codeer.tui.widgets.transcript_view import chip_style, clock
from codeer.tui.wrap import chip_rows, line_count, wrap

TEXT = "Dat het gewoon werkt. Dat de tram rijdt, dat de kaart het doet."


def test_wrap_keeps_offsets_breaks_long_words_and_newlines() -> None:
    text = TEXT + "  Superlangwoordzonderspaties hier"
    lines = [text[a:b].rstrip() for a, b in wrap(text, 20)]
    assert lines == [
        "Dat het gewoon",
        "werkt. Dat de tram",
        "rijdt, dat de kaart",
        "het doet.",
        "Superlangwoordzonder",
        "spaties hier",
    ]
    assert wrap("", 10) == [(0, 0)]
    assert [("a\n\nb c"[s:e]) for s, e in wrap("a\n\nb c", 5)] == ["a", "", "b c"]


def test_wrap_counts_cells_of_wide_characters() -> None:
    text = "日本語のテキスト です"
    assert [text[a:b] for a, b in wrap(text, 6)] == ["日本語", "のテキ", "スト", "です"]


@given(st.text(alphabet=st.sampled_from("ab é\n日"), max_size=80), st.integers(min_value=2, max_value=30))
def test_line_count_agrees_with_wrap_and_lines_fit(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert line_count(text, width) == len(lines)
    assert all(cell_len(text[a:b].rstrip()) <= width for a, b in lines)
    shown = "".join(text[a:b] for a, b in lines)
    assert "".join(shown.split()) == "".join(text.split())  # nothing lost, nothing doubled


def test_chip_rows_move_to_the_next_line_when_full() -> None:
    assert chip_rows([5, 5, 5], 12, 20) == [[0, 1], [2]]
    assert chip_rows([5, 5], 3, 20) == [[], [0, 1]]  # none fits beside the header
    assert chip_rows([30], 10, 20) == [[], [0]]


def test_sentence_selection_moves_grows_and_refines_by_words() -> None:
    stored = [[0, 22], [22, len(TEXT)]]
    spans = selection.sentences(TEXT, stored)
    assert spans == [(0, 21), (22, len(TEXT))]
    first = selection.move_sentence(None, spans, 1)
    assert first == (0, 21)
    assert selection.move_sentence(first, spans, 1) == (22, len(TEXT))
    assert selection.move_sentence(first, spans, -1) == first
    both = selection.grow(first, spans, 1)
    assert both == (0, len(TEXT)) and selection.grow(both, spans, -1) == first
    words = selection.words(TEXT)
    assert TEXT.__getitem__(slice(*selection.grow(first, words, -1))) == "Dat het gewoon"
    assert TEXT.__getitem__(slice(*selection.move_start(first, words, 1))) == "het gewoon werkt."
    assert selection.move_start((0, 3), words, 1) == (0, 3)  # never empty
    assert selection.sentences("  kort  ", []) == [(2, 6)]  # nothing stored: the whole text


def code(key: str, name: str, keywords: tuple[str, ...] = ()) -> CodeInfo:
    return CodeInfo(1, key, name, "b", None, 0, None, None, "", "", "", (), keywords)


def test_code_picker_ranks_prefix_typos_and_keywords() -> None:
    codes = [
        code("deskundigheid", "Deskundigheid", ("kennis",)),
        code("empathie", "Oprechte empathie"),
        code("nabellen", "Nabellen", ("terugbellen",)),
    ]
    assert rank_codes("desk", codes)[0].key == "deskundigheid"
    assert rank_codes("empahtie", codes)[0].key == "empathie"
    assert rank_codes("terugbel", codes)[0].key == "nabellen"
    assert rank_codes("", codes) == codes


def test_search_finds_exact_then_near_and_snippets_show_the_hit() -> None:
    texts = ["De website klopte niet.", "Niemand belde terug.", "de webiste was traag"]
    passages = [PassageRow(i, i, "Anna", None, t, False) for i, t in enumerate(texts)]
    search = PassageSearch(passages)
    assert [hit.passage.id for hit in search.find("website")] == [0, 2]
    assert [hit.passage.id for hit in search.find("traag website")] == [2]  # near spellings, any order
    assert [hit.passage.id for hit in search.find("belde  TERUG")] == [1]
    assert search.find("  ") == []
    far = "a " * 50 + "website hier" + " b" * 50 + " traag"
    (hit,) = PassageSearch([PassageRow(9, 9, "Anna", None, far, False)]).find("website traag")
    shown = snippet(far, hit.spans, 30)
    assert shown.plain.startswith("…") and "website" in shown.plain and "traag" in shown.plain
    assert len(shown.plain) <= 34
    assert {shown.plain[span.start : span.end] for span in shown.spans} == {"website", "traag"}


def test_small_formatters() -> None:
    assert clock(None) == "" and clock(75_000) == "01:15" and clock(3_725_000) == "1:02:05"
    assert str(chip_style("#ffffff").color.name) == "black"
    assert str(chip_style("#000080").color.name) == "white"


@pytest.mark.parametrize("specs", [keymap.CODING, keymap.SELECTION])
def test_single_character_keys_of_the_coding_screen_are_reserved_for_it(specs) -> None:
    """A codebook hotkey can never collide with a default coding-screen key (codeer.codebook.keys)."""
    for spec in specs:
        for key in keymap.effective(spec, {}):
            char = keymap.character_of(key)
            if len(char) == 1:
                assert char in RESERVED_KEYS, f"{spec.id} uses {char!r}, which codebooks may use as a hotkey"


def test_binding_ids_are_unique_and_displayed_readably() -> None:
    ids = [spec.id for specs in keymap.ALL.values() for spec in specs]
    assert len(ids) == len(set(ids))
    assert keymap.display("question_mark") == "?" and keymap.display("shift+right") == "shift+→"


README = Path(__file__).parents[1] / "README.md"


def _readme_section(title: str) -> str:
    return README.read_text(encoding="utf-8").split(f"## {title}")[1].split("\n## ")[0]


def test_readme_lists_exactly_the_keys_a_codebook_may_not_use() -> None:
    text = " ".join(_readme_section("Codebooks").split())
    listed = text.split("Keys reserved by the coding screen (`")[1].split("`")[0].split()
    assert set(listed) == {key for key in RESERVED_KEYS if len(key) == 1 and key != " "}
    assert "every `ctrl+` key" in text and is_reserved("ctrl+x")


def test_readme_key_table_matches_the_coding_screen_bindings() -> None:
    """Each key README's table names is one the workbench binds, and each coding-screen binding is named."""
    lines = _readme_section("Coding in the terminal").splitlines()
    rows = [line for line in lines if line.startswith("| ")][1:]  # after the header (the rule is "|---")
    # the code keys' row gives examples of a codebook's hotkeys
    cells = [row.split("|")[1] for row in rows if "*code key*" not in row]
    quoted = {part for cell in cells for part in re.findall(r"`([^`]+)`", cell)}
    plain = r"\b(?:Ctrl|Shift|Alt)\+[^\s/,;)]+|\bPg(?:Dn|Up)\b|\bTab\b|\bEsc\b|\bF\d+\b"
    named = quoted | {word.lower() for row in rows for word in re.findall(plain, row)}
    specs = [*keymap.GLOBAL, *keymap.CODING, *keymap.SELECTION]
    forms = lambda key: {keymap.display(key), keymap.display(key).lower()}  # noqa: E731 (`G`; Ctrl+N, ctrl+n)
    shown = {spec.id: set().union(*map(forms, keymap.effective(spec, {}))) for spec in specs}
    bound = set().union(*shown.values())
    assert quoted - bound == set(), "README names keys the workbench does not bind"
    missing = [spec for spec, keys in shown.items() if not keys & named]
    assert missing == [], "README's key table leaves these bindings out"
