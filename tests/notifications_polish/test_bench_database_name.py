"""The PostgreSQL bench database is each run's own (a run never drops another's) and is
dropped at the end, also when seeding fails. Nothing here touches a PostgreSQL server."""

from __future__ import annotations

import argparse
import os

import pytest

from bench import run
from bench.databases import PostgresBench, database_name


def test_each_run_names_its_database_after_its_process():
    assert database_name("S", pid=111) != database_name("S", pid=222)
    assert database_name("S") == f"rekindle_bench_s_{os.getpid()}"
    assert PostgresBench("S").name == database_name("S")


def test_a_run_creates_and_drops_only_its_own_database(monkeypatch):
    statements: list[str] = []
    monkeypatch.setattr(PostgresBench, "_admin", lambda self, sql: statements.append(sql))
    database = PostgresBench("S")
    database.discard()
    assert statements == [f'DROP DATABASE IF EXISTS "{database_name("S")}" WITH (FORCE)']


class FailingSeed:
    """A database whose seeding fails half-way (after the database was created)."""

    label = "postgres"
    discarded = False

    def prepare(self, log) -> float:
        raise RuntimeError("seed-bench failed")

    def discard(self) -> None:
        self.discarded = True


def test_a_failed_seed_still_drops_the_database(monkeypatch):
    database = FailingSeed()
    monkeypatch.setattr(run, "open_database", lambda kind, size: database)
    monkeypatch.setattr(run, "log", lambda *a, **k: None)
    with pytest.raises(RuntimeError, match="seed-bench failed"):
        run.run_on("postgres", argparse.Namespace(size="S"))
    assert database.discarded


def test_the_bench_still_explains_itself():
    with pytest.raises(SystemExit) as exit_:
        run.main(["--help"])
    assert exit_.value.code == 0
