"""The core of a benchmark run against one server: signed-in visitors, timed GETs, and jobs
measured round-robin so that each scenario and its floor see the same machine."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from bench.client import Result, Visitor
from bench.databases import BenchDatabase
from bench.measure import Job, Measure, Row, log
from bench.pages import Targets
from bench.server import Server


class BenchBase:
    """One server, its accounts and routes, and what was measured on it so far."""

    def __init__(
        self,
        server: Server,
        targets: Targets,
        args: argparse.Namespace,
        f2_html: str,
        database: BenchDatabase | None = None,
    ) -> None:
        self.server = server
        self.db_kind = database.kind if database else "sqlite"
        self.busy_markers = database.busy_markers() if database else ("database is locked",)
        self.t = targets
        self.args = args
        self.f2_html = f2_html
        self.m: dict[str, Measure] = {}
        self.rows: list[Row] = []
        self.extra: dict[str, object] = {}
        self._visitors: dict[str, Visitor] = {}

    # -- helpers -------------------------------------------------------------------------

    def visitor(self, email: str) -> Visitor:
        """A signed-in visitor, one per account, reused."""
        if email not in self._visitors:
            v = Visitor("127.0.0.1", self.server.port)
            v.login(email, self.t.password)
            self._visitors[email] = v
        return self._visitors[email]

    def fetch(self, visitor: Visitor, path: str, expect: str = "text/html") -> Result:
        """GET that must succeed (a PDF is followed through its job page)."""
        result = visitor.get_pdf(path) if expect == "application/pdf" else visitor.get(path)
        if result.status != 200 or expect not in result.headers.get("content-type", ""):
            raise RuntimeError(f"GET {path} answered HTTP {result.status}")
        return result

    def sequential(
        self, name: str, visitor: Visitor, path: str, n: int, expect: str = "text/html"
    ) -> Measure:
        """``n`` requests of one page one after another, ``repeats`` times."""
        self.together({name: self.page_job(visitor, path, expect)}, n)
        return self.m[name]

    def page_job(self, visitor: Visitor, path: str, expect: str = "text/html") -> Job:
        """A warmed-up GET, timed end to end, with its statement count."""
        for _ in range(3):  # every gunicorn worker compiles its templates first
            self.fetch(visitor, path, expect)

        def job() -> tuple[float, int | None]:
            r = self.fetch(visitor, path, expect)
            return r.seconds, r.queries

        return job

    def together(self, jobs: dict[str, Job], n: int) -> None:
        """Measure several jobs round-robin, so each ratio compares like with like.

        The machine is shared and noisy; interleaving puts a scenario and its floor under the
        same conditions, where measuring one after the other would compare two moments.
        """
        for name in jobs:
            self.m.setdefault(name, Measure())
        for _ in range(self.args.repeats):
            seconds: dict[str, list[float]] = {name: [] for name in jobs}
            for _ in range(n):
                for name, job in jobs.items():
                    elapsed, queries = job()
                    seconds[name].append(elapsed)
                    if queries is not None:
                        self.m[name].queries.append(queries)
            for name in jobs:
                self.m[name].add_repeat(seconds[name])

    def attempt(self, name: str, fn: Callable[[], None]) -> None:
        """Run one step; a failure becomes a row, never a crash of the whole run."""
        log(f"  {name} ...")
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - report and go on with the others
            self.rows.append(Row(name, result="ERROR", note=f"{type(exc).__name__}: {exc}"))
            log(f"    failed: {exc}")
