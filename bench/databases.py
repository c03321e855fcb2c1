"""The database a benchmark run measures on: a copy of the SQLite fixture, or PostgreSQL.

``--db sqlite`` (the default) keeps the fixture in ``instance/bench-<size>.db`` between runs
and serves a throw-away copy of it. ``--db postgres`` creates a database of its own on the
server named by ``BENCH_POSTGRES_URL`` (default: the local server, user postgres), fills it
with the same generator and seed (``seed-bench``, rows in bulk), serves it and drops it at the
end, so every run starts from the same rows and leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from bench.server import ROOT, ensure_fixture, working_copy

#: Names this checkout in the benchmark's PostgreSQL database names.
CHECKOUT = hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
KINDS = ("sqlite", "postgres")


class BenchDatabase:
    """One run's database: ``prepare`` it, serve ``url``, then ``discard`` it."""

    kind = ""
    label = ""

    def __init__(self, size: str) -> None:
        self.size = size
        self.url = ""

    def prepare(self, log: Callable[[str], None]) -> float | None:
        """Make the database ready; returns the seconds spent generating rows (None: reused)."""
        raise NotImplementedError

    def discard(self) -> None:
        """Remove what ``prepare`` made for this run."""
        raise NotImplementedError

    def version(self) -> str:
        """The engine and its version, for the title line."""
        raise NotImplementedError

    def busy_markers(self) -> tuple[str, ...]:
        """Server-log phrases that mean a write waited on a lock and gave up (T8)."""
        raise NotImplementedError


class SQLiteBench(BenchDatabase):
    """A throw-away copy of the fixture file, kept between runs until the generator changes."""

    kind = label = "sqlite"

    def prepare(self, log: Callable[[str], None]) -> float | None:
        fixture, seconds = ensure_fixture(self.size, log)
        self.path = working_copy(fixture)
        self.url = f"sqlite:///{self.path}"
        return seconds

    def discard(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def version(self) -> str:
        return f"SQLite {sqlite3.sqlite_version}"

    def busy_markers(self) -> tuple[str, ...]:
        return ("database is locked",)


def database_name(size: str, pid: int | None = None) -> str:
    """The PostgreSQL database of one run: the size and the running process's id."""
    return f"rekindle_bench_{size.lower()}_{os.getpid() if pid is None else pid}"


class PostgresBench(BenchDatabase):
    """``rekindle_bench_<size>_<pid>`` on the PostgreSQL server, created and dropped by the run.

    The process id makes the name the run's own: two runs at once (two engineers, or S and M
    side by side) each create and drop their own database, never the other's.
    """

    kind = label = "postgres"

    def __init__(self, size: str) -> None:
        super().__init__(size)
        server = sa.make_url(_psycopg(os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES))
        self.admin_url = server
        self.name = database_name(size)
        self.url = server.set(database=self.name).render_as_string(hide_password=False)

    def _admin(self, statement: str) -> None:
        engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(sa.text(statement))
        finally:
            engine.dispose()

    def prepare(self, log: Callable[[str], None]) -> float:
        # The name is this process's own, so nobody else's database can be in the way; one
        # left by a killed run of the same pid (recycled) is its own leftover too.
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.name}"')
        log(f"Generating fixture {self.size} into PostgreSQL database {self.name} ...")
        started = time.perf_counter()
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REKINDLE_ENV")}
        subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, "-m", "flask", "--app", "bench.wsgi", "seed-bench"]
            + ["--size", self.size, "--database", self.url],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        # Fresh statistics, as autovacuum would give a database that has been running a while.
        self._run_in_bench("ANALYZE")
        seconds = time.perf_counter() - started
        log(f"Fixture {self.size} generated in {seconds:.1f} s.")
        return seconds

    def _run_in_bench(self, statement: str) -> str | None:
        engine = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                result = conn.execute(sa.text(statement))
                return str(result.scalar()) if result.returns_rows else None
        finally:
            engine.dispose()

    def discard(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def version(self) -> str:
        engine = sa.create_engine(self.admin_url)
        try:
            with engine.connect() as conn:
                return f"PostgreSQL {conn.execute(sa.text('SHOW server_version')).scalar()}"
        finally:
            engine.dispose()

    def busy_markers(self) -> tuple[str, ...]:
        return ("deadlock detected", "could not obtain lock", "lock timeout", "too many clients")


def _psycopg(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def open_database(kind: str, size: str) -> BenchDatabase:
    """The run's database of ``kind`` (``sqlite`` or ``postgres``)."""
    return {"sqlite": SQLiteBench, "postgres": PostgresBench}[kind](size)
