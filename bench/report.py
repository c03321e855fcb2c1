"""The report of a run: where it ran, the one fixed-width table, the names of the latest JSON
results, and one database's outcome (several databases' rows paired side by side)."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Row


def _load() -> float:
    """The one-minute load average: on a shared machine, read every figure next to it."""
    return round(os.getloadavg()[0], 1)


def machine() -> dict[str, object]:
    """Where this ran."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "system": platform.platform(),
    }


def table(rows: list[Row], databases: list[str] | None = None) -> str:
    """The one table, fixed-width; with ``databases``, a first column says which one."""
    headers = ["scenario", "p50 ms", "p95 ms", "ratio to floor", "queries/req", "target", "result"]
    lines = [
        [
            r.scenario,
            f"{r.p50_ms:.1f}" if r.p50_ms is not None else "-",
            f"{r.p95_ms:.1f}" if r.p95_ms is not None else "-",
            r.ratio or "-",
            r.queries or "-",
            r.target or "-",
            r.result + (f" ({r.note})" if r.note else ""),
        ]
        for r in rows
    ]
    if databases is not None:
        headers.insert(0, "db")
        lines = [[db, *line] for db, line in zip(databases, lines, strict=True)]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]
    widths[-1] = len(headers[-1])

    def fmt(cells: list[str]) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [fmt(headers), "-+-".join("-" * w for w in widths)]
    out.extend(fmt(line) for line in lines)
    return "\n".join(out)


def latest_name(kind: str, size: str) -> str:
    """The latest result of ``size`` on ``kind`` (SQLite keeps its old name)."""
    return f"latest-{size}.json" if kind == "sqlite" else f"latest-{kind}-{size}.json"


@dataclass
class Outcome:
    """One database's run: its rows, title and JSON report."""

    kind: str
    title: str
    rows: list[Row]
    report: dict


def paired(outcomes: list[Outcome]) -> tuple[list[Row], list[str]]:
    """Rows of several databases, each scenario's rows next to each other."""
    order: list[str] = []
    by_name: dict[str, list[tuple[str, Row]]] = {}
    for outcome in outcomes:
        for row in outcome.rows:
            if row.scenario not in by_name:
                order.append(row.scenario)
            by_name.setdefault(row.scenario, []).append((outcome.kind, row))
    rows, labels = [], []
    for name in order:
        for kind, row in by_name[name]:
            rows.append(row)
            labels.append(kind)
    return rows, labels
