"""Search, then code (one transaction, one undoable step), and the full-text index kept in step with
imports and re-imports on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from sqlalchemy import func, select, text

from codeer.model import Code, Coding, CodingEvent, Passage, Transcript
from codeer.search.filters import Filters
from codeer.search.hits import passage_counts
from codeer.search.text_query import parse_text_query
from codeer.store import history
from codeer.store.coding import CodingKey
from codeer.store.database import open_database
from codeer.store.search_index import FTS, FTS_GROUPS, FTS_OTHER, index_needs_work
from codeer.store.workbench import set_coding

QDPX = Path(__file__).parent / "data" / "refi-qda" / "qualcoder-style.qdpx"

CODEBOOK = """codebook: dienst
codes:
  - id: digitaal
    name: Digitaal
    key: d
  - id: wachten
    name: Wachten
    key: w
"""

TRANSCRIPT = """---
organisation: Vitens
speakers:
  Moderator: {rol: moderator}
---
Moderator: Hoe ging het inloggen met DigiD?
Fatima: Met DigiD ging het goed. Daarna moest ik lang wachten. Toen belde ik.
Henk: Ik heb geen DigiD, ik bel altijd.
Fatima: Ja 🙂 gewoon bellen.
Moderator: Dank u wel.
"""


@pytest.fixture
def study(tmp_path: Path, db_url: str) -> tuple[Path, str]:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    (folder / "groep.txt").write_text(TRANSCRIPT, encoding="utf-8")
    assert run_cli(folder, "--db", db_url, "codebook", "load", str(folder / "book.yaml")).code == 0
    result = run_cli(folder, "--db", db_url, "import", str(folder / "groep.txt"))
    assert result.code == 0, result.err
    return folder, db_url


def cli(study: tuple[Path, str], *args: str):
    folder, url = study
    return run_cli(folder, "--db", url, "--coder", "anouk", *args)


def codings(url: str) -> set[tuple[int, str, int | None, int | None]]:
    db = open_database(url)
    try:
        with db.session() as s:
            query = (
                select(Passage.number, Code.key, Coding.start, Coding.end)
                .join(Passage, Passage.id == Coding.passage_id)
                .join(Code, Code.id == Coding.code_id)
            )
            return {tuple(row) for row in s.execute(query)}
    finally:
        db.close()


def event_count(url: str) -> int:
    db = open_database(url)
    try:
        with db.session() as s:
            return s.scalar(select(func.count()).select_from(CodingEvent))
    finally:
        db.close()


def test_dry_run_shows_the_plan_and_changes_nothing(study) -> None:
    result = cli(study, "search", "digid", "--code", "digitaal", "--dry-run")
    assert result.code == 0, result.err
    assert "would code: groep #2" in result.out and "would code: groep #3" in result.out
    assert "#1" not in result.out  # the moderator's question is left out
    assert "dry run: 2 coding(s) of digitaal would be added for anouk" in result.out
    assert codings(study[1]) == set() and event_count(study[1]) == 0


def test_the_projects_moderator_rule_says_whose_turns_are_left_out(study) -> None:
    """Search asks the one moderator rule (codeer.yaml ``moderators:``), as the workbench and exports do."""
    default = cli(study, "search", "digid")
    assert "groep #1" not in default.out and "groep #3 Henk" in default.out
    (study[0] / "codeer.yaml").write_text(
        "moderators:\n  roles: [moderator]\n  names: [henk]\n", encoding="utf-8"
    )
    ruled = cli(study, "search", "digid")
    assert ruled.code == 0, ruled.err
    assert "groep #2 Fatima" in ruled.out and "Henk" not in ruled.out
    everyone = cli(study, "search", "digid", "--moderators")
    assert all(f"groep #{n}" in everyone.out for n in (1, 2, 3))


def test_coding_every_hit_is_one_step_that_undo_takes_back_whole(study) -> None:
    url = study[1]
    result = cli(study, "search", "digid", "--code", "digitaal")
    assert result.code == 0, result.err
    assert codings(url) == {(2, "digitaal", None, None), (3, "digitaal", None, None)}
    db = open_database(url)
    try:
        with db.session() as s:
            notes = set(s.scalars(select(CodingEvent.note)))
            assert len(notes) == 1 and notes.pop().startswith("search #")
            me = s.scalar(select(CodingEvent.coder_id))
        # a workbench action after it, then undo twice: the action, then the whole search
        with db.session() as s:
            passage = s.scalar(select(Passage.id).where(Passage.number == 4))
            code = s.scalar(select(Code.id).where(Code.key == "wachten"))
            set_coding(s, CodingKey(passage, code, me), True)
        with db.session() as s:
            assert history.undo_last(s, me).target.code_key == "wachten"
        with db.session() as s:
            change = history.undo_last(s, me)
            assert change.count == 2 and "2 passages" in change.describe()
        assert codings(url) == set()
        with db.session() as s:
            assert history.redo(s, me).count == 2
        assert len(codings(url)) == 2
    finally:
        db.close()
    undone = cli(study, "search", "--undo")
    assert undone.code == 0, undone.err
    assert codings(url) == set()
    again = cli(study, "search", "--undo")
    assert again.code == 2 and "not a search's codings" in again.err


def test_span_sentence_codes_the_sentence_of_each_hit(study) -> None:
    result = cli(study, "search", "wachten", "bel*", "--code", "wachten", "--span", "sentence")
    assert result.code == 0, result.err
    text = "Met DigiD ging het goed. Daarna moest ik lang wachten. Toen belde ik."
    second, third = text.index("Daarna"), text.index("Toen")
    # passage 2 has a hit in its 2nd and 3rd sentence; 3 and 4 are one sentence each: the whole passage
    assert codings(study[1]) == {
        (2, "wachten", second, text.index(" Toen")),
        (2, "wachten", third, len(text)),
        (3, "wachten", None, None),
        (4, "wachten", None, None),
    }


def test_a_re_import_keeps_the_index_in_step(study) -> None:
    folder, url = study
    db = open_database(url)
    try:
        with db.session() as s:
            assert index_needs_work(s) is False  # the import made the index (FTS5, or pg_trgm's)
    finally:
        db.close()
    assert "1 hit(s)" in cli(study, "search", "altijd").out
    changed = TRANSCRIPT.replace("ik bel altijd", "ik bel nooit")
    (folder / "groep.txt").write_text(changed, encoding="utf-8")
    result = run_cli(folder, "--db", url, "import", str(folder / "groep.txt"))
    assert result.code == 0, result.err
    assert "0 hit(s)" in cli(study, "search", "altijd").out
    assert "1 hit(s)" in cli(study, "search", "nooit").out
    # a passage with an emoji SQLite splits otherwise: found, and counted the same per organisation
    assert "1 hit(s) in 1 passage(s)" in cli(study, "search", "ja").out
    counts = cli(study, "search", "ja", "--by", "organisation").out.splitlines()
    assert counts[-1].split() == ["Vitens", "1", "1", "1", "1"]
    # the counts per group follow the new text and the new speaker (Henk's turn is Kees's, then)
    named = changed.replace(
        "  Moderator: {rol: moderator}",
        "  Moderator: {rol: moderator}\n  Henk: {wie: henk}\n  Kees: {wie: kees}",
    )
    for speaker in ("henk", "kees"):
        turned = named.replace("Henk: Ik", f"{speaker.title()}: Ik")
        (folder / "groep.txt").write_text(turned, encoding="utf-8")
        assert run_cli(folder, "--db", url, "import", str(folder / "groep.txt")).code == 0
        assert by_speaker(study, "nooit") == {speaker: 1}
        assert by_speaker(study, "altijd") == {}
    if url.startswith("sqlite"):
        assert index_words_counted_alike(url)


def by_speaker(study: tuple[Path, str], word: str) -> dict[str, int]:
    """Hits of ``word`` per value of the speakers' attribute ``wie`` (speakers without it left out)."""
    found = cli(study, "search", word, "--by", "speaker.wie", "--moderators")
    assert found.code == 0, found.err
    rows = [line.split() for line in found.out.splitlines()[3:]]  # after the title, header and rule
    return {row[0]: int(row[1]) for row in rows if len(row) == 5}


def index_words_counted_alike(url: str) -> bool:
    """Every word's occurrences and passages per group (``passage_fts_groups``, counted in Python at
    import) add up to what SQLite's own word list holds for it."""
    db = open_database(url)
    try:
        with db.session() as s:
            groups = s.execute(
                text(f"SELECT term, sum(hits), sum(passages) FROM {FTS_GROUPS} GROUP BY term ORDER BY term")
            ).all()
            instances = s.execute(
                text(
                    f"SELECT term, count(*), count(DISTINCT doc) FROM {FTS}_instances "
                    f"WHERE doc NOT IN (SELECT id FROM {FTS_OTHER}) GROUP BY term ORDER BY term"
                )
            ).all()
    finally:
        db.close()
    assert groups and groups == instances
    return True


def test_the_index_is_made_or_rebuilt_when_a_project_has_none_or_a_stale_one(tmp_path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "groep.txt").write_text(TRANSCRIPT, encoding="utf-8")
    url = f"sqlite:///{folder / 'codeer.db'}"
    assert run_cli(folder, "import", str(folder / "groep.txt")).code == 0
    db = open_database(url)
    try:
        with db.session() as s:
            s.execute(text(f"DROP TABLE {FTS}"))
            s.execute(text(f"DROP TABLE {FTS_OTHER}"))
        assert "2 hit(s)" in run_cli(folder, "search", "digid").out
        assert counted(folder, "digid") == ["Vitens", "2", "2", "1", "2"]
        with db.session() as s:  # a passage written behind the index's back (an older codeer)
            tid = s.scalar(select(Transcript.id))
            s.add(Passage(transcript_id=tid, number=9, text="DigiD weer."))
        assert "3 hit(s)" in run_cli(folder, "search", "digid").out
        assert counted(folder, "digid") == ["Vitens", "3", "3", "1", "2"]
        with db.session() as s:  # one taken away behind its back: the highest id stays, the count drops
            s.execute(text("DELETE FROM passages WHERE number = 2"))  # Met DigiD ging het goed.
        assert counted(folder, "digid") == ["Vitens", "2", "2", "1", "1"]
        assert "2 hit(s)" in run_cli(folder, "search", "digid").out
        with db.session() as s:  # an index from before the counts per group: made whole again
            s.execute(text(f"DROP TABLE {FTS_GROUPS}"))
        assert counted(folder, "digid") == ["Vitens", "2", "2", "1", "1"]
        assert index_words_counted_alike(url)
    finally:
        db.close()


def counted(folder: Path, word: str) -> list[str]:
    """The one row of ``codeer search WORD --by organisation`` (moderators left out)."""
    found = run_cli(folder, "search", word, "--by", "organisation")
    assert found.code == 0, found.err
    return found.out.splitlines()[-1].split()


def test_a_qdpx_import_leaves_the_word_counts_to_the_first_search(tmp_path) -> None:
    """A project moved in from another tool is stored without counting its words; until a search counts
    them, counts come from the index's word list, and are the same."""
    folder = tmp_path / "p"
    folder.mkdir()
    url = f"sqlite:///{folder / 'codeer.db'}"
    assert run_cli(folder, "import", "qdpx", str(QDPX)).code == 0
    db = open_database(url)
    try:
        with db.read_connection() as connection:
            assert index_needs_work(connection) is True
            before = passage_counts(connection, parse_text_query(["echt"]), Filters(with_moderators=True))
        assert sorted(before) and sum(hits for _, _, hits, _ in before) == 2
        assert "2 hit(s)" in run_cli(folder, "search", "echt", "--moderators").out  # counts the words first
        with db.read_connection() as connection:
            assert index_needs_work(connection) is False
            after = passage_counts(connection, parse_text_query(["echt"]), Filters(with_moderators=True))
        assert sorted(after) == sorted(before)
        assert index_words_counted_alike(url)
    finally:
        db.close()
