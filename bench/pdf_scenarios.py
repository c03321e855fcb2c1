"""The PDF scenarios: the floor F2 (WeasyPrint alone, warm) with the session summaries of S4
measured together, and T6, the render workers' memory over many renders."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

from bench.bench_core import BenchBase
from bench.measure import MIB, Job, Row

#: WeasyPrint's own time for a 3-page summary on the machine T6's limits were set on
#: (docs/performance.md, T5: "about 90 ms for 3 pages in a warm process here"). T6 is in
#: milliseconds; on a slower machine its rows also show the limits scaled by this run's F2.
REFERENCE_F2_MS = 90.0


class PdfsPart(BenchBase):
    """F2, S4 and T6."""

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
        scale = f2.p50 / REFERENCE_F2_MS
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
                _scaled(m3.p50, 250 * scale, scale),
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
                f"{per_page:.0f} ms per extra page; " + _scaled(per_page, 40 * scale, scale),
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


_renderer_pool = None


def _scaled(measured: float, limit: float, scale: float) -> str:
    """T6's limit scaled to this machine's WeasyPrint speed, beside the verdict as written."""
    verdict = "pass" if measured <= limit else "FAIL"
    return f"T6 scaled by F2 {scale:.1f}×{REFERENCE_F2_MS:.0f} ms: ≤{limit:.0f} ms, {verdict}"


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


def close_warm_renderer() -> None:
    """Stop the render worker ``_warm_renderer`` started, if it started one."""
    global _renderer_pool
    if _renderer_pool is not None:
        _renderer_pool.close()
        _renderer_pool = None


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
