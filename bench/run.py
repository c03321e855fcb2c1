"""``python -m bench.run --size S|M|L``: the benchmark of docs/performance.md, end to end.

Generates (or reuses) the fixture, copies it, starts gunicorn with the production settings on a
free loopback port, warms up, measures the floors F1/F2 and the scenarios S1–S6 from this
process, repeats each measurement, then prints one table and writes it as JSON under
``bench/results/``. Ratios are to floors measured in the same run, because absolute times on a
shared 2-core machine mean little.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import signal
import sqlite3
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import big_pdfs, notify_burst
from bench.client import Result, Visitor, find_form, parse
from bench.databases import KINDS, BenchDatabase, open_database
from bench.f2 import f2_html
from bench.pages import Targets, discover
from bench.server import RESULTS, Server

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


class Bench:
    """Runs every scenario against one server."""

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

    # -- pages: F1, S1, S2, S3 measured together -----------------------------------------

    def pages(self) -> None:
        """F1 and every page scenario, interleaved; then their rows."""
        a = self.visitor(self.t.counselor_a)
        jobs: dict[str, Job] = {"F1": self.page_job(a, self.t.floor)}
        jobs["S1"] = self.page_job(a, self.t.dashboard)
        if self.t.counselor_big:
            jobs["S1-150"] = self.page_job(self.visitor(self.t.counselor_big), self.t.dashboard)
        if self.t.case_page:
            jobs["S2"] = self.page_job(a, self.t.case_page)
        depth = 0
        if self.t.journal_list:
            c = self.visitor(self.t.journal_client)
            jobs["S3-first"] = self.page_job(c, self.t.journal_list)
            deep_path, depth = self._deepest(c, self.t.journal_list)
            if depth:
                jobs["S3-deep"] = self.page_job(c, deep_path)
                self.extra["s3_deep_path"] = deep_path
        self.together(jobs, self.args.requests)
        self._page_rows(depth)

    def _page_rows(self, depth: int) -> None:
        m, f1 = self.m, self.m["F1"]
        self.rows.append(
            Row(
                "F1 floor page (1 PK query)",
                f1.p50,
                f1.p95,
                "1.0×F1",
                f1.queries_text,
                "floor",
                "-",
                "queries include the login-session lookup",
            )
        )
        s1 = m["S1"]
        ratio = s1.p95 / f1.p95
        q = s1.query_count
        self.rows.append(
            Row(
                "S1 dashboard, 40 clients",
                s1.p50,
                s1.p95,
                f"{ratio:.1f}×F1 p95",
                s1.queries_text,
                "T1 ≤8 q; T2 p95 ≤10×F1",
                "pass" if ratio <= 10 and q is not None and q <= 8 else "FAIL",
            )
        )
        if "S1-150" in m:
            big = m["S1-150"]
            ratio = big.p50 / s1.p50
            same = big.query_count == s1.query_count
            self.rows.append(
                Row(
                    "S1 dashboard, 150 clients",
                    big.p50,
                    big.p95,
                    f"{ratio:.2f}×S1 p50",
                    big.queries_text,
                    "T1 same q as 40; T4 ≤4×S1",
                    "pass" if ratio <= 4 and same else "FAIL",
                )
            )
        else:
            self.rows.append(
                Row("S1 dashboard, 150 clients", target="T4 ≤4×S1", note="only fixture L has one")
            )
        if "S2" in m:
            s2 = m["S2"]
            q = s2.query_count
            self.rows.append(
                Row(
                    "S2 case page",
                    s2.p50,
                    s2.p95,
                    f"{s2.p95 / f1.p95:.1f}×F1 p95",
                    s2.queries_text,
                    "T1 ≤8 q",
                    "pass" if q is not None and q <= 8 else "FAIL",
                )
            )
        else:
            self.rows.append(Row("S2 case page", target="T1 ≤8 q", note="no case page route"))
        if "S3-first" not in m:
            self.rows.append(Row("S3 journal list", target="T3", note="no journal list route"))
            return
        first = m["S3-first"]
        self.rows.append(
            Row(
                "S3 journal list, first page",
                first.p50,
                first.p95,
                f"{first.p95 / f1.p95:.1f}×F1 p95",
                first.queries_text,
            )
        )
        if "S3-deep" not in m:
            self.rows.append(
                Row("S3 journal list, deep page", target="T3 ≤1.5×first", note="no older page link")
            )
            return
        deep = m["S3-deep"]
        ratio = deep.p50 / first.p50
        self.rows.append(
            Row(
                f"S3 journal list, page {depth + 1} (last)",
                deep.p50,
                deep.p95,
                f"{ratio:.2f}×first p50",
                deep.queries_text,
                "T3 ≤1.5×first page",
                "pass" if ratio <= 1.5 else "FAIL",
            )
        )

    def _deepest(self, visitor: Visitor, path: str) -> tuple[str, int]:
        """Follow "older" links of a list to its last page."""
        current, depth = path, 0
        base = path.split("?")[0]
        seen = {path}
        while depth < 200:
            links = [
                link.replace("&amp;", "&")
                for link in parse(self.fetch(visitor, current).text).links
                if link.split("?")[0] == base and PAGING.search(link) and link not in seen
            ]
            # The last paging link on the page is the "older"/"next" one in every layout.
            if not links:
                return current, depth
            current = links[-1]
            seen.add(current)
            depth += 1
        return current, depth

    # -- PDFs: F2 and S4 measured together -----------------------------------------------

    def pick_pdfs(self) -> dict[int, int]:
        """Render counselor A's long summaries once; their page counts by session id."""
        a = self.visitor(self.t.counselor_a)
        pages = {}
        for session_id in self.t.long_sessions:
            r = a.get_pdf(self.t.pdf(session_id))
            if r.status == 200 and r.headers.get("content-type", "").startswith("application/pdf"):
                pages[session_id] = _pages(r.body)
        self.extra["pdf_pages_by_session"] = pages
        return pages

    def pdfs(self) -> None:
        """F2 (WeasyPrint alone, warm) with S4 of 3 and 6 pages, interleaved; T5, T6."""
        html = self.f2_html
        render = _warm_renderer()
        f2_pages = _pages(render(html))
        for _ in range(3):
            render(html)

        def f2_job() -> tuple[float, int | None]:
            started = time.perf_counter()
            render(html)
            return time.perf_counter() - started, None

        jobs: dict[str, Job] = {"F2": f2_job}
        pages: dict[int, int] = {}
        if self.t.pdf_rule:
            pages = self.pick_pdfs()
        a = self.visitor(self.t.counselor_a)
        three = six = None
        if pages:
            three = min(pages, key=lambda s: (abs(pages[s] - 3), s))
            six = min(pages, key=lambda s: (abs(pages[s] - 6), s))
            self.extra["pdf_three"] = three
            # Several warm-ups: each gunicorn worker starts its own render worker on first use.
            for _ in range(6):
                self.fetch(a, self.t.pdf(three), "application/pdf")
            jobs["S4-3"] = self.page_job(a, self.t.pdf(three), "application/pdf")
            if pages[six] > pages[three]:
                jobs["S4-6"] = self.page_job(a, self.t.pdf(six), "application/pdf")
        self.together(jobs, self.args.pdf_requests)
        f2 = self.m["F2"]
        self.rows.append(
            Row(
                f"F2 WeasyPrint, static {f2_pages}-page summary",
                f2.p50,
                f2.p95,
                "1.0×F2",
                "-",
                "floor",
                "-",
                "warm render worker, the summary's own HTML, CSS and fonts",
            )
        )
        if three is None:
            note = "no PDF route" if not self.t.pdf_rule else "no summary could be rendered"
            self.rows.append(Row("S4 summary PDF", target="T5, T6", note=note))
            return
        m3 = self.m["S4-3"]
        ratio = m3.p50 / f2.p50
        self.rows.append(
            Row(
                f"S4 summary PDF, {pages[three]} pages",
                m3.p50,
                m3.p95,
                f"{ratio:.2f}×F2 p50",
                m3.queries_text,
                "T5 ≤1.5×F2; T6 p50 ≤250 ms",
                ("pass" if ratio <= 1.5 else "FAIL T5")
                + ("" if m3.p50 <= 250 else ", FAIL T6 250 ms"),
            )
        )
        if "S4-6" not in self.m:
            self.rows.append(Row("S4 summary PDF, 6 pages", note="no longer summary found"))
            return
        m6 = self.m["S4-6"]
        per_page = (m6.p50 - m3.p50) / (pages[six] - pages[three])
        self.rows.append(
            Row(
                f"S4 summary PDF, {pages[six]} pages",
                m6.p50,
                m6.p95,
                f"{m6.p50 / f2.p50:.2f}×F2 p50",
                m6.queries_text,
                "T6 ≤40 ms per extra page",
                "pass" if per_page <= 40 else "FAIL",
                f"{per_page:.0f} ms per extra page",
            )
        )

    def t6_memory(self) -> None:
        """T6: render worker RSS ≤ 200 MiB and < 10 % growth over 100 renders."""
        if "pdf_three" not in self.extra:
            self.rows.append(Row("T6 render worker memory", note="no PDF measured"))
            return
        a = self.visitor(self.t.counselor_a)
        path = self.t.pdf(self.extra["pdf_three"])
        for _ in range(10):
            self.fetch(a, path, "application/pdf")
        before = self.server.pdf_workers()
        for _ in range(self.args.memory_renders):
            self.fetch(a, path, "application/pdf")
        after = self.server.pdf_workers()
        if not after:
            self.rows.append(Row("T6 render worker memory", note="no app.pdf.worker process found"))
            return
        common = [pid for pid in after if pid in before]
        growth = max((after[p] / before[p] - 1 for p in common), default=0.0)
        peak = max(after.values()) / MIB
        # Workers that grew past REKINDLE_PDF_RECYCLE_GROWTH were replaced meanwhile: what
        # the recycling costs is one warm start each, beside the renders (T6 allows it).
        replaced = [pid for pid in before if pid not in after]
        start = _worker_start_seconds()
        self.extra["pdf_worker_rss_mib"] = {
            "before": {p: round(v / MIB, 1) for p, v in before.items()},
            "after": {p: round(v / MIB, 1) for p, v in after.items()},
            "replaced": len(replaced),
            "warm_start_seconds": start,
        }
        recycled = (
            f"; {len(replaced)} of {len(before)} replaced for growing, a warm start each "
            f"({start:.1f} s of a core, beside the renders)"
            if replaced
            else ""
        )
        self.rows.append(
            Row(
                f"T6 render worker RSS, {self.args.memory_renders} renders",
                ratio=f"{peak:.0f} MiB",
                queries="-",
                target="T6 ≤200 MiB, growth <10%",
                result="pass" if peak <= 200 and growth < 0.10 else "FAIL",
                note=f"{len(after)} workers; max growth {growth * 100:.1f}%{recycled}",
            )
        )

    def s5(self) -> None:
        """S5: three clients save entries while three others read; T8 (no write gives up)."""
        if not (self.t.journal_new and self.t.journal_list):
            self.rows.append(Row("S5 save while others read", target="T8", note="no journal yet"))
            return
        log_before = len(self.server.log_text())
        writers = [self.visitor(e) for e in self.t.writers]
        readers = [self.visitor(e) for e in self.t.readers]
        stop = time.monotonic() + self.args.s5_seconds
        writes: list[float] = []
        reads: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()

        def write(v: Visitor, n: int) -> None:
            k = 0
            while time.monotonic() < stop:
                k += 1
                page = v.get(self.t.journal_new)
                form = find_form(page.text, _is_editor)
                if page.status != 200 or form is None:
                    with lock:
                        failures.append(f"form HTTP {page.status}")
                    continue
                data = form.values()
                for f in form.fields:
                    if f.get("type") == "textarea":
                        data[f["name"]] = _ENTRY_BODY
                    elif f.get("name") == "title":
                        data["title"] = f"Bench entry {n}-{k}"
                r = v.post(form.target(self.t.journal_new), data)
                with lock:
                    if r.status in (302, 303):
                        writes.append(r.seconds)
                    else:
                        failures.append(f"save HTTP {r.status}")

        def read(v: Visitor) -> None:
            while time.monotonic() < stop:
                r = v.get(self.t.journal_list)
                with lock:
                    if r.status == 200:
                        reads.append(r.seconds)
                    else:
                        failures.append(f"read HTTP {r.status}")

        threads = [threading.Thread(target=write, args=(v, i)) for i, v in enumerate(writers)]
        threads += [threading.Thread(target=read, args=(v,)) for v in readers]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        new_log = self.server.log_text()[log_before:]
        locked = sum(new_log.count(marker) for marker in self.busy_markers)
        self.extra["s5_failures"] = failures[:20]
        ok = locked == 0 and not failures and writes
        # SQLite's one phrase, or PostgreSQL's lock errors (deadlock, lock timeout) together.
        busy = f"'{self.busy_markers[0]}'" if len(self.busy_markers) == 1 else "lock errors"
        for name, values in (
            ("S5 save entry (3 writers)", writes),
            ("S5 read list (3 readers)", reads),
        ):
            m = self.m.setdefault(name, Measure())
            if values:
                m.add_repeat(values)
            self.rows.append(
                Row(
                    name,
                    m.p50 if values else None,
                    m.p95 if values else None,
                    f"{len(values)} requests",
                    "-",
                    "T8 0 locked" if "save" in name else "",
                    ("pass" if ok else "FAIL") if "save" in name else "",
                    f"{locked} {busy}, {len(failures)} failed requests" if "save" in name else "",
                )
            )

    def s6(self) -> None:
        """S6: the dashboard while two PDFs render, against the dashboard alone; T7.

        Blocks alternate (alone, under load, alone, ...) so both see the same machine. With
        ``--renice-pdf N`` a second, diagnostic row shows the same with the render workers at
        a lower CPU priority (what a ``nice`` in the worker would give).
        """
        if "pdf_three" not in self.extra:
            self.rows.append(Row("S6 dashboard while 2 PDFs render", note="no PDF measured"))
            return
        alone, loaded, rendered = self._dashboard_under_pdf_load()
        self.m["S1-alone"], self.m["S6"] = alone, loaded
        self._s6_row("S6 dashboard while 2 PDFs render", alone, loaded, rendered, "T7")
        if self.args.renice_pdf:
            for pid in self.server.pdf_workers():
                os.setpriority(os.PRIO_PROCESS, pid, self.args.renice_pdf)
            alone, loaded, rendered = self._dashboard_under_pdf_load()
            self.m["S6-reniced"] = loaded
            self._s6_row(
                f"S6 diagnostic: render workers at nice {self.args.renice_pdf}",
                alone,
                loaded,
                rendered,
                "diagnostic",
            )

    def _s6_row(
        self, name: str, alone: Measure, loaded: Measure, rendered: list[int], target: str
    ) -> None:
        ratio = loaded.p95 / alone.p95
        self.rows.append(
            Row(
                name,
                loaded.p50,
                loaded.p95,
                f"{ratio:.2f}×alone p95",
                loaded.queries_text,
                "T7 p95 ≤2×S1 alone" if target == "T7" else "T7 (what-if)",
                ("pass" if ratio <= 2 else "FAIL") if target == "T7" else "-",
                f"alone p95 {alone.p95:.0f} ms; {len(rendered)} PDFs rendered meanwhile, "
                f"{sum(s != 200 for s in rendered)} refused",
            )
        )

    def _dashboard_under_pdf_load(self) -> tuple[Measure, Measure, list[int]]:
        path = self.t.pdf(self.extra["pdf_three"])
        renderers = [Visitor("127.0.0.1", self.server.port) for _ in range(2)]
        for v in renderers:
            v.login(self.t.counselor_a, self.t.password)
        a = self.visitor(self.t.counselor_a)
        dashboard = self.page_job(a, self.t.dashboard)
        alone, loaded = Measure(), Measure()
        rendered: list[int] = []
        for _ in range(self.args.repeats):
            alone.add_repeat([dashboard()[0] for _ in range(self.args.requests)])
            running = threading.Event()
            running.set()

            def render(v: Visitor, running: threading.Event = running) -> None:
                while running.is_set():
                    rendered.append(v.get_pdf(path).status)

            threads = [threading.Thread(target=render, args=(v,)) for v in renderers]
            for th in threads:
                th.start()
            time.sleep(1.0)  # both renders under way
            try:
                seconds = []
                for _ in range(self.args.requests):
                    elapsed, queries = dashboard()
                    seconds.append(elapsed)
                    if queries is not None:
                        loaded.queries.append(queries)
                loaded.add_repeat(seconds)
            finally:
                running.clear()
                for th in threads:
                    th.join()
        return alone, loaded, rendered

    def t3_across_sizes(self, size: str) -> None:
        """T3: counselor A's pages on this size against the latest run on S."""
        if size == "S":
            return
        latest = RESULTS / latest_name(self.db_kind, "S")
        if not latest.exists():
            self.rows.append(Row(f"T3 counselor A, {size} vs S", note="run size S first"))
            return
        previous = json.loads(latest.read_text())["medians_ms"]
        ratios = {}
        for name in ("S1", "S2", "S3-first"):
            if name in self.m and name in previous:
                ratios[name] = self.m[name].p50 / previous[name]["p50"]
        if not ratios:
            return
        worst = max(ratios, key=ratios.get)
        self.rows.append(
            Row(
                f"T3 counselor A's pages, {size} vs S",
                ratio=f"{ratios[worst]:.2f}×S p50 ({worst})",
                queries="-",
                target="T3 ≤1.5×S" if size == "L" else "T3 (L ≤1.5×S), shown for M",
                result="pass" if ratios[worst] <= 1.5 else "FAIL",
                note=", ".join(f"{k} {v:.2f}" for k, v in ratios.items()),
            )
        )

    def run(self, size: str) -> None:
        """Every scenario: pages with F1, PDFs with F2, then load, memory and writes.

        ``--only S7,T6 memory`` runs just the steps named (a development aid; ``make bench``
        runs them all).
        """
        steps: list[tuple[str, Callable[[], None]]] = [
            ("F1, S1, S2, S3", self.pages),
            ("F2, S4", self.pdfs),
            ("S6", self.s6),
            ("PDF-4", lambda: big_pdfs.measure(self)),
            ("S7", lambda: notify_burst.measure(self)),
            ("T6 memory", self.t6_memory),
            ("S5", self.s5),
            ("T3", lambda: self.t3_across_sizes(size)),
        ]
        only = {name.strip() for name in (self.args.only or "").split(",") if name.strip()}
        for name, step in steps:
            if only and not only & {part.strip() for part in name.split(",")}:
                continue
            self.attempt(name, step)
            if name.startswith("F1") and "F1" not in self.m:
                raise RuntimeError("the floor F1 could not be measured; see the server log")


PAGING = re.compile(r"[?&](after|before|cursor|page)=")


def _is_editor(form) -> bool:
    """The entry form (not the sign-out form every page also has)."""
    return form.method == "post" and any(f.get("type") == "textarea" for f in form.fields)


_ENTRY_BODY = (
    "We tried the time-out plan tonight when the talk about money got tense. It helped to say "
    "out loud that we would come back to it after a walk, and we did.\n\n"
) * 6

_renderer_pool = None


def _warm_renderer() -> Callable[[str], bytes]:
    """The app's own render worker (same fetcher and fonts) or, failing that, in-process."""
    global _renderer_pool
    try:
        from app.pdf import RenderPool

        _renderer_pool = RenderPool(workers=1, timeout=120.0, memory_mb=1024)
        return _renderer_pool.render
    except (ImportError, TypeError):
        from app.pdf.worker import render

        return render


def _worker_start_seconds() -> float:
    """How long a render worker takes to start warm here (what each recycling costs)."""
    from app.pdf import _Worker

    started = time.perf_counter()
    worker = _Worker(1024 * MIB, start_timeout=120.0)
    seconds = time.perf_counter() - started
    worker.kill()
    return round(seconds, 2)


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


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


def run_on(kind: str, args: argparse.Namespace) -> Outcome:
    """Every scenario on one database of ``kind``; writes its JSON under bench/results/."""
    global _renderer_pool
    started = datetime.now(UTC)
    load_before = _load()
    database = open_database(kind, args.size)
    log(f"== {database.label} ==")
    try:
        # Inside the try: a seed that fails half-way still drops the database it created.
        seed_seconds = database.prepare(log)
        version = database.version()
        targets = discover(database.url)
        for missing in targets.missing:
            log(f"Not built yet, so not measured: {missing}")
        # F2's HTML comes from today's summary template, never from a saved copy that drifts.
        f2 = f2_html(database.url)
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "f2_summary.html").write_text(f2)
        log(f"Rendered the F2 summary HTML from templates/pdf/ ({len(f2)} characters).")
        log_name = (
            f"server-{args.size}.log" if kind == "sqlite" else f"server-{kind}-{args.size}.log"
        )
        # Notification e-mails of S7 go to files of the run's own (no mail server).
        mail = {"REKINDLE_MAIL_FILE_DIR": str(notify_burst.mail_dir(RESULTS, args.size))}
        server = Server(database.url, args.size, extra_env=mail, log_name=log_name)
        log(f"Starting gunicorn (gunicorn.conf.py, production config) on port {server.port} ...")
        server.start()
        bench = Bench(server, targets, args, f2, database)
        try:
            bench.run(args.size)
        finally:
            server.stop()
            if _renderer_pool is not None:
                _renderer_pool.close()
                _renderer_pool = None
    finally:
        database.discard()

    info = machine()
    info["database"] = version
    info["load_before"], info["load_after"] = load_before, _load()
    title = (
        f"Rekindle benchmark, fixture {args.size}, {started:%Y-%m-%d %H:%M} UTC, "
        f"{info['cores']} cores ({info['cpu']}), Python {info['python']}, "
        f"{version}; {args.repeats} repeats; "
        f"load average {load_before} before, {info['load_after']} after"
    )
    text = title + "\n" + table(bench.rows)
    report = {
        "size": args.size,
        "database": kind,
        "started": started.isoformat(),
        "machine": info,
        "settings": vars(args),
        "fixture_seconds": seed_seconds,
        "rows": [asdict(r) for r in bench.rows],
        "medians_ms": {
            name: {"p50": m.p50, "p95": m.p95, "queries": m.query_count}
            for name, m in bench.m.items()
            if m.p50s
        },
        "extra": bench.extra,
        "table": text,
    }
    stamp = started.strftime("%Y%m%dT%H%M%S")
    prefix = f"bench-{args.size}" if kind == "sqlite" else f"bench-{kind}-{args.size}"
    payload = json.dumps(report, indent=2, default=str)
    (RESULTS / f"{prefix}-{stamp}.json").write_text(payload)
    (RESULTS / latest_name(kind, args.size)).write_text(payload)
    log(f"Written to bench/results/{prefix}-{stamp}.json")
    return Outcome(kind, title, bench.rows, report)


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


def _exit_on_terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the exit status is 0 even when targets fail (the table says so)."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--size", choices=["S", "M", "L"], default="S")
    parser.add_argument(
        "--db",
        choices=[*KINDS, "both"],
        default="sqlite",
        help="the database to measure on; both: one after the other, in one table",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--requests", type=int, default=40, help="per page scenario and repeat")
    parser.add_argument("--pdf-requests", type=int, default=10, help="per PDF scenario and repeat")
    parser.add_argument("--memory-renders", type=int, default=100)
    parser.add_argument("--s5-seconds", type=float, default=15.0)
    parser.add_argument(
        "--renice-pdf",
        type=int,
        default=10,
        metavar="N",
        help="also measure S6 with the render workers at nice N (a diagnostic row; 0: off)",
    )
    parser.add_argument(
        "--only", default="", help="run only these steps, e.g. S7 (comma-separated)"
    )
    args = parser.parse_args(argv)
    # A terminated run (kill, a CI timeout) unwinds like Ctrl+C: the server stops and the
    # run's own PostgreSQL database is dropped by the ``finally`` blocks of ``run_on``.
    signal.signal(signal.SIGTERM, _exit_on_terminate)

    kinds = list(KINDS) if args.db == "both" else [args.db]
    outcomes = [run_on(kind, args) for kind in kinds]
    if len(outcomes) == 1:
        print(outcomes[0].report["table"])
        return 0
    rows, labels = paired(outcomes)
    text = "\n".join(o.title for o in outcomes) + "\n" + table(rows, labels)
    print(text)
    started = outcomes[0].report["started"]
    stamp = datetime.fromisoformat(started).strftime("%Y%m%dT%H%M%S")
    payload = json.dumps(
        {
            "size": args.size,
            "started": started,
            "runs": [o.report for o in outcomes],
            "table": text,
        },
        indent=2,
        default=str,
    )
    (RESULTS / f"bench-both-{args.size}-{stamp}.json").write_text(payload)
    (RESULTS / f"latest-both-{args.size}.json").write_text(payload)
    log(f"Written to bench/results/bench-both-{args.size}-{stamp}.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
