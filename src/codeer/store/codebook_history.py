"""The history of the codebook (``codebook_events``): recording a change with what undoing it needs, undo, the
log, and which codes changed after a coder used them.

A codebook change made while coding (a code made, renamed, moved, merged, split, deleted, edited, its memo
written) is one transaction that writes one event. The event's ``state`` keeps the codes, codings and code
memos as they were before the change and the ids of what it created, so an undo puts back exactly that: the
same ids, names, parents, hotkeys, memos, and every coding on the code it was on. Codings that a change moves
or removes are also in the coding history (``coding_events``, note ``merge #N`` etc.), so a coder's log shows
what happened to their work.

Undo is refused, with the reason, when the change cannot be taken back without losing later work: a later
change (not undone) touched the same codes, or codings were made since on a code the undo would delete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codeer.errors import CodeerError
from codeer.model import Code, Codebook, CodebookEvent, Coder, Coding, CodingEvent, Memo
from codeer.store.coding import recode, remove_coding, restore_coding, update_coding
from codeer.store.history import log_window, undo_redo_stacks
from codeer.store.login import session_login

CODE_FIELDS = (
    "codebook_id",
    "key",
    "parent_id",
    "name",
    "definition",
    "include",
    "exclude",
    "examples",
    "keywords",
    "hotkey",
    "color",
    "position",
)
# Changes after which a code's earlier codings may not mean what its later ones mean.
MEANING_CHANGES = ("rename", "edit", "merge", "split")
UNDOABLE = ("add", "rename", "move", "merge", "split", "delete", "edit", "memo")
PAST = {
    "add": "made",
    "rename": "renamed",
    "move": "moved",
    "merge": "merged",
    "split": "split",
    "delete": "deleted",
    "edit": "edited",
    "memo": "memo written",
    "load": "loaded from a file",
    "save": "saved to a file",
    "undo": "undone",
}


def _when(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def code_state(code: Code) -> dict[str, Any]:
    return {"id": code.id, **{name: getattr(code, name) for name in CODE_FIELDS}}


def coding_state(coding: Coding) -> dict[str, Any]:
    return {
        "id": coding.id,
        "passage_id": coding.passage_id,
        "code_id": coding.code_id,
        "coder_id": coding.coder_id,
        "start": coding.start,
        "end": coding.end,
        "memo": coding.memo or "",
        "created_at": _when(coding.created_at).isoformat(),
        "updated_at": _when(coding.updated_at).isoformat(),
    }


def memo_state(memo: Memo) -> dict[str, Any]:
    return {
        "id": memo.id,
        "coder_id": memo.coder_id,
        "transcript_id": memo.transcript_id,
        "passage_id": memo.passage_id,
        "code_id": memo.code_id,
        "title": memo.title,
        "text": memo.text,
        "created_at": _when(memo.created_at).isoformat(),
        "updated_at": _when(memo.updated_at).isoformat(),
    }


@dataclass
class Change:
    """What one codebook change did, collected while it runs and stored as the event's ``state``."""

    codes_before: dict[int, dict[str, Any]]
    codes_created: list[int]
    codings_created: list[int]
    codings_moved: list[tuple[int, int, int]]  # coding id, from code, to code
    codings_removed: list[dict[str, Any]]
    memo_before: dict[int, str]  # coding id -> memo before a fold added to it
    code_memos: dict[int, list[dict[str, Any]]]  # code id -> its memos before the change
    codebook_created: int | None = None
    meaning: tuple[int, ...] = ()  # codes whose codings may now mean something else
    positions: dict[int, int] = field(default_factory=dict)  # code id -> place before renumbering

    @classmethod
    def new(cls) -> Change:
        return cls({}, [], [], [], [], {}, {})

    def before(self, code: Code) -> None:
        """Remember ``code`` as it is now (the first time only: that is the state undo goes back to)."""
        self.codes_before.setdefault(code.id, code_state(code))

    def memos_before(self, session: Session, code_id: int) -> None:
        if code_id not in self.code_memos:
            memos = session.scalars(select(Memo).where(Memo.code_id == code_id).order_by(Memo.id))
            self.code_memos[code_id] = [memo_state(m) for m in memos]

    def touched(self) -> set[int]:
        return set(self.codes_before) | set(self.codes_created) | set(self.code_memos)

    def as_json(self) -> dict[str, Any]:
        return {
            "codes_before": list(self.codes_before.values()),
            "codes_created": self.codes_created,
            "codings_created": self.codings_created,
            "codings_moved": [list(m) for m in self.codings_moved],
            "codings_removed": self.codings_removed,
            "memo_before": [[i, memo] for i, memo in self.memo_before.items()],
            "code_memos": [[i, memos] for i, memos in self.code_memos.items()],
            "codebook_created": self.codebook_created,
            "touched": sorted(self.touched()),
            "meaning": list(self.meaning),
            "positions": [[i, p] for i, p in self.positions.items()],
        }


def renumber(session: Session, codebook_id: int, change: Change | None = None) -> None:
    """Keep ``position`` what a loaded file makes it: each code's place in the codebook in tree order (a
    parent, its children, the next sibling), which the tables and exports read. Old places go in
    ``change``."""
    codes = session.scalars(select(Code).where(Code.codebook_id == codebook_id)).all()
    ids = {c.id for c in codes}
    children: dict[int | None, list[Code]] = {}
    for code in sorted(codes, key=lambda c: (c.position, c.id)):
        children.setdefault(code.parent_id if code.parent_id in ids else None, []).append(code)
    order: list[Code] = []

    def walk(parent: int | None) -> None:
        for child in children.get(parent, ()):
            order.append(child)
            walk(child.id)

    walk(None)
    for place, code in enumerate(order):
        if code.position != place:
            if change is not None:
                change.positions.setdefault(code.id, code.position)
            code.position = place
    session.flush()


def record(
    session: Session,
    action: str,
    coder_id: int | None,
    codebook: str,
    code: str,
    detail: str,
    state: dict[str, Any] | None = None,
    reverts: int | None = None,
) -> CodebookEvent:
    """Add one event to the codebook history (in the caller's transaction), with the database login that
    made it (PostgreSQL), as the coding history has it."""
    event = CodebookEvent(
        action=action,
        coder_id=coder_id,
        codebook_key=codebook,
        code_key=code,
        detail=detail,
        state=state,
        reverts=reverts,
        login=session_login(session).name or "",
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class CodebookEventRow:
    """One codebook change as plain data, for ``codeer log --codebook`` and the codebook screen."""

    id: int
    at: datetime
    action: str
    coder: str
    codebook: str
    code: str
    detail: str
    undone: bool


def codebook_events(
    session: Session,
    *,
    coder_id: int | None = None,
    codebook: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
    oldest_first: bool = False,
) -> list[CodebookEventRow]:
    """Every codebook change, newest first (or oldest), with the coder's name and whether it was undone."""
    query = log_window(
        select(CodebookEvent, Coder.name).outerjoin(Coder, Coder.id == CodebookEvent.coder_id),
        CodebookEvent, coder_id=coder_id, since=since, limit=limit, oldest_first=oldest_first,
        codebook_key=codebook,
    )  # fmt: skip
    undone = set(session.scalars(select(CodebookEvent.reverts).where(CodebookEvent.reverts.is_not(None))))
    return [
        CodebookEventRow(
            e.id, _when(e.at), e.action, name or "", e.codebook_key, e.code_key, e.detail, e.id in undone
        )
        for e, name in session.execute(query)
    ]


def _live(session: Session) -> list[CodebookEvent]:
    """Undoable events not undone yet, oldest first."""
    undone = select(CodebookEvent.reverts).where(CodebookEvent.reverts.is_not(None))
    return list(
        session.scalars(
            select(CodebookEvent)
            .where(CodebookEvent.action.in_(UNDOABLE), CodebookEvent.id.not_in(undone))
            .order_by(CodebookEvent.id)
        )
    )


def last_undoable(session: Session, coder_id: int) -> CodebookEvent | None:
    """This coder's most recent codebook change that is still in effect."""
    mine = [e for e in _live(session) if e.coder_id == coder_id]
    return mine[-1] if mine else None


def undo_change(session: Session, coder_id: int, event: CodebookEvent | None = None) -> CodebookEvent:
    """Take back ``event`` (default: this coder's last codebook change); return the ``undo`` event.

    Raises :class:`CodeerError`, changing nothing, when there is nothing to undo or when undoing would
    overwrite or delete later work.
    """
    event = event or last_undoable(session, coder_id)
    if event is None:
        raise CodeerError("no codebook change of yours to undo")
    state = event.state or {}
    touched = set(state.get("touched", ()))
    later = [
        e for e in _live(session) if e.id > event.id and touched & set((e.state or {}).get("touched", ()))
    ]
    if later:
        first = later[0]
        raise CodeerError(
            f"cannot undo #{event.id} ({event.action} {event.code_key}): a later change touched the same "
            f"codes (#{first.id} {first.action} {first.code_key}); undo that first"
        )
    created_codes = set(state.get("codes_created", ()))
    created_codings = set(state.get("codings_created", ()))
    if created_codes:
        since = (
            session.scalar(
                select(func.count())
                .select_from(Coding)
                .where(Coding.code_id.in_(created_codes), Coding.id.not_in(created_codings or {-1}))
            )
            or 0
        )
        moved_in = {m[0] for m in state.get("codings_moved", ()) if m[2] in created_codes}
        if since > len(moved_in):
            raise CodeerError(
                f"cannot undo #{event.id} ({event.action} {event.code_key}): "
                f"{since - len(moved_in)} coding(s) were made since with the code it made; remove them first"
            )
    note = f"undo codebook #{event.id}"
    _restore_codes(session, state.get("codes_before", ()))
    for coding_id, old, new in reversed(state.get("codings_moved", ())):
        coding = session.get(Coding, coding_id)
        if coding is not None and coding.code_id == new:
            recode(session, coding, old, note=note)
    for coding_id, memo in state.get("memo_before", ()):
        coding = session.get(Coding, coding_id)
        if coding is not None:
            update_coding(session, coding, memo=memo, note=note)
    for values in state.get("codings_removed", ()):
        if session.get(Coding, values["id"]) is None and session.get(Code, values["code_id"]) is not None:
            restore_coding(session, _coding(values), note=note)
    for coding_id in created_codings:
        coding = session.get(Coding, coding_id)
        if coding is not None:
            remove_coding(session, coding, note=note)
    for code_id, memos in state.get("code_memos", ()):
        for memo in session.scalars(select(Memo).where(Memo.code_id == code_id)).all():
            session.delete(memo)
        session.flush()
        if session.get(Code, code_id) is not None:
            session.add_all(_memo(values) for values in memos)
    session.flush()
    for code_id in sorted(created_codes, reverse=True):
        code = session.get(Code, code_id)
        if code is not None:
            session.delete(code)
    session.flush()
    book = state.get("codebook_created")
    empty = select(func.count()).select_from(Code).where(Code.codebook_id == book)
    if book is not None and session.get(Codebook, book) is not None and not session.scalar(empty):
        session.delete(session.get(Codebook, book))
    session.flush()
    for code_id, position in state.get("positions", ()):
        code = session.get(Code, code_id)
        if code is not None:
            code.position = position
    book_id = session.scalar(select(Codebook.id).where(Codebook.key == event.codebook_key))
    if book_id is not None:
        renumber(session, book_id)
    session.flush()
    session.expire_all()
    return record(
        session,
        "undo",
        coder_id,
        event.codebook_key,
        event.code_key,
        f"undid #{event.id}: {event.detail}",
        reverts=event.id,
    )


def _restore_codes(session: Session, codes: list[dict[str, Any]]) -> None:
    """Put codes back as they were: recreate deleted ones with their ids, reset the others' fields.

    Hotkeys and parents are cleared first, so that swapped hotkeys or a parent and child trading places are
    never two codes on one key or a cycle in the middle of the restore.
    """
    current: dict[int, Code | None] = {values["id"]: session.get(Code, values["id"]) for values in codes}
    for code in current.values():
        if code is not None:
            code.hotkey = None
            code.parent_id = None
    session.flush()
    for values in codes:
        code = current[values["id"]]
        if code is None:
            code = Code(
                id=values["id"], **{n: values[n] for n in CODE_FIELDS if n not in ("parent_id", "hotkey")}
            )
            session.add(code)
            current[values["id"]] = code
        else:
            for name in CODE_FIELDS:
                if name not in ("parent_id", "hotkey"):
                    setattr(code, name, values[name])
    session.flush()
    for values in codes:
        code = session.get_one(Code, values["id"])
        code.hotkey = values["hotkey"]
        parent = values["parent_id"]
        code.parent_id = parent if parent is None or session.get(Code, parent) is not None else None
    session.flush()


def _coding(values: dict[str, Any]) -> Coding:
    return Coding(
        id=values["id"],
        passage_id=values["passage_id"],
        code_id=values["code_id"],
        coder_id=values["coder_id"],
        start=values["start"],
        end=values["end"],
        memo=values["memo"],
        created_at=datetime.fromisoformat(values["created_at"]),
        updated_at=datetime.fromisoformat(values["updated_at"]),
    )


def _memo(values: dict[str, Any]) -> Memo:
    return Memo(
        **{
            **values,
            "created_at": datetime.fromisoformat(values["created_at"]),
            "updated_at": datetime.fromisoformat(values["updated_at"]),
        }
    )


@dataclass(frozen=True)
class LaterChange:
    """A change to a code made after a coder had already applied it."""

    code_id: int
    code: str
    coder: str
    action: str
    at: datetime
    detail: str


def codes_changed_after(session: Session, coders: list[str] | None = None) -> list[LaterChange]:
    """Codes whose meaning changed (renamed, edited, merged into, split) after a coder's first coding with
    them, per coder: those codings were made under the older meaning, so they compare less well."""
    events = [e for e in _live(session) if e.action in MEANING_CHANGES]
    if not events:
        return []
    first_use = session.execute(
        select(Coding.code_id, Coder.name, Code.key, func.min(Coding.created_at))
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Code, Code.id == Coding.code_id)
        .group_by(Coding.code_id, Coder.name, Code.key)
    ).all()
    found: list[LaterChange] = []
    for code_id, coder, key, first in first_use:
        if coders is not None and coder not in coders:
            continue
        for event in events:
            if code_id in (event.state or {}).get("meaning", ()) and _when(event.at) > _when(first):
                found.append(LaterChange(code_id, key, coder, event.action, _when(event.at), event.detail))
    return sorted(found, key=lambda c: (c.code, c.coder, c.at))


def not_in_file(session: Session, codebook: str, file: str, missing: dict[int, str]) -> set[int]:
    """Of the codes ``missing`` from ``file`` (id -> key), those made in the project rather than deleted
    from the file: not in the file when it was last loaded or saved, or (if it never was) made while
    coding."""
    events = session.scalars(
        select(CodebookEvent)
        .where(CodebookEvent.codebook_key == codebook, CodebookEvent.action.in_(("load", "save")))
        .order_by(CodebookEvent.id.desc())
    )
    last = next((e for e in events if (e.state or {}).get("file") == file), None)
    if last is not None:
        known = set((last.state or {}).get("keys", ()))
        return {code_id for code_id, key in missing.items() if key not in known}
    made = {
        code_id
        for e in _live(session)
        if e.codebook_key == codebook and e.action in ("add", "split")
        for code_id in (e.state or {}).get("codes_created", ())
    }
    return made & set(missing)


def describe_later_changes(changes: list[LaterChange]) -> list[str]:
    """One sentence per code: what changed and after whose codings (under an agreement table, in the
    reliability report)."""
    by_code: dict[str, list[LaterChange]] = {}
    for change in changes:
        by_code.setdefault(change.code, []).append(change)
    lines = []
    for code, found in by_code.items():
        what = sorted({f"{PAST[c.action]} {c.at:%Y-%m-%d}" for c in found})
        coders = sorted({c.coder for c in found})
        lines.append(
            f"{code} was {', '.join(what)}, after codings by {', '.join(coders)} had been made; "
            "those codings used the older meaning and compare less well"
        )
    return lines


def undo_latest_codebook_change(session: Session, coder_id: int) -> CodebookEvent | None:
    """Undo this coder's last codebook change if it is newer than their last undoable coding action (the
    workbench's one undo key then takes back whichever came last); None when the coding action is newer."""
    event = last_undoable(session, coder_id)
    if event is None:
        return None
    stack = undo_redo_stacks(session, coder_id)[0]
    newest = stack[-1][-1] if stack else None  # the newest event of the last coding step
    coding_at = session.scalar(select(CodingEvent.at).where(CodingEvent.id == newest)) if stack else None
    if coding_at is not None and _when(coding_at) > _when(event.at):
        return None
    return undo_change(session, coder_id, event)
