"""``codeer codebook load|check|list|show|save``: codebooks between YAML files and the project, and on screen.

The commands that reshape a codebook (add, rename, move, merge, split, delete, ...) are in
:mod:`codeer.cli.codebook_edit`.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from codeer.cli import codebook_edit
from codeer.cli.qdc import read_codebook_file, register_export
from codeer.errors import CodeerError, CodeerErrors, raise_all

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from codeer.cli.context import Context
    from codeer.codebook import CodebookSpec
    from codeer.model.orm import Codebook


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("codebook", help="load, check, list and show codebooks")
    p.set_defaults(default_handler=run_list)
    sub = p.add_subparsers(dest="codebook_command", metavar="ACTION")

    load = sub.add_parser(
        "load",
        help="load or reload codebook YAML files",
        description="Load codebooks. Every file is checked first and all load together or not at all. "
        "Codes are matched by id: renaming or moving a code keeps its codings. Codes missing from the "
        "file are deleted, unless they have codings or memos (then --force is needed).",
    )
    load.add_argument("files", nargs="+", type=Path, metavar="FILE.yaml")
    load.add_argument(
        "--force", action="store_true", help="also delete missing codes that have codings (and those codings)"
    )
    load.set_defaults(handler=run_load)

    check = sub.add_parser("check", help="validate codebook files without touching the project")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE.yaml")
    check.set_defaults(handler=run_check)

    listing = sub.add_parser("list", help="the project's codebooks with their code counts (the default)")
    listing.set_defaults(handler=run_list)

    show = sub.add_parser("show", help="a codebook's codes as a tree, with hotkeys")
    show.add_argument("codebook", nargs="?", metavar="ID", help="codebook id (default: all)")
    show.set_defaults(handler=run_show)

    save = sub.add_parser(
        "save",
        help="write a codebook back to YAML (over its own file: comments and layout kept)",
        description="Write the project's codebook (with the codes made, renamed, moved, merged or split "
        "while coding) to YAML. Without -o it goes to the file it was loaded from (editing that file in "
        "place: comments, order and formatting stay), or to codebooks/ID.yaml. Loading the file gives the "
        "same codebook.",
    )
    save.add_argument("codebook", nargs="?", metavar="ID", help="which codebook (when there are several)")
    save.add_argument("-o", "--output", type=Path, metavar="FILE", help="where to write it")
    save.set_defaults(handler=run_save)

    register_export(sub)
    codebook_edit.register(sub)


def _read_all(files: list[Path]) -> list[CodebookSpec]:
    """Every file validated before anything is written; the problems of all files reported together."""
    specs: list[CodebookSpec] = []
    problems: list[CodeerError] = []
    for path in files:
        try:
            specs.append(read_codebook_file(path))
        except CodeerErrors as exc:
            problems.extend(exc.problems)
        except CodeerError as exc:
            problems.append(exc)
    first: dict[str, Path] = {}
    for spec in specs:
        if spec.key in first:
            problems.append(
                CodeerError(f"codebook {spec.key!r} is also in {first[spec.key]}", spec.source, 1)
            )
        first.setdefault(spec.key, spec.source)
    raise_all(problems)
    return specs


def _warn(specs: list[CodebookSpec]) -> None:
    for spec in specs:
        for warning in spec.warnings:
            print(warning, file=sys.stderr)


def _stored_path(ctx: Context, path: Path) -> Path:
    """The source as recorded: relative to the project when inside it, so a moved project stays valid."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(ctx.project)
    except ValueError:
        return resolved


def _me(ctx: Context, session: Session) -> int | None:
    """The coder a codebook change is recorded under (None: nobody said who)."""
    from codeer.store.coding import get_or_create_coder

    return get_or_create_coder(session, ctx.coder).id if ctx.coder else None


def run_load(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.codebooks import sync_codebook

    specs = _read_all(args.files)
    _warn(specs)
    ctx.auto_backup("before-codebook-load")
    with ctx.db.session() as session:
        me = _me(ctx, session)
        reports = []
        for spec in specs:
            stored = str(_stored_path(ctx, spec.source))
            reports.append(sync_codebook(session, spec, force=args.force, source_file=stored, coder_id=me))
    for report in reports:
        print(report.summary())
        if report.kept:
            print(
                f"{report.codebook}: not in the file, made in the project, kept: {', '.join(report.kept)} "
                f"(write them into the file with: codeer codebook save {report.codebook})"
            )
    return 0


def run_save(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.codebook.saver import save_codebook
    from codeer.interop.qdc import stored_spec
    from codeer.store.codebook_history import record
    from codeer.store.codebook_ops import codebook_of

    with ctx.db.session() as session:
        book = codebook_of(session, args.codebook)
        if book is None:
            raise CodeerError("the project has no codebook yet; make a code first (codeer codebook add NAME)")
        spec = stored_spec(book)
        source = Path(book.source_file) if book.source_file else None
        if args.output is not None:
            target = args.output
        elif source is not None and source.suffix.lower() in (".yaml", ".yml"):
            target = source if source.is_absolute() else ctx.project / source
        else:
            target = ctx.project / "codebooks" / f"{book.key}.yaml"
        spec = dataclasses.replace(spec, source=target)
        save_codebook(spec, target)
        stored = str(_stored_path(ctx, target))
        keys = [c.key for c in spec.codes]
        saved = {"file": stored, "keys": keys}
        record(session, "save", _me(ctx, session), book.key, "", f"saved to {stored}", saved)
        if not book.source_file or book.source_file == stored or args.output is None:
            book.source_file = stored
    print(f"{target}: codebook {spec.key}, {len(spec.codes)} code(s)")
    return 0


def run_check(ctx: Context, args: argparse.Namespace) -> int:
    specs = _read_all(args.files)
    _warn(specs)
    for spec in specs:
        print(f"{spec.source}: ok, codebook {spec.key!r} with {len(spec.codes)} codes")
    return 0


def run_list(ctx: Context, args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from codeer.model.orm import Code, Codebook

    with ctx.db.session() as session:
        rows = session.execute(
            select(Codebook.key, Codebook.title, func.count(Code.id))
            .outerjoin(Code, Code.codebook_id == Codebook.id)
            .group_by(Codebook.id)
            .order_by(Codebook.key)
        ).all()
    if not rows:
        print("no codebooks yet; load one with: codeer codebook load FILE.yaml", file=sys.stderr)
        return 0
    width = max(len(key) for key, _, _ in rows)
    for key, title, count in rows:
        print(f"{key:<{width}}  {count:>4} codes  {title}".rstrip())
    return 0


def _tree(session: Session, codebook: Codebook) -> list[str]:
    from sqlalchemy import select

    from codeer.model.orm import Code

    codes = session.scalars(select(Code).where(Code.codebook_id == codebook.id).order_by(Code.position)).all()
    depth: dict[int, int] = {}
    lines = [f"{codebook.key}  {codebook.title}".rstrip()]
    for code in codes:  # pre-order: a parent always comes before its children
        depth[code.id] = 0 if code.parent_id is None else depth.get(code.parent_id, 0) + 1
        hotkey = f"[{code.hotkey}]" if code.hotkey else ""
        lines.append(f"  {hotkey:>3}  {'  ' * depth[code.id]}{code.key}  {code.name}")
    return lines


def run_show(ctx: Context, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from codeer.codebook.slug import nearest
    from codeer.model.orm import Codebook

    with ctx.db.session() as session:
        codebooks = session.scalars(select(Codebook).order_by(Codebook.key)).all()
        if args.codebook is not None:
            chosen = [c for c in codebooks if c.key == args.codebook]
            if not chosen:
                known = [c.key for c in codebooks]
                guess = nearest(args.codebook, known)
                hint = f"; did you mean {guess!r}?" if guess else f" (known: {', '.join(known) or 'none'})"
                raise CodeerError(f"no codebook {args.codebook!r}{hint}")
            codebooks = chosen
        blocks = ["\n".join(_tree(session, c)) for c in codebooks]
    if blocks:
        print("\n\n".join(blocks))
    else:
        print("no codebooks yet; load one with: codeer codebook load FILE.yaml", file=sys.stderr)
    return 0
