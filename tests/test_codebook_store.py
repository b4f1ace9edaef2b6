"""Codebooks into a real SQLite file: reloads update in place by id and never lose codings silently."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from codeer.codebook import CodebookSpec, parse_codebook
from codeer.errors import CodeerError
from codeer.model.orm import Code, Codebook, Coder, Coding, Memo, Passage, Transcript
from codeer.store.codebooks import find_code, sync_codebook
from codeer.store.database import Database, open_database

pytest_plugins = ["conftest_backends"]

DATA = Path(__file__).parent / "data" / "codebook"

BASE = """\
codebook: cb
title: Codebook
codes:
  - id: a
    name: Alpha
    definition: d
    key: e
    codes:
      - id: a1
        name: Alpha one
        definition: d
  - id: b
    name: Beta
    definition: d
    key: d
  - id: c
    name: Gamma
    definition: d
"""


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A new project database on each backend: SQLite (a file on disk) and PostgreSQL."""
    database = open_database(db_url)
    yield database
    database.close()


def spec(text: str, tmp_path: Path) -> CodebookSpec:
    return parse_codebook(text, tmp_path / "cb.yaml")


def load(db: Database, text: str, tmp_path: Path, *, force: bool = False):  # noqa: ANN201
    with db.session() as session:
        return sync_codebook(session, spec(text, tmp_path), force=force)


def codes(db: Database) -> list[tuple[str, str | None, str, str | None, int]]:
    """(key, parent key, name, hotkey, position) of every code, in position order."""
    with db.session() as session:
        rows = session.scalars(select(Code).order_by(Code.position)).all()
        return [(c.key, c.parent.key if c.parent else None, c.name, c.hotkey, c.position) for c in rows]


def add_codings(db: Database, code_key: str, count: int) -> None:
    """Code ``count`` passages of a transcript with ``code_key``, as one coder."""
    with db.session() as session:
        coder = session.scalar(select(Coder).where(Coder.name == "anna")) or Coder(name="anna")
        transcript = Transcript(key=f"t-{code_key}")
        code = session.scalar(select(Code).where(Code.key == code_key))
        for number in range(1, count + 1):
            passage = Passage(transcript=transcript, number=number, text=f"passage {number}")
            session.add(Coding(passage=passage, code=code, coder=coder))


def coding_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Coding)) or 0


def test_first_load_adds_everything(db: Database, tmp_path: Path) -> None:
    report = load(db, BASE, tmp_path)
    assert report.created and report.added == ["a", "a1", "b", "c"]
    assert (report.updated, report.unchanged, report.removed) == ([], [], [])
    assert report.summary() == "cb: 4 added, 0 updated, 0 unchanged, 0 removed"
    assert codes(db) == [("a", None, "Alpha", "e", 0), ("a1", "a", "Alpha one", None, 1),
                         ("b", None, "Beta", "d", 2), ("c", None, "Gamma", None, 3)]
    with db.session() as session:
        codebook = session.scalar(select(Codebook))
        assert (codebook.key, codebook.title) == ("cb", "Codebook")
        assert codebook.source_file == str(tmp_path / "cb.yaml")


def test_reload_of_the_same_file_changes_nothing(db: Database, tmp_path: Path) -> None:
    load(db, BASE, tmp_path)
    report = load(db, BASE, tmp_path)
    assert not report.created and not report.codebook_updated
    assert (report.added, report.updated, report.removed) == ([], [], [])
    assert report.unchanged == ["a", "a1", "b", "c"]


def test_sample_file_loads(db: Database) -> None:
    with db.session() as session:
        report = sync_codebook(session, parse_codebook((DATA / "good.yaml").read_text(), DATA / "good.yaml"))
    assert report.summary() == "dienstverlening: 4 added, 0 updated, 0 unchanged, 0 removed"
    with db.session() as session:
        code = session.scalar(select(Code).where(Code.key == "empathie"))
        assert code.examples == ["Ik snap dat dit vervelend voor u is."]
        assert code.keywords == ["begrip", "snap", "vervelend"]
        assert (code.color, code.hotkey) == ("#d55e00", "e")


def test_rename_keeps_codings(db: Database, tmp_path: Path) -> None:
    load(db, BASE, tmp_path)
    add_codings(db, "b", 3)
    report = load(db, BASE.replace("name: Beta", "name: Beta renamed"), tmp_path)
    assert report.updated == ["b"] and report.details == {"b": ["name"]}
    assert report.unchanged == ["a", "a1", "c"]
    assert coding_count(db) == 3
    with db.session() as session:
        assert {c.code.name for c in session.scalars(select(Coding))} == {"Beta renamed"}


def test_move_reorder_and_add(db: Database, tmp_path: Path) -> None:
    load(db, BASE, tmp_path)
    add_codings(db, "a1", 2)
    moved = """\
codebook: cb
title: Codebook
codes:
  - id: new
    name: New first
    definition: d
  - id: a
    name: Alpha
    definition: d
    key: e
  - id: c
    name: Gamma
    definition: d
  - id: b
    name: Beta
    definition: d
    key: d
    codes:
      - id: a1
        name: Alpha one
        definition: d
"""
    report = load(db, moved, tmp_path)
    assert report.added == ["new"]
    # a only shifted down by the insertion (not "updated"); c and b swapped; a1 changed parent.
    assert report.details == {"c": ["order"], "b": ["order"], "a1": ["parent"]}
    assert report.unchanged == ["a"]
    assert codes(db) == [("new", None, "New first", None, 0), ("a", None, "Alpha", "e", 1),
                         ("c", None, "Gamma", None, 2), ("b", None, "Beta", "d", 3),
                         ("a1", "b", "Alpha one", None, 4)]
    assert coding_count(db) == 2


def test_missing_codes_without_codings_are_removed(db: Database, tmp_path: Path) -> None:
    load(db, BASE, tmp_path)
    without_c = BASE.split("  - id: c\n")[0]
    report = load(db, without_c, tmp_path)
    assert report.removed == ["c"]
    assert [row[0] for row in codes(db)] == ["a", "a1", "b"]


def test_missing_codes_with_codings_need_force(db: Database, tmp_path: Path) -> None:
    load(db, BASE, tmp_path)
    add_codings(db, "a", 12)
    add_codings(db, "a1", 3)
    with db.session() as session:
        session.add(Memo(code_id=session.scalar(select(Code.id).where(Code.key == "a1")), text="why"))
    before = codes(db)
    only_b = """\
codebook: cb
title: Another title
codes:
  - id: b
    name: Beta
    definition: d
    key: e
"""
    with pytest.raises(CodeerError) as caught:
        load(db, only_b, tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'cb.yaml'}: codes with codings missing from the file: a (12 codings), "
        "a1 (3 codings, 1 memo); use --force to delete them"
    )
    assert codes(db) == before and coding_count(db) == 15
    with db.session() as session:
        assert session.scalar(select(Codebook.title)) == "Codebook"

    report = load(db, only_b, tmp_path, force=True)
    assert report.removed == ["a", "a1", "c"] and report.updated == ["b"]
    assert report.codebook_updated
    assert codes(db) == [("b", None, "Beta", "e", 0)]  # took the removed code's hotkey
    assert coding_count(db) == 0
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Memo)) == 0


def test_hotkey_swap(db: Database, tmp_path: Path) -> None:
    load(db, BASE, tmp_path)
    add_codings(db, "a", 1)
    swapped = BASE.replace("key: e", "key: TMP").replace("key: d", "key: e").replace("key: TMP", "key: d")
    report = load(db, swapped, tmp_path)
    assert report.details == {"a": ["hotkey"], "b": ["hotkey"]}
    assert [(key, hotkey) for key, _, _, hotkey, _ in codes(db)] == [("a", "d"), ("a1", None), ("b", "e"),
                                                                    ("c", None)]
    # a three-way rotation, with one key handed to a code that had none
    rotated = BASE.replace("key: e", "key: g2").replace("key: d", "key: e")
    rotated = rotated.replace("name: Gamma\n    definition: d\n",
                              "name: Gamma\n    definition: d\n    key: d\n")
    load(db, rotated.replace("key: g2", "key: h"), tmp_path)
    assert [(key, hotkey) for key, _, _, hotkey, _ in codes(db)] == [("a", "h"), ("a1", None), ("b", "e"),
                                                                    ("c", "d")]
    assert coding_count(db) == 1


def test_a_removed_parent_leaves_its_kept_child_in_place(db: Database, tmp_path: Path) -> None:
    load(db, BASE, tmp_path)
    text = BASE.replace("""  - id: a
    name: Alpha
    definition: d
    key: e
    codes:
      - id: a1
        name: Alpha one
        definition: d
""", """  - id: a1
    name: Alpha one
    definition: d
""")
    report = load(db, text, tmp_path)
    assert report.removed == ["a"] and report.details == {"a1": ["parent"]}
    assert codes(db) == [("a1", None, "Alpha one", None, 0), ("b", None, "Beta", "d", 1),
                         ("c", None, "Gamma", None, 2)]


def test_everything_in_one_transaction(db: Database, tmp_path: Path) -> None:
    other = BASE.replace("codebook: cb", "codebook: other")
    with pytest.raises(RuntimeError), db.session() as session:
        sync_codebook(session, spec(other, tmp_path))
        raise RuntimeError("a later file failed")
    assert codes(db) == []


def test_find_code(db: Database, tmp_path: Path) -> None:
    load(db, BASE, tmp_path)
    load(db, BASE.replace("codebook: cb", "codebook: other").replace("id: c\n", "id: only-here\n"), tmp_path)
    with db.session() as session:
        found = find_code(session, "cb:a1")
        assert found is not None and (found.codebook.key, found.key) == ("cb", "a1")
        only = find_code(session, "only-here")
        assert only is not None and only.codebook.key == "other"
        assert find_code(session, "nope") is None
        assert find_code(session, "cb:nope") is None
        assert find_code(session, "nobook:a") is None
        with pytest.raises(CodeerError) as caught:
            find_code(session, "a1", path="codings.csv", line=7)
    assert str(caught.value) == (
        "codings.csv:7: code 'a1' is in several codebooks (cb, other); write codebook:code, e.g. cb:a1"
    )


def test_parent_and_child_swap_and_a_move_under_a_new_code(db: Database, tmp_path: Path) -> None:
    load(db, BASE, tmp_path)
    add_codings(db, "a", 2)
    add_codings(db, "a1", 1)
    text = """\
codebook: cb
title: Codebook
codes:
  - id: a1
    name: Alpha one
    definition: d
    codes:
      - id: a
        name: Alpha
        definition: d
        key: e
  - id: group
    name: Group
    definition: d
    codes:
      - id: b
        name: Beta
        definition: d
        key: d
      - id: c
        name: Gamma
        definition: d
"""
    report = load(db, text, tmp_path)
    assert report.added == ["group"]
    assert report.details == {"a1": ["parent"], "a": ["parent"], "b": ["parent"], "c": ["parent"]}
    assert codes(db) == [("a1", None, "Alpha one", None, 0), ("a", "a1", "Alpha", "e", 1),
                         ("group", None, "Group", None, 2), ("b", "group", "Beta", "d", 3),
                         ("c", "group", "Gamma", None, 4)]
    assert coding_count(db) == 3
    assert load(db, text, tmp_path).unchanged == ["a1", "a", "group", "b", "c"]


KEYS = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"]
FREE_LETTERS = list("bcdehilotwyz")


@st.composite
def codebook_texts(draw: st.DrawFn) -> str:
    """A random forest of codes with random hotkeys, as codebook YAML."""
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=len(KEYS)))
    parents: dict[str, str | None] = {}
    for index, key in enumerate(keys):
        parents[key] = draw(st.sampled_from([None, *keys[:index]]))
    size = len(keys)
    hotkeys = draw(st.lists(st.sampled_from(FREE_LETTERS), unique=True, min_size=size, max_size=size))
    with_key = draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys)))

    def node(key: str) -> dict[str, object]:
        item: dict[str, object] = {"id": key, "name": key.upper(), "definition": "d"}
        if with_key[keys.index(key)]:
            item["key"] = hotkeys[keys.index(key)]
        children = [node(k) for k in keys if parents[k] == key]
        if children:
            item["codes"] = children
        return item

    return yaml.safe_dump({"codebook": "rnd", "codes": [node(k) for k in keys if parents[k] is None]})


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One database for every example: a load must reach the file's state from any earlier state."""
    database = open_database(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'codeer.db'}")
    yield database
    database.close()


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(codebook_texts(), min_size=1, max_size=4))
def test_any_sequence_of_reloads_ends_in_the_file_state(shared_db: Database, texts: list[str]) -> None:
    """Moves, swaps of hotkeys and parents, additions and removals in any order: the database ends up
    exactly as the last file says, and every kept code keeps its codings."""
    source = Path("rnd.yaml")
    for text in texts:
        wanted = parse_codebook(text, source)
        with shared_db.session() as session:
            coded_before = set(session.scalars(select(Code.key).join(Coding, Coding.code_id == Code.id)))
            sync_codebook(session, wanted, force=True)
        expected = [(c.key, c.parent_key, c.key.upper(), c.hotkey, c.position) for c in wanted.codes]
        assert codes(shared_db) == expected
        with shared_db.session() as session:
            coded_after = set(session.scalars(select(Code.key).join(Coding, Coding.code_id == Code.id)))
            assert coded_after == coded_before & {c.key for c in wanted.codes}
            coder = session.scalar(select(Coder)) or Coder(name="anna")
            transcript = session.scalar(select(Transcript)) or Transcript(key="t")
            number = session.scalar(select(func.max(Passage.number))) or 0
            for code in session.scalars(select(Code).where(Code.key.not_in(coded_after))):
                number += 1
                passage = Passage(transcript=transcript, number=number, text="p")
                session.add(Coding(passage=passage, code=code, coder=coder))
