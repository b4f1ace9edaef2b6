"""What every command needs: the project's settings and, opened on first use, its database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from codeer.config import Settings
from codeer.store.database import Database, open_database


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
            self._db = open_database(self.settings.db_url)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
