"""What every command needs: the project's settings and, opened on first use, its database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from codeer.errors import CodeerError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from codeer.config import Settings
    from codeer.store.backup import Backup
    from codeer.store.database import Database


@dataclass
class Context:
    settings: Settings
    _db: Database | None = field(default=None, repr=False)

    @property
    def project(self) -> Path:
        return self.settings.project

    @property
    def db(self) -> Database:
        if self._db is None:
            from codeer.store.database import open_database
            from codeer.store.login import coder_for, connection_login

            db = open_database(self.settings.db_url, before_upgrade=self.before_upgrade)
            try:
                with db.engine.connect() as conn:  # on PostgreSQL the login is the coder
                    self.settings.coder = coder_for(connection_login(conn), self.settings.coder)
            except BaseException:
                db.close()
                raise
            self._db = db
        return self._db

    @property
    def coder(self) -> str:
        """Who is working: on PostgreSQL the login (see :mod:`codeer.store.login`), else the settings'."""
        self.db  # noqa: B018 - opening the database settles the coder
        return self.settings.coder

    def readable(self, session: Session, coders: Sequence[str]) -> Sequence[str]:
        """The coders whose work this command may read ([] for everyone), by the blind-coding rule."""
        from codeer.store.blinding import readable_coders

        return readable_coders(session, self.coder, coders, self.settings.show_others_allowed)

    def before_upgrade(self, revision: str | None) -> None:
        if revision is not None:  # None: a new project, nothing to keep yet
            self.auto_backup(f"before-upgrade-from-{revision}")

    def backup(self, reason: str) -> tuple[Backup, bool]:
        """Back up a SQLite project now into ``PROJECT/backups`` (see :mod:`codeer.store.backup`)."""
        from codeer.store.backup import backup_folder, make_backup, sqlite_file

        path = sqlite_file(self.settings.db_url)
        if path is None:
            raise CodeerError("codeer backs up SQLite projects; back up a PostgreSQL database with pg_dump")
        if self.settings.backups < 0:
            raise CodeerError("setting 'backups' must be 0 or more", self.project / "codeer.yaml")
        return make_backup(path, backup_folder(self.project), reason, self.settings.backups)

    def auto_backup(self, reason: str) -> Backup | None:
        """The automatic backup before a migration or an import: SQLite only, unless ``backups: 0``."""
        from codeer.store.backup import sqlite_file

        path = sqlite_file(self.settings.db_url)
        if path is None or self.settings.backups == 0 or not path.is_file() or path.stat().st_size == 0:
            return None
        backup, _ = self.backup(reason)
        return backup

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
