"""Reshaping a codebook while the coding goes on: make, rename, move, merge, split, delete and edit codes.

Open coding (thematic analysis, grounded theory) grows the codebook from the transcripts, so these are
everyday actions of a coder, from the workbench and from ``codeer codebook``. Each runs in the caller's
session as one transaction and writes one event to the codebook history (:mod:`codeer.store.codebook_history`)
with what undoing it needs.

The rules:
- **merge A into B**: every coder's codings of A move to B; a coding that would duplicate one of B (same
  passage, coder and span) is folded into it, keeping both memos; A's children move under B, A's memo is
  added to B's, and A disappears.
- **split A**: chosen codings of A move to another code (an existing one, or one made for the split);
  duplicates fold as in a merge.
- **delete**: only a code without codings, unless forced (the codings are then removed, each one recorded).
  Its children move up to its parent.

Concurrent coders: the codes a change reads from or writes to are locked first (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite has one writer at a time anyway), so a coding applied at the same moment either lands
before the change (and is moved with the rest) or after it, never lost in between.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codeer.codebook.keys import free_keys, hotkey_problem
from codeer.codebook.loader import COLOR_PATTERN, MAX_NAME_LENGTH
from codeer.codebook.slug import MAX_ID_LENGTH, is_valid_id, nearest, slugify
from codeer.errors import CodeerError
from codeer.model import Code, Codebook, Coder, Coding, Memo, Passage, Transcript
from codeer.store.codebook_history import Change, coding_state, record, renumber
from codeer.store.coding import CodingKey, apply_coding, find_coding, recode, remove_coding, update_coding

DEFAULT_CODEBOOK = "codes"
EDITABLE = ("name", "definition", "include", "exclude", "examples", "keywords", "hotkey", "color")


@dataclass(frozen=True)
class Outcome:
    """What a codebook change did, for a one-line report: ``event`` is its id in the codebook history."""

    event: int
    code_id: int
    code_key: str
    message: str
    coding_id: int | None = None


# -- finding codes ------------------------------------------------------------------------------------------


def codebook_of(session: Session, key: str | None) -> Codebook | None:
    """The codebook ``key``, or the project's only codebook when ``key`` is None (None if there is none)."""
    books = session.scalars(select(Codebook).order_by(Codebook.key)).all()
    known = [b.key for b in books]
    if key is None:
        if len(books) > 1:
            raise CodeerError(f"say which codebook (--codebook ID); the project has: {', '.join(known)}")
        return books[0] if books else None
    book = next((b for b in books if b.key == key), None)
    if book is None:
        guess = nearest(key, known)
        hint = f"; did you mean {guess!r}?" if guess else f" (known: {', '.join(known) or 'none'})"
        raise CodeerError(f"no codebook {key!r}{hint}")
    return book


def code_by_ref(session: Session, ref: str, codebook: str | None = None) -> Code:
    """The code ``ref`` names (``codebook:code`` or a code id), or a clear error with a suggestion."""
    book_key, sep, key = ref.strip().partition(":")
    if not sep:
        book_key, key = codebook or "", book_key
    query = select(Code).join(Codebook).where(Code.key == key)
    if book_key:
        query = query.where(Codebook.key == book_key)
    found = session.scalars(query.order_by(Codebook.key)).all()
    if len(found) > 1:
        books = ", ".join(c.codebook.key for c in found)
        raise CodeerError(f"code {key!r} is in several codebooks ({books}); write codebook:code")
    if not found:
        known = session.scalars(
            select(Code.key).join(Codebook).where(Codebook.key == book_key) if book_key else select(Code.key)
        ).all()
        guess = nearest(key, known)
        raise CodeerError(f"no code {ref!r}" + (f"; did you mean {guess!r}?" if guess else ""))
    return found[0]


def _lock(session: Session, code_ids: Sequence[int]) -> None:
    """Lock the codes a change works on, in id order (no deadlocks between two changes)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(Code.id).where(Code.id.in_(sorted(code_ids))).order_by(Code.id).with_for_update()
        )


def _codings(session: Session, code_id: int) -> list[Coding]:
    return list(session.scalars(select(Coding).where(Coding.code_id == code_id).order_by(Coding.id)))


def _children(session: Session, code_id: int) -> list[Code]:
    return list(session.scalars(select(Code).where(Code.parent_id == code_id).order_by(Code.position)))


def _next_position(session: Session, codebook_id: int) -> int:
    return (session.scalar(select(func.max(Code.position)).where(Code.codebook_id == codebook_id)) or 0) + 1


# -- checking what a coder typed --------------------------------------------------------------------------


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise CodeerError("a code needs a name")
    if len(name) > MAX_NAME_LENGTH:
        raise CodeerError(f"the name is {len(name)} characters long; at most {MAX_NAME_LENGTH}")
    return name


def free_key(session: Session, codebook_id: int | None, name: str) -> str:
    """A code id for ``name``: its slug, with ``-2``, ``-3`` where the codebook has it already."""
    base = slugify(name)[: MAX_ID_LENGTH - 4].rstrip("-") or "code"
    taken = (
        set()
        if codebook_id is None
        else set(session.scalars(select(Code.key).where(Code.codebook_id == codebook_id)))
    )
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def check_key(session: Session, codebook_id: int | None, key: str, *, own: int | None = None) -> str:
    if not is_valid_id(key):
        offer = slugify(key)
        raise CodeerError(
            f"invalid code id {key!r}: use lowercase letters, digits and hyphens"
            + (f"; did you mean {offer!r}?" if offer else "")
        )
    if codebook_id is not None:
        other = session.scalar(select(Code.id).where(Code.codebook_id == codebook_id, Code.key == key))
        if other is not None and other != own:
            raise CodeerError(f"the codebook has a code {key!r} already")
    return key


def check_hotkey(
    session: Session, codebook_id: int | None, hotkey: str | None, name: str, *, own: int | None = None
) -> str | None:
    """A hotkey that is free in the codebook and not a key of the coding screen (None: no hotkey)."""
    if hotkey is None or not hotkey.strip():
        return None
    hotkey = hotkey.strip()
    used: set[str] = (
        set()
        if codebook_id is None
        else {
            key
            for key, code_id in session.execute(
                select(Code.hotkey, Code.id).where(Code.codebook_id == codebook_id, Code.hotkey.is_not(None))
            )
            if code_id != own and key is not None
        }
    )
    free = free_keys(name, used)
    hint = f"; free letters from the name: {', '.join(repr(k) for k in free)}" if free else ""
    problem = hotkey_problem(hotkey)
    if problem:
        raise CodeerError(problem + hint)
    if hotkey in used:
        holder = session.scalar(
            select(Code.key).where(Code.codebook_id == codebook_id, Code.hotkey == hotkey)
        )
        raise CodeerError(f"key {hotkey!r} is taken by {holder!r}{hint}")
    return hotkey


def _check_color(color: str | None) -> str | None:
    if color is None or not color.strip():
        return None
    color = color.strip()
    if not COLOR_PATTERN.fullmatch(color):
        raise CodeerError(f"invalid color {color!r}: expected #rrggbb or #rgb")
    return ("#" + "".join(c * 2 for c in color[1:]) if len(color) == 4 else color).lower()


# -- the operations -----------------------------------------------------------------------------------------


def add_code(
    session: Session,
    coder_id: int | None,
    name: str,
    *,
    codebook: str | None = None,
    key: str | None = None,
    parent: str | None = None,
    hotkey: str | None = None,
    definition: str = "",
    apply_to: CodingKey | None = None,
) -> Outcome:
    """Make a code (in ``codebook``, the only one, or a new codebook when the project has none) and, with
    ``apply_to`` (its ``code_id`` is ignored), apply it at once: one action, one undo."""
    name = check_name(name)
    change = Change.new()
    book = codebook_of(session, codebook)
    if book is None:
        book = Codebook(key=codebook or DEFAULT_CODEBOOK, title="Codes made while coding")
        session.add(book)
        session.flush()
        change.codebook_created = book.id
    key = check_key(session, book.id, key) if key else free_key(session, book.id, name)
    hotkey = check_hotkey(session, book.id, hotkey, name)
    parent_code = code_by_ref(session, parent, book.key) if parent else None
    if parent_code is not None and parent_code.codebook_id != book.id:
        raise CodeerError(f"the parent {parent!r} is in another codebook ({parent_code.codebook.key})")
    code = Code(
        codebook_id=book.id,
        key=key,
        name=name,
        definition=definition.strip(),
        hotkey=hotkey,
        parent_id=parent_code.id if parent_code else None,
        position=_next_position(session, book.id),
    )
    session.add(code)
    session.flush()
    change.codes_created.append(code.id)
    coding_id = None
    where = ""
    if apply_to is not None:
        target = CodingKey(apply_to.passage_id, code.id, apply_to.coder_id, apply_to.start, apply_to.end)
        coding, _ = apply_coding(session, target, note=f"new code {key}")
        change.codings_created.append(coding.id)
        coding_id = coding.id
        where = " and applied it"
    under = f" under {parent_code.key}" if parent_code else ""
    renumber(session, book.id, change)
    event = record(session, "add", coder_id, book.key, key, f"made {name!r}{under}{where}", change.as_json())
    return Outcome(event.id, code.id, key, f"made {book.key}:{key} ({name}){under}{where}", coding_id)


def rename_code(
    session: Session,
    coder_id: int | None,
    ref: str,
    name: str,
    *,
    key: str | None = None,
    codebook: str | None = None,
) -> Outcome:
    """Give a code a new name (and, with ``key``, a new id); its codings stay."""
    code = code_by_ref(session, ref, codebook)
    _lock(session, [code.id])
    name = check_name(name)
    new_key = check_key(session, code.codebook_id, key, own=code.id) if key else code.key
    change = Change.new()
    change.before(code)
    change.meaning = (code.id,)
    old = f"{code.name!r}" + (f" ({code.key})" if new_key != code.key else "")
    code.name, code.key = name, new_key
    session.flush()
    detail = f"renamed {old} to {name!r}" + (
        f" ({new_key})" if new_key != change.codes_before[code.id]["key"] else ""
    )
    event = record(session, "rename", coder_id, code.codebook.key, new_key, detail, change.as_json())
    return Outcome(event.id, code.id, new_key, f"{code.codebook.key}:{new_key}: {detail}")


def _within(node: Code | None, root: Code) -> bool:
    """Whether ``node`` is ``root`` or one of its descendants: a code never goes under (or into) itself."""
    while node is not None:
        if node.id == root.id:
            return True
        node = node.parent
    return False


def move_code(
    session: Session, coder_id: int | None, ref: str, parent: str | None, *, codebook: str | None = None
) -> Outcome:
    """Move a code (with its children) under ``parent``, or to the top when ``parent`` is None."""
    code = code_by_ref(session, ref, codebook)
    target = code_by_ref(session, parent, code.codebook.key) if parent else None
    if target is not None:
        if target.codebook_id != code.codebook_id:
            raise CodeerError(f"{parent!r} is in another codebook; codes move within their codebook")
        if _within(target, code):
            raise CodeerError(f"cannot move {code.key} under {target.key}: it is inside {code.key}")
    _lock(session, [code.id])
    change = Change.new()
    change.before(code)
    code.parent_id = target.id if target else None
    code.position = _next_position(session, code.codebook_id)
    session.flush()
    where = f"under {target.key}" if target else "to the top"
    renumber(session, code.codebook_id, change)
    event = record(session, "move", coder_id, code.codebook.key, code.key, f"moved {where}", change.as_json())
    return Outcome(event.id, code.id, code.key, f"{code.codebook.key}:{code.key}: moved {where}")


def _move_codings(
    session: Session, change: Change, codings: list[Coding], target: Code, note: str
) -> tuple[int, int]:
    """Move codings to ``target``, folding duplicates into the target's coding; return (moved, folded)."""
    moved = folded = 0
    for coding in codings:
        twin = find_coding(
            session, CodingKey(coding.passage_id, target.id, coding.coder_id, coding.start, coding.end)
        )
        if twin is None:
            change.codings_moved.append((coding.id, coding.code_id, target.id))
            recode(session, coding, target.id, note=note)
            moved += 1
            continue
        memos = [m for m in (twin.memo, coding.memo) if m and m.strip()]
        if coding.memo and coding.memo.strip() and coding.memo.strip() != (twin.memo or "").strip():
            change.memo_before.setdefault(twin.id, twin.memo or "")
            update_coding(session, twin, memo="\n\n".join(memos), note=note)
        change.codings_removed.append(coding_state(coding))
        remove_coding(session, coding, note=note)
        folded += 1
    return moved, folded


def merge_codes(
    session: Session, coder_id: int | None, source: str, target: str, *, codebook: str | None = None
) -> Outcome:
    """Merge code ``source`` into ``target`` (see the module docstring)."""
    a = code_by_ref(session, source, codebook)
    b = code_by_ref(session, target, codebook or a.codebook.key)
    if a.id == b.id:
        raise CodeerError("a code cannot be merged into itself")
    if a.codebook_id != b.codebook_id:
        raise CodeerError(f"{source!r} and {target!r} are in different codebooks")
    if _within(b, a):
        raise CodeerError(f"cannot merge {a.key} into {b.key}: {b.key} is inside {a.key}")
    _lock(session, [a.id, b.id])
    change = Change.new()
    change.before(a)
    change.meaning = (b.id,)
    book, a_key, a_name = a.codebook.key, a.key, a.name
    note = f"merge {a_key} into {b.key}"
    moved, folded = _move_codings(session, change, _codings(session, a.id), b, note)
    for child in _children(session, a.id):
        change.before(child)
        child.parent_id = b.id
    change.memos_before(session, a.id)
    change.memos_before(session, b.id)
    _merge_memos(session, a.id, b.id)
    session.flush()
    session.delete(a)
    session.flush()
    detail = (
        f"merged {a_name!r} ({a_key}) into {b.key}: {moved} coding(s) moved, {folded} folded into {b.key}'s"
    )
    renumber(session, b.codebook_id, change)
    event = record(session, "merge", coder_id, book, a_key, detail, change.as_json())
    return Outcome(event.id, b.id, b.key, f"{book}: {detail}")


def _merge_memos(session: Session, source: int, target: int) -> None:
    """The source code's memo is added to the target's (both kept), before the source is deleted."""
    theirs = [
        m for m in session.scalars(select(Memo).where(Memo.code_id == source, Memo.passage_id.is_(None)))
    ]
    text = "\n\n".join(m.text for m in theirs if m.text.strip())
    if text:
        mine = session.scalar(select(Memo).where(Memo.code_id == target, Memo.passage_id.is_(None)))
        if mine is None:
            session.add(Memo(code_id=target, coder_id=theirs[0].coder_id, text=text))
        else:
            mine.text = f"{mine.text}\n\n{text}" if mine.text.strip() else text


def split_code(
    session: Session,
    coder_id: int | None,
    source: str,
    coding_ids: Sequence[int],
    target: str,
    *,
    new_name: str | None = None,
    codebook: str | None = None,
) -> Outcome:
    """Move the chosen codings of ``source`` to ``target``: an existing code, or (with ``new_name``) a new
    code with id ``target`` beside ``source``."""
    a = code_by_ref(session, source, codebook)
    book = a.codebook
    if not coding_ids:
        raise CodeerError(f"choose the codings of {a.key} to split off (codeer codebook codings {a.key})")
    change = Change.new()
    if new_name is not None:
        name = check_name(new_name)
        key = check_key(session, book.id, target) if target else free_key(session, book.id, name)
        b = Code(
            codebook_id=book.id,
            key=key,
            name=name,
            parent_id=a.parent_id,
            position=_next_position(session, book.id),
        )
        session.add(b)
        session.flush()
        change.codes_created.append(b.id)
    else:
        b = code_by_ref(session, target, book.key)
        if b.id == a.id or b.codebook_id != a.codebook_id:
            raise CodeerError(f"split {a.key} into another code of {book.key}, not {b.codebook.key}:{b.key}")
    _lock(session, [a.id, b.id])
    chosen = list(session.scalars(select(Coding).where(Coding.id.in_(coding_ids)).order_by(Coding.id)))
    wrong = sorted(set(coding_ids) - {c.id for c in chosen if c.code_id == a.id})
    if wrong:
        raise CodeerError(
            f"not codings of {a.key}: {', '.join(map(str, wrong))} (see: codeer codebook codings {a.key})"
        )
    change.before(a)  # unchanged, but named as touched: a later change to it blocks undoing this one
    change.meaning = (a.id, b.id)
    moved, folded = _move_codings(session, change, chosen, b, f"split {a.key} into {b.key}")
    made = " (new)" if new_name is not None else ""
    detail = f"split {len(chosen)} coding(s) of {a.key} into {b.key}{made}: {moved} moved, {folded} folded"
    renumber(session, book.id, change)
    event = record(session, "split", coder_id, book.key, a.key, detail, change.as_json())
    return Outcome(event.id, b.id, b.key, f"{book.key}: {detail}")


def delete_code(
    session: Session, coder_id: int | None, ref: str, *, force: bool = False, codebook: str | None = None
) -> Outcome:
    """Delete a code without codings; with ``force``, its codings too (each recorded). Children move up."""
    code = code_by_ref(session, ref, codebook)
    _lock(session, [code.id])
    codings = _codings(session, code.id)
    if codings and not force:
        coders = len({c.coder_id for c in codings})
        raise CodeerError(
            f"{code.key} has {len(codings)} coding(s) by {coders} coder(s); merge it into "
            f"another code, or delete them with it: --force"
        )
    change = Change.new()
    change.before(code)
    book, key, name, book_id = code.codebook.key, code.key, code.name, code.codebook_id
    for coding in codings:
        change.codings_removed.append(coding_state(coding))
        remove_coding(session, coding, note=f"code {key} deleted")
    for child in _children(session, code.id):
        change.before(child)
        child.parent_id = code.parent_id
    change.memos_before(session, code.id)
    session.flush()
    session.delete(code)
    session.flush()
    lost = f" with {len(codings)} coding(s)" if codings else ""
    renumber(session, book_id, change)
    event = record(session, "delete", coder_id, book, key, f"deleted {name!r}{lost}", change.as_json())
    return Outcome(event.id, 0, key, f"{book}:{key}: deleted{lost}")


def edit_code(
    session: Session, coder_id: int | None, ref: str, *, codebook: str | None = None, **fields: object
) -> Outcome:
    """Change a code's name, definition, include/exclude rules, examples, keywords, hotkey or colour."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise CodeerError(f"cannot edit {', '.join(sorted(unknown))} (editable: {', '.join(EDITABLE)})")
    code = code_by_ref(session, ref, codebook)
    _lock(session, [code.id])
    wanted: dict[str, object] = {}
    for name, value in fields.items():
        if name == "name":
            value = check_name(str(value))
        elif name == "hotkey":
            value = check_hotkey(session, code.codebook_id, value, code.name, own=code.id)  # type: ignore[arg-type]
        elif name == "color":
            value = _check_color(value)  # type: ignore[arg-type]
        elif name in ("examples", "keywords"):
            value = [str(v).strip() for v in value if str(v).strip()]  # type: ignore[attr-defined]
        else:
            value = str(value).strip()
        if getattr(code, name) != value:
            wanted[name] = value
    if not wanted:
        return Outcome(0, code.id, code.key, f"{code.codebook.key}:{code.key}: nothing changed")
    change = Change.new()
    change.before(code)
    if set(wanted) & {"name", "definition", "include", "exclude"}:
        change.meaning = (code.id,)
    for name, value in wanted.items():
        setattr(code, name, value)
    session.flush()
    detail = "edited " + ", ".join(wanted)
    event = record(session, "edit", coder_id, code.codebook.key, code.key, detail, change.as_json())
    return Outcome(event.id, code.id, code.key, f"{code.codebook.key}:{code.key}: {detail}")


def code_memo(session: Session, code_id: int) -> str:
    """The memo on a code (the analyst's developing ideas about it)."""
    return (
        session.scalar(
            select(Memo.text).where(Memo.code_id == code_id, Memo.passage_id.is_(None)).order_by(Memo.id)
        )
        or ""
    )


def set_code_memo(
    session: Session, coder_id: int | None, ref: str, text: str, *, codebook: str | None = None
) -> Outcome:
    """Write (blank: delete) the memo on a code; recorded and undoable like any codebook change."""
    code = code_by_ref(session, ref, codebook)
    memo = session.scalar(
        select(Memo).where(Memo.code_id == code.id, Memo.passage_id.is_(None)).order_by(Memo.id)
    )
    text = text.strip()
    if (memo.text if memo else "") == text:
        return Outcome(0, code.id, code.key, f"{code.codebook.key}:{code.key}: memo unchanged")
    change = Change.new()
    change.memos_before(session, code.id)
    if memo is None:
        session.add(Memo(code_id=code.id, coder_id=coder_id, text=text))
    elif text:
        memo.text = text
        memo.coder_id = coder_id
    else:
        session.delete(memo)
    session.flush()
    detail = "memo written" if text else "memo deleted"
    event = record(session, "memo", coder_id, code.codebook.key, code.key, detail, change.as_json())
    return Outcome(event.id, code.id, code.key, f"{code.codebook.key}:{code.key}: {detail}")


# -- reads for the codebook screen ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteRow:
    """One coding of a code, as the split picker shows it."""

    coding_id: int
    coder: str
    transcript: str
    passage: int
    text: str


def coding_counts(session: Session, coder_id: int | None) -> dict[int, int]:
    """Codings per code id: of one coder (blind), or of every coder (``None``)."""
    query = select(Coding.code_id, func.count()).group_by(Coding.code_id)
    if coder_id is not None:
        query = query.where(Coding.coder_id == coder_id)
    return {code_id: count for code_id, count in session.execute(query)}


def code_quotes(session: Session, code_id: int, coder_id: int | None) -> list[QuoteRow]:
    """The codings of a code with the words they cover: of one coder (blind), or of all (``None``)."""
    query = (
        select(Coding.id, Coder.name, Transcript.key, Passage.number, Passage.text, Coding.start, Coding.end)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Passage, Passage.id == Coding.passage_id)
        .join(Transcript, Transcript.id == Passage.transcript_id)
        .where(Coding.code_id == code_id)
        .order_by(Transcript.key, Passage.number, Coding.id)
    )
    if coder_id is not None:
        query = query.where(Coding.coder_id == coder_id)
    return [
        QuoteRow(i, coder, key, number, text if start is None else text[start:end])
        for i, coder, key, number, text, start, end in session.execute(query)
    ]


def code_memos(session: Session) -> dict[int, str]:
    """Every code's memo, by code id (the codebook screen shows and searches them)."""
    rows = session.execute(
        select(Memo.code_id, Memo.text)
        .where(Memo.code_id.is_not(None), Memo.passage_id.is_(None))
        .order_by(Memo.id)
    )
    memos: dict[int, str] = {}
    for code_id, text in rows:
        if code_id is not None:
            memos.setdefault(code_id, text)
    return memos


@dataclass(frozen=True)
class CodeMatch:
    """A code found by :func:`search_codes`, with the fields the words were found in."""

    code_id: int
    codebook: str
    key: str
    name: str
    fields: tuple[str, ...]


def search_codes(session: Session, words: Sequence[str], codebook: str | None = None) -> list[CodeMatch]:
    """The codes that have every word (ignoring case) in their name, id, definition, rules, examples,
    keywords or memo, in codebook order: ``codeer codebook search`` and the codebook screen's ``/``."""
    wanted = [w.lower() for w in words if w.strip()]
    if not wanted:
        return []
    query = select(Code, Codebook.key).join(Codebook).order_by(Codebook.key, Code.position)
    if codebook:
        query = query.where(Codebook.key == codebook)
    memos = code_memos(session)
    found = []
    for code, book in session.execute(query):
        fields = {
            "name": code.name,
            "id": code.key,
            "definition": code.definition,
            "include": code.include,
            "exclude": code.exclude,
            "examples": " ".join(code.examples or ()),
            "keywords": " ".join(code.keywords or ()),
            "memo": memos.get(code.id, ""),
        }
        lowered = {field: (text or "").lower() for field, text in fields.items()}
        if all(any(w in text for text in lowered.values()) for w in wanted):
            where = tuple(f for f, text in lowered.items() if any(w in text for w in wanted))
            found.append(CodeMatch(code.id, book, code.key, code.name, where))
    return found
