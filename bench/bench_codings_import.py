"""Codings import speed: ``codeer codings import`` of a large codings CSV as a user runs it, beside the bare
database driver writing the same rows into the same tables, in the same run.

A project of N codings is generated (:mod:`gen_codings_project`, untimed) and its codings are taken out again,
so the project holds transcripts, codes and coders, and ``codings.csv`` holds the codings to import.

- ``codeer codings import codings.csv``: the whole command in its own process (interpreter and CLI start-up,
  reading and checking the file, the automatic backup of a SQLite project, codings and history written);
- baseline: the rows the import stored (every coding and every history event, read back untimed) written
  into the same, emptied tables by the bare driver: ``sqlite3`` ``executemany`` on SQLite, ``COPY`` (psycopg)
  on PostgreSQL, then a commit. Only that writing is timed.

The ratio command / baseline is what the goals are about (<= 2 on both backends; <= 30 s for a million rows
on SQLite). Run on a quiet machine:

    python bench/bench_codings_import.py [--codings 1000000] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from gen_codings_project import generate  # noqa: E402

TABLES = ("codings", "coding_events")


def _env() -> dict[str, str]:
    """The environment of a user's shell: bytecode cached as an installed codeer has it."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(HERE.parent / "src")
    return env


def run_command(args: list[str]) -> float:
    """Wall time of ``codeer ARGS`` as its own process."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "codeer.cli.main", *args], check=True, env=_env(), stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def _columns(conn, table: str, dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    cursor = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        (table,),
    )
    return [row[0] for row in cursor]


def _quoted(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def sqlite_route(folder: Path) -> tuple[float, float, int]:
    """(command seconds, baseline seconds, rows) on SQLite."""
    project, empty = folder / "project", folder / "empty.db"
    project.mkdir()
    shutil.copy(empty, project / "codeer.db")
    command = run_command(["--project", str(project), "codings", "import", str(folder / "codings.csv")])
    with sqlite3.connect(project / "codeer.db") as conn:
        stored = {
            t: (_columns(conn, t, "sqlite"), conn.execute(f"SELECT * FROM {t}").fetchall()) for t in TABLES
        }
    target = folder / "baseline.db"
    shutil.copy(empty, target)
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    started = time.perf_counter()
    for table, (columns, rows) in stored.items():
        marks = ", ".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {table} ({_quoted(columns)}) VALUES ({marks})", rows)
    conn.commit()
    baseline = time.perf_counter() - started
    conn.close()
    return command, baseline, sum(len(rows) for _, rows in stored.values())


def postgres_route(folder: Path, codings: int) -> tuple[float, float, int]:
    """(command seconds, baseline seconds, rows) on PostgreSQL (a throwaway server of tests/pg.py)."""
    from pg import PostgresServer

    server = PostgresServer.start()
    try:
        url = server.url(server.create_database())
        generate(folder / "pg", codings, url=url)
        with server.connect(url.rsplit("/", 1)[1]) as conn:
            conn.execute("DELETE FROM codings")
            conn.execute("VACUUM ANALYZE codings")
        csv_path = folder / "pg" / "codings.csv"
        command = run_command(
            ["--project", str(folder / "pg"), "--db", url, "codings", "import", str(csv_path)]
        )
        database = url.rsplit("/", 1)[1]
        with server.connect(database) as conn:
            stored = {}
            for table in TABLES:
                columns = _columns(conn, table, "postgresql")
                stored[table] = (columns, conn.execute(f"SELECT {_quoted(columns)} FROM {table}").fetchall())
                conn.execute(f"DELETE FROM {table}")
                conn.execute(f"VACUUM ANALYZE {table}")
        import psycopg

        conn = psycopg.connect(server.url(database).replace("postgresql+psycopg", "postgresql"))
        started = time.perf_counter()
        with conn.cursor() as cursor:
            for table, (columns, rows) in stored.items():
                with cursor.copy(f"COPY {table} ({_quoted(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        conn.commit()
        baseline = time.perf_counter() - started
        conn.close()
        return command, baseline, sum(len(rows) for _, rows in stored.values())
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-codings-") as tmp:
        folder = Path(tmp)
        results = []
        if args.backend in ("sqlite", "both"):
            made = generate(folder, args.codings)
            conn = sqlite3.connect(folder / "codeer.db", isolation_level=None)
            conn.execute("PRAGMA journal_mode = DELETE")  # one file, WAL folded in, to copy as it is
            conn.execute("DELETE FROM codings")
            conn.execute("VACUUM")
            conn.close()
            (folder / "codeer.db").rename(folder / "empty.db")
            print(f"{made} codings in codings.csv", flush=True)
            results.append(("sqlite", "executemany", *sqlite_route(folder)))
        if args.backend in ("postgresql", "both"):
            results.append(("postgresql", "COPY", *postgres_route(folder, args.codings)))
    print(
        f"{'backend':<11} {'rows written':>12} {'codeer codings import':>22} {'bare driver':>20} {'ratio':>6}"
    )
    for backend, how, command, baseline, rows in results:
        print(
            f"{backend:<11} {rows:>12} {command:>20.2f} s {how:>11} {baseline:>6.2f} s {command / baseline:>5.2f}x"  # noqa: E501
        )


if __name__ == "__main__":
    main()
