"""Re-importing a corrected transcript keeps every coding, re-anchored, or says which it could not place."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from codeer.errors import CodeerError
from codeer.ingest.records import ParsedTranscript, Turn
from codeer.model import Code, Codebook, Coding, CodingEvent, Passage
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.transcripts import save_transcript

TURNS = [
    ("Moderator", "Wat vond u van het contact met de klantenservice?"),
    ("Fatima", "Ik moest mijn hele verhaal drie keer opnieuw vertellen. Dat was echt vervelend."),
    ("Henk", "Bij mij wisten ze meteen wie ik was, dat vond ik fijn."),
    ("Moderator", "En online?"),
    ("Fatima", "Online mis je gewoon dat iemand knikt of even terugzegt wat je bedoelt."),
]


def parsed(turns: list[tuple[str, str]], digest: str) -> ParsedTranscript:
    return ParsedTranscript(
        key="vitens-q1",
        source=Path("vitens-q1.txt"),
        turns=[Turn(speaker, text) for speaker, text in turns],
        content_hash=digest,
    )


def save(db, turns, digest, force=False):
    with db.session() as s:
        return save_transcript(s, parsed(turns, digest), [[] for _ in turns], force=force)


@pytest.fixture
def coded(db):
    """The transcript imported, with a whole-passage coding on 2 and a span coding on 5."""
    save(db, TURNS, "v1")
    with db.session() as s:
        book = Codebook(key="b")
        s.add(book)
        s.flush()
        s.add_all(
            [
                Code(codebook_id=book.id, key="herhalen", name="H"),
                Code(codebook_id=book.id, key="nv", name="N"),
            ]
        )
        s.flush()
        coder = get_or_create_coder(s, "anouk").id
        codes = dict(s.execute(select(Code.key, Code.id)).all())
        passages = dict(s.execute(select(Passage.number, Passage.id)).all())
        apply_coding(s, CodingKey(passages[2], codes["herhalen"], coder), "memo blijft")
        text = TURNS[4][1]
        start = text.index("iemand knikt")
        apply_coding(s, CodingKey(passages[5], codes["nv"], coder, start, start + len("iemand knikt")))
    return db


def codings(db) -> list[tuple[int, str, str, str]]:
    with db.session() as s:
        rows = s.execute(
            select(Passage.number, Code.key, Passage.text, Coding.start, Coding.end, Coding.memo)
            .join(Passage, Coding.passage_id == Passage.id)
            .join(Code, Coding.code_id == Code.id)
            .order_by(Passage.number)
        ).all()
    return [
        (n, key, text if start is None else text[start:end], memo) for n, key, text, start, end, memo in rows
    ]


def test_unchanged_file_is_a_no_op(coded) -> None:
    assert save(coded, TURNS, "v1").status == "unchanged"
    assert len(codings(coded)) == 2


def test_typo_fix_and_inserted_turn_keep_codings_on_their_text(coded) -> None:
    corrected = list(TURNS)
    corrected[4] = ("Fatima", "Online mis je gewoon dat iemand knikt, of even terugzegt wat je bedoelt.")
    corrected.insert(1, ("Henk", "Mag ik eerst even koffie pakken?"))
    result = save(coded, corrected, "v2")
    assert result.status == "updated" and not result.lost
    assert codings(coded) == [(3, "herhalen", TURNS[1][1], "memo blijft"), (6, "nv", "iemand knikt", "")]
    # The passage whose text did not change kept its row, so its history still points at it.
    with coded.session() as s:
        numbers = (
            s.execute(select(Passage.number).join(CodingEvent, CodingEvent.passage_id == Passage.id))
            .scalars()
            .all()
        )
    assert 3 in numbers


def test_a_split_turn_moves_codings_to_where_their_words_went_and_asks_to_check(coded) -> None:
    split = list(TURNS)
    split[1:2] = [
        ("Fatima", "Ik moest mijn hele verhaal drie keer opnieuw vertellen."),
        ("Henk", "Dat was echt vervelend."),
    ]
    result = save(coded, split, "v3")
    assert [c[:2] for c in codings(coded)] == [(2, "herhalen"), (6, "nv")]
    assert result.uncertain and "passage 2" in result.uncertain[0]


def test_vanished_coded_text_is_refused_without_force_and_nothing_changes(coded) -> None:
    gone = [t for i, t in enumerate(TURNS) if i != 1]
    with pytest.raises(CodeerError, match="would lose 1 coding"):
        save(coded, gone, "v4")
    assert len(codings(coded)) == 2
    with coded.session() as s:
        assert s.scalar(select(Passage.text).where(Passage.number == 2)) == TURNS[1][1]
    result = save(coded, gone, "v4", force=True)
    assert len(result.lost) == 1 and codings(coded) == [(4, "nv", "iemand knikt", "")]
