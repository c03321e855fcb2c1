"""What the benchmark measures with: latencies of a scenario over repeats (``Measure``), one row
of the table (``Row``), the nearest-rank percentile, and progress on stderr."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

MIB = 1024 * 1024
Job = Callable[[], tuple[float, int | None]]


def log(message: str) -> None:
    """Progress goes to stderr; the table alone goes to stdout."""
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: every value reported was measured)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


@dataclass
class Measure:
    """Latencies of one scenario over several repeats."""

    p50s: list[float] = field(default_factory=list)
    p95s: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    samples: list[float] = field(default_factory=list)
    errors: int = 0

    def add_repeat(self, seconds: list[float]) -> None:
        """One repeat's latencies."""
        self.p50s.append(percentile(seconds, 50))
        self.p95s.append(percentile(seconds, 95))
        self.samples.extend(seconds)

    @property
    def p50(self) -> float:
        """Median over repeats of each repeat's p50, in ms."""
        return statistics.median(self.p50s) * 1000

    @property
    def p95(self) -> float:
        """Median over repeats of each repeat's p95, in ms."""
        return statistics.median(self.p95s) * 1000

    @property
    def query_count(self) -> int | None:
        """Statements of a typical request (the most common count)."""
        return statistics.mode(self.queries) if self.queries else None

    @property
    def queries_text(self) -> str:
        """The typical count, and the range when some requests differ (deferred writes)."""
        if not self.queries:
            return "-"
        low, high, mode = min(self.queries), max(self.queries), self.query_count
        return str(mode) if low == high else f"{mode} ({low}-{high})"


@dataclass
class Row:
    """One line of the table."""

    scenario: str
    p50_ms: float | None = None
    p95_ms: float | None = None
    ratio: str = ""
    queries: str = ""
    target: str = ""
    result: str = "n/a"
    note: str = ""
