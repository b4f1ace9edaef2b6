"""A throwaway PostgreSQL server for tests and benchmarks: started in a temporary folder, stopped at the end.

The server runs from the Debian packages' binaries (``/usr/lib/postgresql/*/bin``, or ``CODEER_PG_BIN``).
As root it runs as the ``postgres`` system user (PostgreSQL refuses to run as root); as anyone else it runs as
that user. It listens on 127.0.0.1 at a free port and on a Unix socket in its own folder, with password
authentication over TCP, so that tests see real credentials in URLs (and can check they are never shown).

A missing PostgreSQL is a failure, never a skip: the team backend must be tested on every run.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

PREFERRED_VERSION = "15"
INSTALL_HINT = "apt-get install -y postgresql-15 (or postgresql), or set CODEER_PG_BIN to its bin folder"
SUPERUSER = "codeer_admin"


def find_bin() -> Path:
    """The folder holding initdb, pg_ctl and postgres; raise RuntimeError when PostgreSQL is missing."""
    wanted = os.environ.get("CODEER_PG_BIN")
    candidates = [Path(wanted)] if wanted else []
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: (Path(p).parent.name != "15", p))
    candidates += [Path(p) for p in found]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for folder in candidates:
        if all((folder / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise RuntimeError(f"PostgreSQL server binaries not found; {INSTALL_HINT}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    """A running server; ``url(database)`` gives a SQLAlchemy URL with the superuser's password in it."""

    folder: Path
    bin: Path
    port: int
    password: str
    run_as: str | None

    @classmethod
    def start(cls, *, fast: bool = True) -> PostgresServer:
        """Start a new server; ``fast`` trades durability for speed (tests), off for realistic benchmarks."""
        bin_folder = find_bin()
        run_as = "postgres" if os.geteuid() == 0 else None
        # Not under pytest's tmp folders: those are private to root and the server user could not enter.
        folder = Path(tempfile.mkdtemp(prefix="codeer-pg-"))
        server = cls(folder, bin_folder, free_port(), secrets.token_urlsafe(16), run_as)
        if run_as:
            entry = pwd.getpwnam(run_as)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        pwfile = folder / "pwfile"
        pwfile.write_text(server.password + "\n")
        if run_as:
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        pwfile.chmod(0o600)
        server._run(
            "initdb",
            "-D",
            str(server.data),
            "-U",
            SUPERUSER,
            f"--pwfile={pwfile}",
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "--encoding=UTF8",
            "--locale=C",
        )
        pwfile.unlink()
        tries = 3  # another test run may take the free port first: then try another
        while True:
            try:
                server._launch(fast)
                return server
            except RuntimeError:
                tries -= 1
                if not tries:
                    raise
                server.port = free_port()

    def _launch(self, fast: bool) -> None:
        options = [
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.folder}",
            "-c max_connections=100",
            "-c TimeZone=Europe/Amsterdam",  # not UTC, so that time zone mistakes show
        ]
        if fast:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        log = str(self.folder / "server.log")
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", log, "-w", "-t", "60", "-o", " ".join(options), "start"
        )

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}\n{tail}")

    def url(self, database: str = "postgres", *, user: str = SUPERUSER, password: str | None = None) -> str:
        secret = self.password if password is None else password
        return f"postgresql+psycopg://{user}:{secret}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        """A superuser connection in autocommit mode, for set-up statements (CREATE ROLE, GRANT, ...)."""
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=SUPERUSER,
            password=self.password,
            dbname=database,
            autocommit=True,
        )

    def execute(self, statement: sql.Composable | str, database: str = "postgres") -> None:
        with self.connect(database) as conn:
            conn.execute(statement)

    def create_database(self, name: str | None = None, owner: str = SUPERUSER) -> str:
        """A new empty database; returns its name."""
        name = name or f"t_{secrets.token_hex(6)}"
        with self.connect() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(owner))
            )
        return name

    def drop_database(self, name: str) -> None:
        with self.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
