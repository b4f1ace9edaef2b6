"""``codeer codebook add|rename|move|merge|split|delete|edit|memo|undo|codings|search``: reshape a codebook.

Each command is one transaction and one entry in the codebook history (``codeer log --codebook``), made as
``--coder``; ``codebook undo`` takes back the coder's last one exactly.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from codeer.errors import CodeerError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from codeer.cli.context import Context
    from codeer.model import Code
    from codeer.store.codebook_ops import Outcome

    Change = Callable[[Session, int], Outcome]


def register(sub: argparse._SubParsersAction) -> None:
    def command(
        name: str, help: str, handler: Callable[[Context, argparse.Namespace], int], description: str = ""
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=description or None)
        p.add_argument(
            "--codebook", dest="in_codebook", metavar="ID", help="the codebook (when there are several)"
        )
        p.set_defaults(handler=handler)
        return p

    p = command("add", "make a code (the first code makes a codebook)", run_add)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--id", dest="code_id", metavar="ID", help="its id (default: from the name)")
    p.add_argument("--parent", metavar="CODE", help="put it under this code")
    p.add_argument("--key", metavar="K", help="its hotkey on the coding screen")
    p.add_argument("--definition", default="", metavar="TEXT")

    p = command("rename", "give a code a new name (its codings stay)", run_rename)
    p.add_argument("code", metavar="CODE")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--id", dest="code_id", metavar="ID", help="also a new id")

    p = command("move", "move a code under another code, or to the top (--top)", run_move)
    p.add_argument("code", metavar="CODE")
    p.add_argument("parent", nargs="?", metavar="PARENT")
    p.add_argument("--top", action="store_true", help="to the top level")

    command(
        "merge",
        "merge code A into code B: every coder's codings of A move to B, A disappears",
        run_merge,
        "Every coder's codings of A move to B. A coding that would duplicate one of B (same passage, coder "
        "and span) is folded into it, keeping both memos. A's children move under B, A's memo is added to "
        "B's. Undo with: codeer codebook undo.",
    ).add_argument("codes", nargs=2, metavar=("A", "B"))

    p = command(
        "split",
        "move chosen codings of a code to another (or a new) code",
        run_split,
        "Moves the codings given with --coding (ids from: codeer codebook codings CODE) from CODE to "
        "TARGET, an existing code, or a new one with --new NAME (beside CODE).",
    )
    p.add_argument("code", metavar="CODE")
    p.add_argument("target", metavar="TARGET")
    p.add_argument("--coding", dest="codings", type=int, action="append", default=[], metavar="ID")
    p.add_argument("--new", dest="new_name", metavar="NAME", help="make TARGET as a new code with this name")

    p = command(
        "delete", "delete a code without codings (--force: with them, after listing them)", run_delete
    )
    p.add_argument("code", metavar="CODE")
    p.add_argument("--force", action="store_true", help="also delete its codings (listed first)")

    p = command("edit", "change a code's definition, rules, examples, keywords, hotkey or colour", run_edit)
    p.add_argument("code", metavar="CODE")
    for name in ("name", "definition", "include", "exclude", "key", "color"):
        p.add_argument(f"--{name}", metavar="TEXT")
    p.add_argument(
        "--example", dest="examples", action="append", metavar="TEXT", help="(repeat; replaces all)"
    )
    p.add_argument(
        "--keyword", dest="keywords", action="append", metavar="WORD", help="(repeat; replaces all)"
    )

    p = command("memo", "show or write the memo on a code (empty text deletes it)", run_memo)
    p.add_argument("code", metavar="CODE")
    p.add_argument("text", nargs="?", metavar="TEXT")

    command("undo", "undo your last codebook change (exactly: codes and codings as they were)", run_undo)

    p = command("codings", "a code's codings with their ids (to choose codings for split)", run_codings)
    p.add_argument("code", metavar="CODE")

    p = command(
        "search", "codes whose name, id, definition, rules, examples or memo contain the words", run_search
    )
    p.add_argument("words", nargs="+", metavar="WORD")


def _coder(ctx: Context, session: Session) -> int:
    from codeer.store.coding import get_or_create_coder

    if not ctx.coder:
        raise CodeerError(
            "who changes the codebook? give --coder NAME (or CODEER_CODER, or coder: in codeer.yaml)"
        )
    return get_or_create_coder(session, ctx.coder).id


def _run(ctx: Context, change: Change) -> int:
    """One change in one transaction, run again if a concurrent coder's write got in the way."""
    from codeer.store.retry import run_in_transaction

    outcome = run_in_transaction(ctx.db, lambda session: change(session, _coder(ctx, session)))
    print(outcome.message)
    return 0


def run_add(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.codebook_ops import add_code

    return _run(
        ctx,
        lambda s, me: add_code(
            s,
            me,
            args.name,
            codebook=args.in_codebook,
            key=args.code_id,
            parent=args.parent,
            hotkey=args.key,
            definition=args.definition,
        ),
    )


def run_rename(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.codebook_ops import rename_code

    return _run(
        ctx,
        lambda s, me: rename_code(s, me, args.code, args.name, key=args.code_id, codebook=args.in_codebook),
    )


def run_move(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.codebook_ops import move_code

    if (args.parent is None) == (not args.top):
        raise CodeerError("say where: a PARENT code, or --top")
    return _run(ctx, lambda s, me: move_code(s, me, args.code, args.parent, codebook=args.in_codebook))


def run_merge(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.codebook_ops import merge_codes

    ctx.auto_backup("before-codebook-merge")
    return _run(ctx, lambda s, me: merge_codes(s, me, *args.codes, codebook=args.in_codebook))


def run_split(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.codebook_ops import split_code

    return _run(
        ctx,
        lambda s, me: split_code(
            s, me, args.code, args.codings, args.target, new_name=args.new_name, codebook=args.in_codebook
        ),
    )


def run_delete(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.codebook_ops import code_by_ref, delete_code

    if args.force:
        with ctx.db.session() as session:
            code = code_by_ref(session, args.code, args.in_codebook)
            lost, hidden = _coding_lines(ctx, session, code)
        if lost or hidden:
            print(f"deleting {code.key} removes {len(lost) + hidden} coding(s):")
            print("\n".join(lost + ([f"{hidden:>6}  coding(s) of other coders"] if hidden else [])))
            ctx.auto_backup("before-codebook-delete")
    return _run(ctx, lambda s, me: delete_code(s, me, args.code, force=args.force, codebook=args.in_codebook))


def run_edit(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.codebook_ops import edit_code

    fields = {
        name: getattr(args, name)
        for name in ("name", "definition", "include", "exclude", "color", "examples", "keywords")
        if getattr(args, name) is not None
    }
    if args.key is not None:
        fields["hotkey"] = args.key
    if not fields:
        raise CodeerError(
            "say what to change: --definition, --include, --exclude, --example, --keyword, "
            "--name, --key or --color"
        )
    return _run(ctx, lambda s, me: edit_code(s, me, args.code, codebook=args.in_codebook, **fields))


def run_memo(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.codebook_ops import code_by_ref, code_memo, set_code_memo

    if args.text is None:
        with ctx.db.session() as session:
            text = code_memo(session, code_by_ref(session, args.code, args.in_codebook).id)
        print(text or "(no memo)")
        return 0
    return _run(ctx, lambda s, me: set_code_memo(s, me, args.code, args.text, codebook=args.in_codebook))


def run_undo(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.codebook_history import undo_change

    with ctx.db.session() as session:
        event = undo_change(session, _coder(ctx, session))
        message = event.detail
    print(message)
    return 0


def _coding_lines(ctx: Context, session: Session, code: Code) -> tuple[list[str], int]:
    """A code's codings, one line each, that the blind-coding rule lets this user see, and how many
    other coders' codings it hides."""
    from codeer.store.blinding import may_see_others
    from codeer.store.codebook_ops import code_quotes, coding_counts

    mine = None if may_see_others(session, ctx.settings.show_others_allowed) else _coder(ctx, session)
    lines = []
    for quote in code_quotes(session, code.id, mine):
        text = " ".join(quote.text.split())
        text = text if len(text) <= 70 else text[:69] + "…"
        lines.append(f"{quote.coding_id:>6}  {quote.coder:<12} {quote.transcript} #{quote.passage}  {text}")
    hidden = 0 if mine is None else coding_counts(session, None).get(code.id, 0) - len(lines)
    return lines, hidden


def run_codings(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.codebook_ops import code_by_ref

    with ctx.db.session() as session:
        code = code_by_ref(session, args.code, args.in_codebook)
        lines, hidden = _coding_lines(ctx, session, code)
    if hidden:
        lines.append(f"(and {hidden} coding(s) of other coders, hidden: blind coding)")
    print("\n".join(lines) if lines else f"{code.key} has no codings")
    return 0


def run_search(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.codebook_ops import search_codes

    with ctx.db.session() as session:
        found = search_codes(session, args.words, args.in_codebook)
    lines = [f"{m.codebook}:{m.key}  {m.name}  (in {', '.join(m.fields)})" for m in found]
    print("\n".join(lines) if lines else "no code matches")
    return 0
