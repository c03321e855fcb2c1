"""``python -m bench.run --size S|M|L``: the benchmark of docs/performance.md, end to end.

Generates (or reuses) the fixture, copies it, starts gunicorn with the production settings on a
free loopback port, warms up, measures the floors F1/F2 and the scenarios S1–S6 from this
process, repeats each measurement, then prints one table and writes it as JSON under
``bench/results/``. Ratios are to floors measured in the same run, because absolute times on a
shared 2-core machine mean little.

This module is the command line and the run on each database; the parts live beside it:
``measure`` (latencies and rows), ``bench_core`` (visitors and interleaved jobs), the scenarios
(``page_scenarios``, ``pdf_scenarios``, ``concurrent_scenarios``, and ``big_pdfs`` and
``notify_burst`` as before), ``report`` (the table and the results' names) and ``server``.
"""

from __future__ import annotations

import argparse
import json
import signal
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime

from bench import big_pdfs, notify_burst
from bench.concurrent_scenarios import ConcurrentPart
from bench.databases import KINDS, open_database
from bench.f2 import f2_html
from bench.measure import log
from bench.page_scenarios import PagesPart
from bench.pages import discover
from bench.pdf_scenarios import PdfsPart, close_warm_renderer
from bench.report import Outcome, _load, latest_name, machine, paired, table
from bench.server import RESULTS, Server


class Bench(PagesPart, PdfsPart, ConcurrentPart):
    """Runs every scenario against one server."""

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


def run_on(kind: str, args: argparse.Namespace) -> Outcome:
    """Every scenario on one database of ``kind``; writes its JSON under bench/results/."""
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
            close_warm_renderer()
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
