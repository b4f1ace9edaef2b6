"""``codeer backup`` and ``codeer restore [NAME|--list]``: copies of a SQLite project in PROJECT/backups."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from codeer.errors import CodeerError

if TYPE_CHECKING:
    from codeer.cli.context import Context
    from codeer.store.backup import Backup


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "backup",
        help="back up the project now (SQLite; automatic before imports and upgrades)",
        description="Copy the project database into PROJECT/backups/ (readable by you only), keeping the "
        "newest N backups (setting backups:, default 10). codeer also backs up before every import and "
        "schema upgrade. A PostgreSQL project is backed up with pg_dump.",
    )
    p.set_defaults(handler=run_backup)
    r = subparsers.add_parser(
        "restore",
        help="put a backup back in place of the project (the current state is backed up first)",
        description="Replace the project database by a backup from PROJECT/backups/ (or a file), in one "
        "transaction. The current state is backed up first, so a restore can itself be undone. Refused while "
        "a workbench is open on the project (it would go on showing codings that no longer exist).",
    )
    r.add_argument("name", nargs="?", metavar="NAME", help="a backup's name (see --list) or a file")
    r.add_argument("--list", action="store_true", help="list the backups, oldest first")
    r.add_argument(
        "--force",
        action="store_true",
        help="restore even while a workbench is open (it notices within seconds and reads the project again)",
    )
    r.set_defaults(handler=run_restore)


def _size(backup: Backup) -> str:
    size = float(backup.size)
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def _shown(ctx: Context, backup: Backup) -> str:
    try:
        return str(backup.path.relative_to(ctx.project))
    except ValueError:
        return str(backup.path)


def run_backup(ctx: Context, args: argparse.Namespace) -> int:
    backup, new = ctx.backup("manual")
    if new:
        print(f"{_shown(ctx, backup)}: backed up ({_size(backup)})")
    else:
        print(f"{_shown(ctx, backup)}: the project is unchanged since this backup; nothing new written")
    return 0


def run_restore(ctx: Context, args: argparse.Namespace) -> int:
    from codeer.store.backup import backup_folder, find_backup, list_backups, restore_backup, sqlite_file
    from codeer.store.workbench import workbenches_open

    database = sqlite_file(ctx.settings.db_url)
    if database is None:
        raise CodeerError("codeer restores SQLite projects; restore a PostgreSQL database with pg_restore")
    folder = backup_folder(ctx.project)
    if args.list or args.name is None:
        backups = list_backups(folder)
        if not backups:
            print(f"no backups in {folder}")
        for backup in backups:
            print(f"{backup.name}  {backup.at:%Y-%m-%d %H:%M:%S}Z  {_size(backup):>8}  {backup.reason}")
        return 0
    chosen = find_backup(folder, args.name)
    if not args.force and workbenches_open(database):
        raise CodeerError(
            "a workbench (codeer tui) is open on this project: close it first, then restore "
            "(or restore --force: an open workbench then reads the restored project again)",
            database,
        )
    safety = ctx.backup("before-restore")[0] if database.is_file() else None
    ctx.close()  # the restore writes through its own connection
    restore_backup(chosen.path, database)
    print(f"restored {_shown(ctx, chosen)} ({chosen.at:%Y-%m-%d %H:%M:%S}Z)")
    if safety is not None:
        print(f"the state before is in {_shown(ctx, safety)} (codeer restore {safety.name} takes it back)")
    return 0
