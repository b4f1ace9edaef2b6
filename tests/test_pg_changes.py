"""The change feed on PostgreSQL: a coding committed late, after a later one, still reaches the live view.

PostgreSQL hands out event ids at insert, so id 2 can commit before id 1. These tests hold a coder's
transaction open on its own connection while another coder commits, and check that the view neither skips
the held coding nor waits for ever for one that was rolled back.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from codeer.model import Code, Passage
from codeer.store.changes import HOLDER_DELAY, ChangeFeed, latest_event_id
from codeer.store.coding import CodingKey, apply_coding, get_or_create_coder
from codeer.store.database import Database, open_database

pytest_plugins = ["conftest_backends"]


@pytest.fixture
def db(pg_url: str, build_study) -> Database:
    database = open_database(pg_url)
    build_study(database)
    yield database
    database.close()


def apply(session: Session, coder: str, number: int) -> int:
    """Apply a code to passage ``number`` of the first transcript; return the passage id."""
    passage = session.scalar(select(Passage).where(Passage.transcript_id == 1, Passage.number == number))
    code = session.scalar(select(Code).where(Code.key == "herhaling"))
    apply_coding(session, CodingKey(passage.id, code.id, get_or_create_coder(session, coder).id))
    return passage.id


def poll(db: Database, feed: ChangeFeed) -> list[tuple[str, int]]:
    with db.session() as session:
        return [(change.coder, change.passage_number) for change in feed.poll(session)]


@pytest.fixture
def feed(db: Database) -> ChangeFeed:
    with db.session() as session:
        return ChangeFeed(1, latest_event_id(session))


def test_a_coding_that_commits_after_a_later_one_is_still_seen(db: Database, feed: ChangeFeed) -> None:
    slow = db.sessions()
    apply(slow, "carla", 2)
    slow.flush()  # carla's event has its id now, but is not committed
    with db.session() as session:
        apply(session, "daan", 3)
    assert poll(db, feed) == [("daan", 3)]
    time.sleep(HOLDER_DELAY + 0.2)  # long enough for the feed to know the holder's transaction
    assert poll(db, feed) == []
    slow.commit()
    slow.close()
    assert poll(db, feed) == [("carla", 2)]
    with db.session() as session:
        assert feed.cursor == latest_event_id(session)


def test_an_id_whose_transaction_rolled_back_does_not_hold_the_view_up(
    db: Database, feed: ChangeFeed
) -> None:
    start = feed.cursor
    slow = db.sessions()
    apply(slow, "carla", 2)
    slow.flush()
    with db.session() as session:
        apply(session, "daan", 3)
    assert poll(db, feed) == [("daan", 3)]
    assert feed.cursor == start  # carla's id is missing: it may still come
    slow.rollback()
    slow.close()
    time.sleep(HOLDER_DELAY + 0.2)
    assert poll(db, feed) == []
    assert poll(db, feed) == []
    with db.session() as session:
        assert feed.cursor == latest_event_id(session) == start + 2
