"""Backups of a SQLite project: made with SQLite's online backup API, kept in ``PROJECT/backups/``.

Months of coding live in one file, so codeer copies it before anything that rewrites much of it (a schema
migration, an import of transcripts, codings, a codebook or a QDPX project) and on request
(``codeer backup``). The online backup API copies a consistent state even while other codeer processes
write (a plain file copy of a WAL database can miss the last commits or tear a page).

- A backup is written under a temporary name and renamed when complete, so a crash never leaves a
  half-written file that looks like a backup. Folder and files are readable by their owner only: they hold
  the same personal data as the project.
- Names sort by time: ``codeer-20261124T040000Z-before-import.db``. Only the newest ``keep`` are kept.
- A backup whose content equals the newest one is not made again (an import of unchanged files, run every
  morning, would otherwise push the useful backups out).
- Restoring copies the backup into the live database with the same API, as one transaction: other
  processes see the old project or the restored one, never a mix. The current state is backed up first.

PostgreSQL projects are backed up with the server's own tools (``pg_dump``); see the README.
"""

from __future__ import annotations

import filecmp
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from codeer.errors import CodeerError
from codeer.store.database import parse_url

BACKUP_FOLDER = "backups"
PREFIX = "codeer-"
SUFFIX = ".db"
STAMP = "%Y%m%dT%H%M%SZ"
NAME = re.compile(r"^codeer-(\d{8}T\d{6}Z)(?:-(\d+))?-([a-z0-9-]+)\.db$")
PARTIAL = ".partial"


@dataclass(frozen=True)
class Backup:
    """One backup file; ``reason`` is what it was made before (``before-import``) or ``manual``."""

    path: Path
    at: datetime
    reason: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def backup_folder(project: Path) -> Path:
    return project / BACKUP_FOLDER


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other backends (and in-memory databases)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _slug(reason: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-") or "manual"


def list_backups(folder: Path) -> list[Backup]:
    """The backups in ``folder``, oldest first (other files there are left alone)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = NAME.match(path.name)
        if match and path.is_file():
            at = datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC)
            found.append((at, int(match.group(2) or 1), Backup(path, at, match.group(3))))
    return [backup for _, _, backup in sorted(found, key=lambda item: (item[0], item[1]))]


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)


def _new_private_file(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _free_name(folder: Path, at: datetime, reason: str) -> Path:
    """A new name for a backup made at ``at``; a second one within the same second is numbered ``-2``."""
    stamp = at.strftime(STAMP)
    number = 1 + len(list(folder.glob(f"{PREFIX}{stamp}-*")))
    tag = stamp if number == 1 else f"{stamp}-{number}"
    return folder / f"{PREFIX}{tag}-{reason}{SUFFIX}"


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of the database ``source`` into the new private file ``target``, one file alone.

    The copy is switched to a rollback journal, so it is one self-contained file (no ``-wal`` beside it).
    """
    _new_private_file(target)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as exc:
        dst.close()
        target.unlink(missing_ok=True)
        raise CodeerError(f"cannot back up the project: {exc}", source) from exc
    finally:
        src.close()
        dst.close()


def make_backup(database: Path, folder: Path, reason: str, keep: int) -> tuple[Backup, bool]:
    """Back up ``database`` into ``folder``; return the backup and whether it is new.

    When the content equals the newest backup, that one is returned instead (and nothing is written).
    After a new backup, only the newest ``keep`` backups stay (never fewer than this one).
    """
    if not database.is_file():
        raise CodeerError("there is no project database to back up yet", database)
    _private_folder(folder)
    at = datetime.now(UTC).replace(microsecond=0)
    final = _free_name(folder, at, _slug(reason))
    partial = final.with_name(final.name + PARTIAL)
    _copy(database, partial)
    existing = list_backups(folder)
    if existing and filecmp.cmp(partial, existing[-1].path, shallow=False):
        partial.unlink()
        return existing[-1], False
    os.replace(partial, final)
    backup = Backup(final, at, _slug(reason))
    prune(folder, keep)
    return backup, True


def prune(folder: Path, keep: int) -> list[Backup]:
    """Delete all but the newest ``keep`` backups (at least one stays); return the deleted ones."""
    backups = list_backups(folder)
    doomed = backups[: max(0, len(backups) - max(keep, 1))]
    for backup in doomed:
        backup.path.unlink(missing_ok=True)
    return doomed


def find_backup(folder: Path, name: str) -> Backup:
    """The backup named ``name`` (with or without ``.db``), or the file at that path."""
    backups = list_backups(folder)
    for backup in backups:
        if name in (backup.name, backup.name.removesuffix(SUFFIX)):
            return backup
    path = Path(name)
    if path.is_file():
        return Backup(path, datetime.fromtimestamp(path.stat().st_mtime, UTC), "file")
    known = ", ".join(b.name for b in backups[-3:]) or "none yet"
    raise CodeerError(f"no backup {name!r} (newest: {known}; see codeer restore --list)", folder)


def check_backup(path: Path) -> None:
    """A backup must be a sound SQLite file holding a codeer project before it may replace the project."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            state = conn.execute("PRAGMA integrity_check").fetchone()
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise CodeerError(f"not a usable backup: {exc}", path) from exc
    if state is None or state[0] != "ok":
        raise CodeerError(f"the backup is damaged: {state[0] if state else 'no answer'}", path)
    if not {"alembic_version", "transcripts", "codings"} <= tables:
        raise CodeerError("not a codeer project backup", path)


def restore_backup(backup: Path, database: Path) -> None:
    """Replace the project in ``database`` by the backup, in one transaction.

    The backup API writes into the live file under its write lock (waiting for other writers up to the busy
    timeout), so a killed restore leaves the old project and other processes never see half of one.
    """
    check_backup(backup)
    if not database.exists():
        _new_private_file(database)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    dst = sqlite3.connect(database, timeout=30)
    try:
        dst.execute("PRAGMA journal_mode = WAL")
        src.backup(dst)
    except sqlite3.Error as exc:
        raise CodeerError(f"cannot restore {backup.name}: {exc}", database) from exc
    finally:
        src.close()
        dst.close()
