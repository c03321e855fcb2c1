"""The scenarios of requests at the same time: S5 (entries saved while others read the list)
and S6 (the dashboard while two PDFs render)."""

from __future__ import annotations

import os
import threading
import time

from bench.bench_core import BenchBase
from bench.client import Visitor, find_form
from bench.measure import Measure, Row


class ConcurrentPart(BenchBase):
    """S5 and S6."""

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


def _is_editor(form) -> bool:
    """The entry form (not the sign-out form every page also has)."""
    return form.method == "post" and any(f.get("type") == "textarea" for f in form.fields)


_ENTRY_BODY = (
    "We tried the time-out plan tonight when the talk about money got tense. It helped to say "
    "out loud that we would come back to it after a walk, and we did.\n\n"
) * 6
