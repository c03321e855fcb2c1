"""PDF-4: the dashboard while three maximum-size PDFs are requested, against the dashboard alone.

Three clients each get 12 journal entries of the longest allowed length (100,000 characters),
posted through the real form; then, in alternating blocks, the dashboard is measured alone and
while the three clients ask for their export PDF at the same moment (until all three PDFs are
ready). Before the job queue each such request held a sync gunicorn worker for the whole render
(about 20 s, often failing), and the dashboard waited behind them (20.7 s, docs/security.md PDF-4).
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from bench.client import Visitor, find_form

if TYPE_CHECKING:
    from bench.run import Bench

ENTRIES = 12
ENTRY_CHARS = 100_000
EXPORT = "/me/export.pdf"
READY_TIMEOUT = 600.0


def max_entry(n: int) -> str:
    """An entry of exactly ``ENTRY_CHARS`` characters of ordinary prose."""
    sentence = f"Entry {n}: we talked about the kitchen and the weekend and tried to listen. "
    text = (sentence * (ENTRY_CHARS // len(sentence) + 1))[:ENTRY_CHARS]
    return text


def fill_journal(bench: Bench, visitor: Visitor) -> None:
    """Post ``ENTRIES`` entries of the longest allowed length through the entry form."""
    from bench.concurrent_scenarios import _is_editor

    path = bench.t.journal_new
    for n in range(ENTRIES):
        page = visitor.get(path)
        form = find_form(page.text, _is_editor)
        if page.status != 200 or form is None:
            raise RuntimeError(f"entry form answered HTTP {page.status}")
        data = form.values()
        for f in form.fields:
            if f.get("type") == "textarea":
                data[f["name"]] = max_entry(n)
            elif f.get("name") == "title":
                data["title"] = f"Long entry {n + 1}"
        saved = visitor.post(form.target(path), data)
        if saved.status not in (302, 303):
            raise RuntimeError(f"saving a long entry answered HTTP {saved.status}")


def request_and_wait(visitor: Visitor, requests: list[float], ready: list[float]) -> None:
    """Ask for the export PDF, then follow its job page until the PDF downloads."""
    started = time.perf_counter()
    r = visitor.get(EXPORT)
    requests.append(r.seconds)
    if r.status == 200 and r.headers.get("content-type", "").startswith("application/pdf"):
        ready.append(time.perf_counter() - started)
        return
    if r.status != 303:
        raise RuntimeError(f"{EXPORT} answered HTTP {r.status}")
    location = r.headers["location"]
    location = location[location.index("/pdfs/") :]
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        time.sleep(1.0)
        state = visitor.get(location + "/status")
        if b'"ready"' in state.body:
            pdf = visitor.get(location + "/download")
            if not pdf.body.startswith(b"%PDF"):
                raise RuntimeError("the finished export is not a PDF")
            ready.append(time.perf_counter() - started)
            return
        if b'"failed"' in state.body:
            raise RuntimeError("the export PDF failed")
    raise RuntimeError("the export PDF was not ready in time")


def measure(bench: Bench) -> None:
    """Adds the PDF-4 row (and the figures behind it) to ``bench``."""
    from bench.measure import Measure, Row

    name = "PDF-4 dashboard while 3 max-size PDFs"
    if not (bench.t.journal_new and len(bench.t.big_pdf_clients) == 3):
        bench.rows.append(Row(name, note="no journal form or not enough clients"))
        return
    clients = [bench.visitor(email) for email in bench.t.big_pdf_clients]
    for visitor in clients:
        fill_journal(bench, visitor)
    counselor = bench.visitor(bench.t.counselor_a)
    dashboard = bench.page_job(counselor, bench.t.dashboard)
    alone, loaded = Measure(), Measure()
    requests: list[float] = []
    ready: list[float] = []
    for _ in range(bench.args.repeats):
        alone.add_repeat([dashboard()[0] for _ in range(bench.args.requests)])
        threads = [
            threading.Thread(target=request_and_wait, args=(v, requests, ready)) for v in clients
        ]
        for th in threads:
            th.start()
        seconds = []
        # Measure for as long as the PDFs are being made (at least ``requests`` samples).
        while any(th.is_alive() for th in threads) or len(seconds) < bench.args.requests:
            elapsed, queries = dashboard()
            seconds.append(elapsed)
            if queries is not None:
                loaded.queries.append(queries)
        for th in threads:
            th.join()
        loaded.add_repeat(seconds)
    if len(ready) != 3 * bench.args.repeats:
        raise RuntimeError(f"only {len(ready)} of {3 * bench.args.repeats} PDFs were made")
    bench.m["PDF4-alone"], bench.m["PDF4"] = alone, loaded
    bench.extra["pdf4_request_seconds"] = requests
    bench.extra["pdf4_ready_seconds"] = ready
    ratio = loaded.p95 / alone.p95
    bench.rows.append(
        Row(
            name,
            loaded.p50,
            loaded.p95,
            f"{ratio:.2f}×alone p95",
            loaded.queries_text,
            "PDF-4 p95 ≤2×alone",
            "pass" if ratio <= 2 else "FAIL",
            f"alone p95 {alone.p95:.0f} ms; {len(loaded.samples)} dashboards meanwhile; "
            f"PDF requests answered in ≤{max(requests) * 1000:.0f} ms; "
            f"PDFs ready after {min(ready):.0f}–{max(ready):.0f} s",
        )
    )
