"""S8: a clinic's mixed load at rising fixed arrival rates (``make bench-load``).

``python -m bench.s8 --size L`` generates the fixture into a PostgreSQL database of its own,
serves it as ``make bench`` does (gunicorn with gunicorn.conf.py: 3 sync workers, preloaded,
production configuration, the job-queue consumer and its render pool beside it), signs a sample
of the fixture's counselors and clients in through the real form, measures F1, and then runs
``bench/load.py`` with Locust, headless, at fixed arrival rates stepping up (``--start``,
``--step`` requests per second, ``--seconds`` each) until p95 exceeds 10 × F1 p95 or a request
fails. It reports the highest rate held (requests per second, p50/p95/p99, errors, CPU of the
app's processes and of this database's PostgreSQL backends), what that is in clinic terms, and
where the web workers' time went at the first step that did not hold (``bench.profile``).
The table is printed and written as JSON under ``bench/results/``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bench.client import Visitor
from bench.databases import CHECKOUT, PostgresBench, open_database
from bench.measure import log, percentile
from bench.profile import start_afresh
from bench.report import machine
from bench.s8_measure import (
    WaitSampler,
    children_cpu_seconds,
    cpu_pressure_seconds,
    cpu_seconds,
    database_backends,
    profile_shape,
    top_sites,
)
from bench.seed import BENCH_PASSWORD
from bench.server import RESULTS, ROOT, Server

#: A clinic's peak hour, from the fixture's shape: each counselor works through the caseload
#: and notes (about 120 page views an hour), each client with a session that week opens the
#: app a few times (about 2 visits of 6 page views in the peak hour for a quarter of them).
COUNSELOR_VIEWS_PER_HOUR = 120
CLIENT_VIEWS_PER_PEAK_HOUR = 0.25 * 2 * 6


def sample_people(url: str, counselors: int, clients: int, seed: int = 8) -> list[dict]:
    """A fixed sample of the fixture's counselors and clients with the pages they would open."""
    engine = sa.create_engine(url)
    rng = random.Random(seed)
    people: list[dict] = []
    with engine.connect() as conn:
        staff = conn.execute(
            sa.text(
                "SELECT u.id, u.email FROM users u WHERE u.role = 'counselor' AND EXISTS "
                "(SELECT 1 FROM cases c WHERE c.counselor_id = u.id) ORDER BY u.id"
            )
        ).all()
        for user_id, email in rng.sample(staff, min(counselors, len(staff))):
            cases = [
                r[0]
                for r in conn.execute(
                    sa.text("SELECT id FROM cases WHERE counselor_id = :u ORDER BY id"),
                    {"u": user_id},
                )
            ]
            sessions = conn.execute(
                sa.text(
                    # Sessions with their note (the fixture's sessions without one answer
                    # 500 on their page today: a known gap left to the sessions feature).
                    "SELECT s.case_id, s.id FROM counseling_sessions s WHERE s.counselor_id = :u "
                    "AND EXISTS (SELECT 1 FROM session_notes n WHERE n.session_id = s.id) "
                    "ORDER BY s.id DESC LIMIT 40"
                ),
                {"u": user_id},
            ).all()
            reviews = conn.execute(
                sa.text(
                    "SELECT a.case_id, a.id FROM assignments a JOIN cases c ON c.id = a.case_id "
                    "WHERE c.counselor_id = :u AND a.removed_at IS NULL ORDER BY a.id LIMIT 40"
                ),
                {"u": user_id},
            ).all()
            people.append(
                {
                    "role": "counselor",
                    "email": email,
                    "cases": [f"/cases/{c}" for c in cases[:40]],
                    "sessions": [f"/cases/{c}/sessions/{s}" for c, s in sessions],
                    "reviews": [f"/cases/{c}/assignments/{a}" for c, a in reviews],
                    "summaries": [
                        f"/cases/{c}/sessions/{s}/summary.pdf?copy=client" for c, s in sessions[:5]
                    ],
                }
            )
        members = conn.execute(
            sa.text(
                "SELECT DISTINCT u.id, u.email FROM users u JOIN case_members m ON m.user_id = u.id "
                "JOIN cases c ON c.id = m.case_id WHERE u.role = 'client' AND c.status = 'active' "
                "AND m.erased_at IS NULL ORDER BY u.id"
            )
        ).all()
        for _user_id, email in rng.sample(members, min(clients, len(members))):
            people.append({"role": "client", "email": email})
    engine.dispose()
    return people


def sign_in(server: Server, people: list[dict]) -> None:
    """Cookies of each person, signed in once through the real form (scrypt paid here)."""
    for person in people:
        visitor = Visitor("127.0.0.1", server.port)
        visitor.login(person["email"], BENCH_PASSWORD)
        person["cookies"] = dict(visitor.cookies)
        visitor.close()


def f1_p95(server: Server, people: list[dict], n: int = 300) -> float:
    """F1 p95 in ms, measured alone before the load (the floor S8's limit is a multiple of)."""
    counselor = next(p for p in people if p["role"] == "counselor")
    visitor = Visitor("127.0.0.1", server.port)
    visitor.cookies.update(counselor["cookies"])
    path = "/bench/floor/" + counselor["cases"][0].rsplit("/", 1)[1]
    for _ in range(20):
        visitor.get(path)
    seconds = [visitor.get(path).seconds for _ in range(n)]
    visitor.close()
    return percentile(seconds, 95) * 1000


def run_step(server: Server, people_file: Path, rate: int, args, database) -> dict:
    """One fixed arrival rate for ``args.seconds``: Locust's figures and the CPU used."""
    users = max(1, round(rate * args.pacing))
    prefix = RESULTS / f"s8-{rate}"
    env = {**os.environ, "BENCH_S8_PEOPLE": str(people_file), "BENCH_S8_PACING": str(args.pacing)}
    app_pids = server.descendants() + [p.pid for p in (server.process, server.consumer) if p]
    db_pids = database_backends(database)
    wall = time.monotonic()
    app_before, db_before = cpu_seconds(app_pids), cpu_seconds(db_pids)
    locust_before, pressure_before = children_cpu_seconds(), cpu_pressure_seconds()
    waits = WaitSampler(database)
    waits.start()
    subprocess.run(  # noqa: S603 - our own locustfile, fixed arguments
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "load.py"),
            "--headless",
            "--host",
            f"http://127.0.0.1:{server.port}",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 2)),
            "--run-time",
            f"{args.seconds}s",
            "--reset-stats",
            "--only-summary",
            "--csv",
            str(prefix),
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=(RESULTS / f"s8-{rate}.log").open("wb"),
    )
    elapsed = time.monotonic() - wall
    locust_cpu = children_cpu_seconds() - locust_before
    pressure = cpu_pressure_seconds() - pressure_before
    load_average = round(os.getloadavg()[0], 1)
    waits.done.set()
    waits.join(timeout=5)
    app_pids = server.descendants() + [p.pid for p in (server.process, server.consumer) if p]
    app_cpu = cpu_seconds(app_pids) - app_before
    db_cpu = cpu_seconds(database_backends(database)) - db_before
    with open(f"{prefix}_stats.csv") as stats:
        rows = {r["Name"]: r for r in csv.DictReader(stats)}
    total = rows["Aggregated"]
    by_name = {
        name: {"requests": int(r["Request Count"]), "p95_ms": _ms(r["95%"])}
        for name, r in rows.items()
        if name != "Aggregated"
    }
    return {
        "rate": rate,
        "users": users,
        "rps": float(total["Requests/s"]),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "p50_ms": _ms(total["50%"]),
        "p95_ms": _ms(total["95%"]),
        "p99_ms": _ms(total["99%"]),
        "app_cpu_cores": round(app_cpu / elapsed, 2),
        "db_cpu_cores": round(db_cpu / elapsed, 2),
        "locust_cpu_cores": round(locust_cpu / elapsed, 2),
        # Share of the step during which some runnable task waited for a CPU (Linux PSI).
        "cpu_pressure": round(pressure / elapsed, 2) if pressure >= 0 else None,
        "load_average": load_average,
        "by_name": by_name,
        "db_waits": waits.shares(),
    }


def _ms(value: str) -> float:
    """A Locust percentile ("N/A" when nothing was measured)."""
    try:
        return float(value)
    except ValueError:
        return 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="L", choices=["S", "M", "L"])
    parser.add_argument("--start", type=int, default=20, help="first arrival rate (requests/s)")
    parser.add_argument("--step", type=int, default=20, help="added each step (requests/s)")
    parser.add_argument("--max-rate", type=int, default=400)
    parser.add_argument("--seconds", type=int, default=40, help="length of each step")
    parser.add_argument(
        "--pacing", type=float, default=3.0, help="seconds between a user's requests"
    )
    parser.add_argument("--counselors", type=int, default=30)
    parser.add_argument("--clients", type=int, default=90)
    args = parser.parse_args(argv)
    started = datetime.now(UTC)
    database = open_database("postgres", args.size)
    assert isinstance(database, PostgresBench)
    # A name of its own: a `make bench DB=postgres` running meanwhile keeps its database.
    database.name = f"rekindle_bench_s8_{args.size.lower()}_{CHECKOUT}"
    database.url = (
        sa.make_url(database.url).set(database=database.name).render_as_string(hide_password=False)
    )
    database.prepare(log)
    profile = RESULTS / "s8-profile"
    for old in profile.glob("profile-*.json"):
        old.unlink()
    server = Server(
        database.url, args.size, {"BENCH_PROFILE": str(profile)}, log_name="server-s8.log"
    )
    steps: list[dict] = []
    try:
        server.start()
        people = sample_people(database.url, args.counselors, args.clients)
        log(f"Signing in {len(people)} people of fixture {args.size} ...")
        sign_in(server, people)
        people_file = RESULTS / "s8-people.json"
        people_file.write_text(json.dumps(people))
        floor = f1_p95(server, people)
        limit = 10 * floor
        log(f"F1 p95 {floor:.1f} ms alone: a step holds while p95 <= {limit:.1f} ms, 0 errors.")
        rate = args.start
        while rate <= args.max_rate:
            # The profile kept is the last step's (the one that did not hold), that step's only.
            start_afresh(profile)
            step = run_step(server, people_file, rate, args, database)
            step["held"] = step["p95_ms"] <= limit and step["failures"] == 0
            steps.append(step)
            log(
                f"  {rate}/s offered: {step['rps']:.1f}/s served, p50 {step['p50_ms']:.0f} ms, "
                f"p95 {step['p95_ms']:.0f} ms ({step['p95_ms'] / floor:.1f}×F1), p99 "
                f"{step['p99_ms']:.0f} ms, {step['failures']} errors, app "
                f"{step['app_cpu_cores']} cores, db {step['db_cpu_cores']} cores, Locust "
                f"{step['locust_cpu_cores']} cores, CPU pressure {step['cpu_pressure']}, load "
                f"average {step['load_average']}"
            )
            if not step["held"]:
                break
            rate += args.step
        shape = profile_shape(profile)
        sites = top_sites(profile)
    finally:
        server.stop()
        database.discard()
    held = [s for s in steps if s["held"]]
    best = held[-1] if held else None
    info = machine()
    report = {
        "size": args.size,
        "started": started.isoformat(),
        "machine": info,
        "settings": vars(args),
        "f1_p95_ms": floor,
        "steps": steps,
        "highest_held": best,
        "profile_at_saturation": shape,
        "sites_at_saturation": sites,
        "load_average_after": round(os.getloadavg()[0], 1),
    }
    if best:
        views = best["rps"] * 3600
        clinic_views = 50 * COUNSELOR_VIEWS_PER_HOUR + 2000 * CLIENT_VIEWS_PER_PEAK_HOUR
        report["clinics"] = round(views / clinic_views, 2)
    stamp = started.strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"s8-{args.size}-{stamp}.json").write_text(json.dumps(report, indent=2))
    print(render(report))
    return 0


def render(report: dict) -> str:
    """The S8 table."""
    lines = [
        f"S8 mixed load, fixture {report['size']} on PostgreSQL, {report['started'][:16]} UTC, "
        f"{report['machine']['cores']} cores ({report['machine']['cpu']}); F1 p95 "
        f"{report['f1_p95_ms']:.1f} ms, limit p95 <= 10×F1 and 0 errors",
        "offered/s | served/s | p50 ms | p95 ms | p95/F1 | p99 ms | errors | app CPU | db CPU "
        "| Locust CPU | CPU pressure | load avg | held",
    ]
    for s in report["steps"]:
        lines.append(
            f"{s['rate']:>9} | {s['rps']:>8.1f} | {s['p50_ms']:>6.0f} | {s['p95_ms']:>6.0f} | "
            f"{s['p95_ms'] / report['f1_p95_ms']:>6.1f} | {s['p99_ms']:>6.0f} | {s['failures']:>6} | "
            f"{s['app_cpu_cores']:>7} | {s['db_cpu_cores']:>6} | {s.get('locust_cpu_cores', '-'):>10} "
            f"| {_share(s.get('cpu_pressure')):>12} | {s.get('load_average', '-'):>8} "
            f"| {'yes' if s['held'] else 'NO'}"
        )
    best = report["highest_held"]
    if best:
        lines.append(
            f"Highest rate held: {best['rps']:.1f} requests/s (target 100): about "
            f"{report['clinics']} L-size clinics' peak hour."
        )
    else:
        lines.append("No step held.")
    lines.append("Where the web workers' busy time went at the first step not held (% of samples):")
    lines += [f"  {share:5.1f}  {name}" for name, share in report["profile_at_saturation"].items()]
    if report.get("sites_at_saturation"):
        lines.append("The app's functions that busy time was under then (innermost, % of samples):")
        lines += [
            f"  {share:5.1f}  {name}" for name, share in report["sites_at_saturation"].items()
        ]
    last = report["steps"][-1] if report["steps"] else {}
    if last.get("db_waits"):
        lines.append("What the run database's active backends were doing then (% of samples):")
        lines += [f"  {share:5.1f}  {name}" for name, share in last["db_waits"].items()]
    return "\n".join(lines)


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f} %"


if __name__ == "__main__":
    raise SystemExit(main())
