"""``make bench DB=postgres|both``: where each run's database lives and how both print as one."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from bench.databases import PostgresBench, SQLiteBench, open_database
from bench.measure import Row
from bench.report import Outcome, latest_name, paired, table


def outcome(kind: str, *names: str) -> Outcome:
    return Outcome(kind, f"{kind} title", [Row(n, 1.0, 2.0, result="pass") for n in names], {})


def test_both_databases_print_each_scenario_side_by_side_with_a_db_column():
    rows, labels = paired([outcome("sqlite", "F1", "S1"), outcome("postgres", "F1", "S1", "S9")])
    assert [(label, r.scenario) for label, r in zip(labels, rows, strict=True)] == [
        ("sqlite", "F1"),
        ("postgres", "F1"),
        ("sqlite", "S1"),
        ("postgres", "S1"),
        ("postgres", "S9"),
    ]
    lines = table(rows, labels).splitlines()
    assert lines[0].startswith("db ") and "scenario" in lines[0]
    assert lines[3].startswith("postgres | F1")


def test_one_database_prints_without_a_db_column():
    assert table(outcome("sqlite", "F1").rows).startswith("scenario ")


@pytest.mark.parametrize(
    ("kind", "name"), [("sqlite", "latest-S.json"), ("postgres", "latest-postgres-S.json")]
)
def test_each_database_keeps_its_own_latest_result(kind, name):
    assert latest_name(kind, "S") == name


def test_the_postgres_run_uses_a_database_of_its_own_on_the_named_server(monkeypatch):
    monkeypatch.setenv("BENCH_POSTGRES_URL", "postgresql://bench@db.example.test:5433/postgres")
    database = open_database("postgres", "M")
    assert isinstance(database, PostgresBench)
    url = sa.make_url(database.url)
    assert (url.drivername, url.host, url.port, url.database) == (
        "postgresql+psycopg",
        "db.example.test",
        5433,
        f"rekindle_bench_m_{os.getpid()}",
    )
    assert isinstance(open_database("sqlite", "M"), SQLiteBench)
