"""Writing a loaded codebook into the database, and finding codes by reference.

A codebook file is the researcher's source of truth for codes; the database holds the codings made with them.
Loading a file again therefore updates codes in place, matched by their stable id (``key``): a new name or
definition, a new parent, a new place in the order, all keep every coding. Codes that vanished from the file
are deleted only when nothing hangs on them; codes that carry work (codings or memos) are kept unless the
caller forces it, because deleting them deletes that work too (the schema cascades).

Everything runs in the caller's session, so a CLI load of several files commits together or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codeer.codebook.spec import CodebookSpec, CodeSpec
from codeer.errors import CodeerError
from codeer.model.orm import Code, Codebook, Coding, Memo
from codeer.store.codebook_history import not_in_file, record, renumber
from codeer.store.coding import remove_coding

# Fields copied from a CodeSpec onto a Code (JSON lists are stored as lists).
_FIELDS = ("name", "definition", "include", "exclude", "examples", "keywords", "hotkey", "color")


@dataclass
class SyncReport:
    """What a load changed, by code key. ``details`` names the changed fields of each updated code."""

    codebook: str
    created: bool = False
    codebook_updated: bool = False
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # made in the project, not in the file: kept
    details: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> str:
        """``key: 3 added, 1 updated, 40 unchanged, 0 removed``."""
        return (f"{self.codebook}: {len(self.added)} added, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged, {len(self.removed)} removed"
                + (f", {len(self.kept)} kept (not in the file)" if self.kept else ""))


def _wanted(spec: CodeSpec, name: str) -> object:
    value = getattr(spec, name)
    return list(value) if isinstance(value, tuple) else value


def _sibling_orders(pairs: list[tuple[str, str | None]], keep: set[str]) -> dict[str, int]:
    """Each code in ``keep``'s index among its siblings in ``keep``, from ``(key, parent key)`` in order.

    ``keep`` holds the codes present before and after under the same parent. Comparing their indexes tells
    a real move from a shifted ``position``: adding, removing or moving in one code renumbers the positions
    of all codes after it, but nobody would call those "updated".
    """
    counters: dict[str | None, int] = defaultdict(int)
    orders: dict[str, int] = {}
    for key, parent in pairs:
        if key in keep:
            orders[key] = counters[parent]
            counters[parent] += 1
    return orders


def _work_counts(session: Session, codes: list[Code]) -> dict[int, tuple[int, int]]:
    """Codings and memos per code id, for the codes that have any."""
    ids = [c.id for c in codes]
    if not ids:
        return {}
    codings: dict[int, int] = {
        code_id: count for code_id, count in session.execute(
            select(Coding.code_id, func.count()).where(Coding.code_id.in_(ids)).group_by(Coding.code_id))
    }
    memos: dict[int, int] = {
        code_id: count for code_id, count in session.execute(
            select(Memo.code_id, func.count()).where(Memo.code_id.in_(ids)).group_by(Memo.code_id))
        if code_id is not None  # always: the query asks for these codes
    }
    return {i: (codings.get(i, 0), memos.get(i, 0)) for i in ids if codings.get(i) or memos.get(i)}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def sync_codebook(
    session: Session, spec: CodebookSpec, *, force: bool = False, source_file: str | None = None,
    coder_id: int | None = None,
) -> SyncReport:
    """Make the database's codebook ``spec.key`` match ``spec``; see the module docstring for the rules.

    ``source_file`` is what to record as the codebook's file (default: ``spec.source``), e.g. a path relative
    to the project, while messages keep naming the file as the user gave it. Raises :class:`CodeerError`
    (before changing anything) when codes with codings or memos are missing from the file and ``force`` is
    false.

    Codes made in the project (in the workbench or with ``codeer codebook add``) that the file does not
    have yet are kept, not deleted (``report.kept``): the file is behind, not the codes gone. The load is
    recorded in the codebook history with the codes the file held.
    """
    codebook = session.scalar(select(Codebook).where(Codebook.key == spec.key))
    report = SyncReport(codebook=spec.key, created=codebook is None)
    existing: dict[str, Code] = {} if codebook is None else {c.key: c for c in codebook.codes}
    wanted = {c.key: c for c in spec.codes}
    file = source_file or str(spec.source)
    behind = not_in_file(session, spec.key, file, {c.id: k for k, c in existing.items() if k not in wanted})
    kept_codes = sorted((c for c in existing.values() if c.id in behind), key=lambda c: c.position)
    report.kept = [c.key for c in kept_codes]
    existing = {k: c for k, c in existing.items() if c.id not in behind}

    missing = sorted((c for k, c in existing.items() if k not in wanted), key=lambda c: c.position)
    counts = _work_counts(session, missing)
    if counts and not force:
        listed = ", ".join(
            f"{c.key} ({_plural(counts[c.id][0], 'coding')}"
            + (f", {_plural(counts[c.id][1], 'memo')})" if counts[c.id][1] else ")")
            for c in missing if c.id in counts
        )
        raise CodeerError(f"codes with codings missing from the file: {listed}; use --force to delete them",
                          spec.source)

    if codebook is None:
        codebook = Codebook(key=spec.key)
        session.add(codebook)
    for name, value in (("title", spec.title), ("description", spec.description),
                        ("source_file", source_file or str(spec.source))):
        if getattr(codebook, name) != value:
            setattr(codebook, name, value)
            if not report.created and name != "source_file":
                report.codebook_updated = True

    # Decide what changes before touching anything: deleting codes below nulls their children's parents.
    kept = set(existing) & set(wanted)
    old_pairs = [(c.key, c.parent.key if c.parent else None)
                 for c in sorted(existing.values(), key=lambda c: c.position)]
    old_parent = dict(old_pairs)
    stayed = {k for k in kept if old_parent[k] == wanted[k].parent_key}
    old_order = _sibling_orders(old_pairs, stayed)
    new_order = _sibling_orders([(c.key, c.parent_key) for c in spec.codes], stayed)
    for key in kept:
        code, want = existing[key], wanted[key]
        changed = [n for n in _FIELDS if getattr(code, n) != _wanted(want, n)]
        if old_parent[key] != want.parent_key:
            changed.append("parent")
        elif old_order[key] != new_order[key]:
            changed.append("order")
        if changed:
            report.updated.append(key)
            report.details[key] = changed
        else:
            report.unchanged.append(key)

    # 1. Deletions first, so that a new code may take a removed code's hotkey. Their codings are removed
    #    through the coding service first, so the history records them (the cascade would not).
    if counts:
        doomed = select(Coding).where(Coding.code_id.in_([c.id for c in missing if c.id in counts]))
        for coding in session.scalars(doomed).all():
            remove_coding(session, coding, note=f"code removed from {spec.source.name}")
    for code in missing:
        codebook.codes.remove(code)  # delete-orphan; codings and memos go by ON DELETE CASCADE
        session.delete(code)
        report.removed.append(code.key)
    session.flush()
    # 2. Free the hotkeys that move, so that a swap (e <-> d) never has two codes on one key mid-flush; and
    #    detach the codes that change parent, so that a parent and child trading places is not a cycle to
    #    the unit of work (it would see the old edge and the new one in one flush).
    detached = False
    file_keys = {c.hotkey for c in spec.codes if c.hotkey}
    for offset, code in enumerate(kept_codes, start=len(spec.codes)):
        code.position = offset  # after the file's codes
        if code.hotkey in file_keys:
            code.hotkey = None  # the file gave its key to one of its own codes
            detached = True
    for key in sorted(kept):
        kept_code = existing[key]
        if kept_code.hotkey is not None and kept_code.hotkey != wanted[key].hotkey:
            kept_code.hotkey = None
            detached = True
        if old_parent[key] is not None and old_parent[key] != wanted[key].parent_key:
            kept_code.parent = None
            detached = True
    if detached:
        session.flush()
    # 3. Everything else, in file order so that a parent exists before its children refer to it.
    by_key: dict[str, Code] = {}
    for want in spec.codes:
        if want.key in existing:
            code = existing[want.key]
        else:
            code = Code(key=want.key)
            codebook.codes.append(code)
            report.added.append(want.key)
        for name in _FIELDS:
            field_value = _wanted(want, name)
            if getattr(code, name) != field_value:
                setattr(code, name, field_value)
        parent = by_key[want.parent_key] if want.parent_key else None
        if code.parent is not parent:
            code.parent = parent
        if code.position != want.position:
            code.position = want.position
        by_key[want.key] = code
    session.flush()
    if kept_codes:
        renumber(session, codebook.id)  # the kept codes in their place in the tree
    session.expire(codebook, ["codes"])  # reread in the new order when next used
    detail = report.summary().partition(": ")[2]
    record(session, "load", coder_id, spec.key, "", f"loaded from {file}: {detail}",
           {"file": file, "keys": [c.key for c in spec.codes]})
    report.updated.sort(key=lambda k: wanted[k].position)
    report.unchanged.sort(key=lambda k: wanted[k].position)
    return report


def find_code(session: Session, ref: str, *, path: str | None = None, line: int | None = None) -> Code | None:
    """The code ``ref`` names: ``codebook:code``, or a plain code key if only one codebook has it.

    Returns None when nothing matches (the caller knows best how to report that, e.g. with a suggestion);
    raises :class:`CodeerError` at ``path``/``line`` when a plain key is in several codebooks.
    """
    codebook_key, sep, code_key = ref.strip().partition(":")
    if not sep:
        codebook_key, code_key = "", codebook_key
    query = select(Code).join(Code.codebook).where(Code.key == code_key)
    if sep:
        return session.scalar(query.where(Codebook.key == codebook_key))
    found = session.scalars(query.order_by(Codebook.key)).all()
    if len(found) > 1:
        books = ", ".join(c.codebook.key for c in found)
        raise CodeerError(
            f"code {code_key!r} is in several codebooks ({books}); write codebook:code, "
            f"e.g. {found[0].codebook.key}:{code_key}", path, line,
        )
    return found[0] if found else None
