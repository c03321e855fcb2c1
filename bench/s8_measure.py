"""What S8 measures beside Locust's figures: CPU of the app, the database and Locust, CPU pressure,
what the database's backends wait on, and the web workers' profile (``bench.profile``).
"""

from __future__ import annotations

import json
import os
import resource
import threading
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from bench.databases import PostgresBench

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (those still alive)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def database_backends(database: PostgresBench) -> list[int]:
    """Pids of the PostgreSQL backends serving this run's database (not the server's others)."""
    engine = sa.create_engine(database.admin_url)
    try:
        with engine.connect() as conn:
            return [
                r[0]
                for r in conn.execute(
                    sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :d"),
                    {"d": database.name},
                )
            ]
    finally:
        engine.dispose()


class WaitSampler(threading.Thread):
    """What this database's busy backends wait on, sampled every 0.2 s during a step."""

    def __init__(self, database: PostgresBench) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.counts: Counter[str] = Counter()
        self.done = threading.Event()

    def run(self) -> None:
        engine = sa.create_engine(self.database.admin_url)
        query = sa.text(
            "SELECT coalesce(wait_event_type || ': ' || wait_event, 'on CPU') FROM "
            "pg_stat_activity WHERE datname = :d AND state = 'active' AND pid <> pg_backend_pid()"
        )
        try:
            with engine.connect() as conn:
                while not self.done.wait(0.2):
                    for (what,) in conn.execute(query, {"d": self.database.name}):
                        self.counts[what] += 1
                    conn.rollback()
        finally:
            engine.dispose()

    def shares(self) -> dict[str, float]:
        total = sum(self.counts.values()) or 1
        return {k: round(100 * v / total, 1) for k, v in self.counts.most_common(6)}


def children_cpu_seconds() -> float:
    """CPU seconds of this process's children that have ended (each step's Locust)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_pressure_seconds() -> float:
    """Seconds so far during which some runnable task waited for a CPU (-1 without PSI)."""
    try:
        some = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except (OSError, IndexError):
        return -1.0
    return int(some.rsplit("total=", 1)[1]) / 1e6


def top_sites(folder: Path, n: int = 10) -> dict[str, float]:
    """The app's functions the busy samples were under, innermost, as shares of busy samples."""
    counts: Counter[str] = Counter()
    for path in folder.glob("sites-*.json"):
        for name, count in json.loads(path.read_text()):
            counts[name] += count
    total = sum(counts.values()) or 1
    return {k: round(100 * v / total, 1) for k, v in counts.most_common(n)}


def profile_shape(folder: Path) -> dict[str, float]:
    """The web workers' samples, added up, as shares of the time they were not idle."""
    counts: dict[str, int] = {}
    for path in folder.glob("profile-*.json"):
        for name, n in json.loads(path.read_text()).items():
            counts[name] = counts.get(name, 0) + n
    busy = {k: v for k, v in counts.items() if not k.startswith("idle")}
    total = sum(busy.values()) or 1
    return {k: round(100 * v / total, 1) for k, v in sorted(busy.items(), key=lambda kv: -kv[1])}
