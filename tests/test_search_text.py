"""``codeer search`` for words, phrases, prefixes, lemmas, spelling variants and regular expressions, checked
against an independent reading of the sample study's transcript files, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import csv
import random
import re
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from conftest import SAMPLE_TRANSCRIPTS, run_cli
from openpyxl import load_workbook
from search_study import search, study_fixture  # noqa: F401 - the fixture

from codeer.search.text_query import Term, TextQuery
from codeer.store.search_index import AGREED, TOKENIZER
from codeer.words import fold, tokens

TXT_FILES = sorted(SAMPLE_TRANSCRIPTS.glob("*.txt"))
LABEL = re.compile(r"^(?:\[\d{1,2}:\d{2}(?::\d{2})?\] )?([^:\n\[]{1,40}): (.*)$")


def read_turns(path: Path) -> list[tuple[str, str]]:
    """An independent reading of a sample .txt transcript: (speaker, text) of every labelled line after
    the front matter, an optional ``[h:mm:ss]`` before the name (each sample line is one turn or part of
    one; the only unlabelled line of a file is its title)."""
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    return [(m.group(1), m.group(2)) for line in body.splitlines() if (m := LABEL.match(line))]


def independent_count(pattern: str, *, moderators: bool) -> Counter[str]:
    """Occurrences per transcript of ``pattern`` as a whole word (case-insensitive), in plain Python."""
    word = re.compile(rf"(?<![^\W_]){pattern}(?![^\W_])", re.IGNORECASE)
    counts: Counter[str] = Counter()
    for path in TXT_FILES:
        for speaker, text in read_turns(path):
            if moderators or speaker != "Moderator":
                counts[path.stem] += len(word.findall(text))
    return +counts


def hits_per_transcript(study: tuple, tmp_path: Path, *args: str) -> Counter[str]:
    """Hits per .txt transcript, read back from the CSV that ``-o`` writes."""
    out = tmp_path / "hits.csv"
    result = search(study, *args, output=out)
    assert result.code == 0, result.err
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    txt = {p.stem for p in TXT_FILES}
    return Counter(row["transcript"] for row in rows if row["transcript"] in txt)


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        (["terugbellen"], "terugbellen"),
        (["DigiD"], "digid"),
        (["telefoon"], "telefoon"),
        (["bel*"], r"bel\w*"),
        (['"de telefoon"'], r"de\W+telefoon"),
        (["wachten", "wacht"], r"(?:wachten|wacht)"),
    ],
)
def test_hits_match_an_independent_reading_of_the_files(study, tmp_path, query, pattern) -> None:
    assert hits_per_transcript(study, tmp_path, *query) == independent_count(pattern, moderators=False)
    both = hits_per_transcript(study, tmp_path, *query, "--moderators")
    assert both == independent_count(pattern, moderators=True)


def test_a_regular_expression_matches_what_plain_python_finds(study, tmp_path) -> None:
    found = hits_per_transcript(
        study, tmp_path, "--regex", r"(?:twee|drie|vier) (?:keer|weken)", "--moderators"
    )
    expected: Counter[str] = Counter()
    for path in TXT_FILES:
        for _, text in read_turns(path):
            expected[path.stem] += len(re.findall(r"(?:twee|drie|vier) (?:keer|weken)", text, re.IGNORECASE))
    assert found == +expected
    assert sum(found.values()) > 0


def test_counts_per_organisation_equal_the_hits_listed(study, tmp_path) -> None:
    result = search(study, "telefoon", "--by", "organisation", output=tmp_path / "counts.csv")
    assert result.code == 0, result.err
    with (tmp_path / "counts.csv").open(encoding="utf-8") as handle:
        counts = {row["organisation"]: int(row["hits"]) for row in csv.DictReader(handle)}
    out = tmp_path / "hits.csv"
    assert search(study, "telefoon", output=out).code == 0
    with out.open(encoding="utf-8") as handle:
        listed = Counter(row["organisation"] for row in csv.DictReader(handle))
    assert counts == dict(listed)
    assert set(counts) == {"Vitens", "RET", "Belastingdienst", "Gemeente Utrecht"}


def test_where_filters_by_transcript_and_speaker_attributes(study, tmp_path) -> None:
    vitens = hits_per_transcript(study, tmp_path, "telefoon", "--where", "organisation=Vitens")
    everywhere = hits_per_transcript(study, tmp_path, "telefoon")
    assert vitens and all(key.startswith("vitens-") for key in vitens)
    assert vitens == {k: v for k, v in everywhere.items() if k.startswith("vitens-")}
    moderators = hits_per_transcript(
        study, tmp_path, "telefoon", "--speaker-where", "rol=moderator", "--moderators"
    )
    assert moderators == independent_count("telefoon", moderators=True) - independent_count(
        "telefoon", moderators=False
    )


def test_a_misspelt_filter_is_refused_with_the_known_values(study) -> None:
    result = search(study, "telefoon", "--where", "organisation=Vitnes")
    assert result.code == 2
    assert "did you mean 'Vitens'" in result.err
    result = search(study, "telefoon", "--where", "organistion=Vitens")
    assert result.code == 2 and "did you mean 'organisation'" in result.err


def test_lemma_finds_every_form_spacys_lookup_table_gives_that_lemma(study, tmp_path) -> None:
    from spacy.util import load_language_data, registry

    table = load_language_data(registry.lookups.get("nl")["lemma_lookup"])
    forms = {form.lower() for form, lemma in table.items() if lemma == "bellen"} | {"bellen"}
    assert {"gebeld", "belde"} <= forms
    expected = independent_count("(?:" + "|".join(sorted(forms)) + ")", moderators=True)
    assert hits_per_transcript(study, tmp_path, "gebeld", "--lemma", "--moderators") == expected
    out = tmp_path / "lemma.csv"
    assert search(study, "bellen", "--lemma", "--moderators", output=out).code == 0
    with out.open(encoding="utf-8") as handle:
        found = {row["hit"].lower() for row in csv.DictReader(handle)}
    assert {"gebeld", "belde", "bellen"} <= found <= forms


def test_fuzzy_finds_spelling_variants(study, tmp_path) -> None:
    out = tmp_path / "fuzzy.csv"
    assert search(study, "telefon", "--fuzzy", output=out).code == 0
    with out.open(encoding="utf-8") as handle:
        words = {row["hit"].lower() for row in csv.DictReader(handle)}
    assert "telefoon" in words
    assert all(len(w) in range(6, 9) for w in words)


def test_keyword_in_context_lines_on_the_terminal(study) -> None:
    result = search(study, "terugbellen")
    assert result.code == 0, result.err
    lines = result.out.strip().splitlines()
    assert lines[-1].startswith("5 hit(s) in 4 passage(s) of 4 transcript(s) (moderators left out)")
    assert all("[terugbellen]" in line for line in lines[:-1])
    assert any(line.rstrip().endswith("belastingdienst-q3 #60 Gert") for line in lines)


def test_xlsx_and_dutch_excel_csv_with_pseudonymised_speakers(study, tmp_path) -> None:
    xlsx = tmp_path / "hits.xlsx"
    assert search(study, "terugbellen", "--pseudonymise", output=xlsx).code == 0
    sheet = load_workbook(xlsx).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 5
    assert all(re.fullmatch(r"P\d\d", row["speaker"]) for row in rows)
    assert "Gert" not in {row["speaker"] for row in rows}
    excel = tmp_path / "hits.csv"
    folder, url = study
    result = run_cli(folder, "--db", url, "search", "terugbellen", "-o", str(excel), "--excel")
    assert result.code == 0
    raw = excel.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]


def test_the_index_splits_words_as_codeer_does_or_lists_the_passage_to_be_read(tmp_path) -> None:
    """SQLite's FTS5 words (fts5vocab) equal :func:`codeer.words.tokens` on the sample study and
    on random text drawn from all of Unicode, except in texts with a character outside ``AGREED``, which
    the index lists so that a search always reads them."""
    texts = [text for path in TXT_FILES for _, text in read_turns(path)]
    rng = random.Random(18)
    common = "aZéÉßİıΣσςЖж9²½_-'’.,:;!? \t😤ǅ€“”—…"
    rare = [chr(c) for c in range(0x80, 0x30000) if not 0xD800 <= c < 0xE000]
    for _ in range(4000):
        size = rng.randint(1, 40)
        texts.append(
            "".join(rng.choice(common) if rng.random() < 0.97 else rng.choice(rare) for _ in range(size))
        )
    connection = sqlite3.connect(tmp_path / "fts.db")
    connection.execute(f'CREATE VIRTUAL TABLE f USING fts5(text, tokenize="{TOKENIZER}")')
    connection.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, instance)")
    connection.executemany("INSERT INTO f(rowid, text) VALUES (?, ?)", enumerate(texts, start=1))
    indexed: dict[int, list[str]] = {}
    for term, doc, _, _ in connection.execute("SELECT term, doc, col, offset FROM v ORDER BY doc, offset"):
        indexed.setdefault(doc, []).append(term)
    read_always = []
    for number, text in enumerate(texts, start=1):
        if connection.execute("SELECT ? GLOB ?", (text, f"*{AGREED}*")).fetchone()[0]:
            read_always.append(number)
            continue
        assert indexed.get(number, []) == [w for _, _, w in tokens(text)], text
    sample = sum(1 for path in TXT_FILES for _ in read_turns(path))
    assert read_always and read_always[0] > sample  # the sample study's Dutch is all in the index


def test_the_hit_finder_matches_exactly_the_words_codeer_defines() -> None:
    """Hits found by regular expression over the folded text equal a token-by-token reading."""
    rng = random.Random(7)
    alphabet = "abcdeÉéßİΣς _-'.,😤\u0301"
    vocabulary = ["ab", "abc", "b", "é", "ss", "σς"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        size = rng.randint(1, 3)
        phrase = tuple(
            Term(rng.choice(vocabulary), prefix=rng.random() < 0.3)
            if rng.random() < 0.7
            else Term("x", forms=frozenset(rng.sample(vocabulary, 2)))
            for _ in range(size)
        )
        words = tokens(text)
        expected = []
        for i in range(len(words) - size + 1):
            if all(
                words[i + j][2] in term.forms
                if term.forms is not None
                else words[i + j][2].startswith(term.word)
                if term.prefix
                else words[i + j][2] == term.word
                for j, term in enumerate(phrase)
            ):
                expected.append((words[i][0], words[i + size - 1][1]))
        assert TextQuery("t", (phrase,)).find(text) == expected, (text, phrase)


def test_folding_a_text_folds_it_letter_by_letter_keeping_its_offsets() -> None:
    """:func:`fold` (which takes a shortcut through ``str.casefold`` when the length is kept) equals the
    folding of each letter on its own, on every character and on random mixes of them."""
    every = [chr(c) for c in range(0x80, 0x30000) if not 0xD800 <= c < 0xE000]

    def one_by_one(text: str) -> str:
        return "".join(
            c.casefold() if len(c.casefold()) == 1 else c.lower() if len(c.lower()) == 1 else c for c in text
        )

    rng = random.Random(18)
    texts = ["".join(every), "Oké ΣΑΣ ς ß İstanbul ǅ", *("".join(rng.sample(every, 30)) for _ in range(3000))]
    texts += ["".join(rng.choice("aÉéΣςǅ ") for _ in range(20)) for _ in range(3000)]
    for text in texts:
        assert fold(text) == one_by_one(text) and len(fold(text)) == len(text)
