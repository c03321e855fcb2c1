"""The audit chain's append rate on PostgreSQL: page views (no wait for the WAL flush) against
durable appends, with several writers at once (docs/security.md AUD-4, docs/performance.md T10).

``python -m bench.audit_chain`` migrates a database of its own on the machine's PostgreSQL,
then runs rounds of ``--writers`` threads each appending ``--events`` events, one event per
transaction as a page view does, alternating the two kinds, and prints appends per second
(the median of the rounds) and the chain's verification. Times are this machine's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from app import audit
from app.extensions import db
from bench.databases import PostgresBench


def _event(index: int) -> audit.PendingEvent:
    return audit.PendingEvent(
        action="bench.append",
        object_type=None,
        object_id=None,
        case_id=None,
        outcome="ok",
        detail=f"event {index}",
        actor_id=None,
        actor_role=None,
        address=None,
        at=audit.utcnow(),
    )


def rate(app, writers: int, events: int, durable: bool) -> float:
    """Appends per second with ``writers`` threads appending ``events`` each."""
    start = threading.Barrier(writers + 1)

    def writer() -> None:
        with app.app_context():
            start.wait()
            for index in range(events):
                audit.write_events([_event(index)], durable=durable)
                db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return writers * events / (time.perf_counter() - began)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=6)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    from flask_migrate import upgrade

    from app import create_app
    from app.crypto import Keyring

    database = PostgresBench("S")
    database.name = f"rekindle_bench_audit_{os.getpid()}"
    database.url = (
        sa.make_url(database.url).set(database=database.name).render_as_string(hide_password=False)
    )
    database._admin(f'CREATE DATABASE "{database.name}"')
    folder = tempfile.mkdtemp(prefix="rekindle-audit-")
    try:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench-audit-chain-" + "x" * 40,
                "SQLALCHEMY_DATABASE_URI": database.url,
                "REKINDLE_ENCRYPTION_KEYS": Keyring.generate().to_json(),
                "REKINDLE_AUDIT_ANCHOR_FILE": str(Path(folder) / "audit-anchor.json"),
            }
        )
        with app.app_context():
            upgrade()
        rates: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(args.rounds):
            for durable in (True, False):
                rates[durable].append(rate(app, args.writers, args.events, durable))
        with app.app_context():
            intact = audit.verify_chain() is None
            db.engine.dispose()
    finally:
        database.discard()
        shutil.rmtree(folder, ignore_errors=True)
    load = os.getloadavg()[0]
    print(
        f"Audit chain appends, {args.writers} writers at once, one event per transaction, "
        f"median of {args.rounds} rounds (load average {load:.1f}):"
    )
    print(
        f"  durable (synchronous commit, a write's events): {statistics.median(rates[True]):7.0f}/s"
    )
    print(
        f"  page views (synchronous_commit off):            {statistics.median(rates[False]):7.0f}/s"
    )
    print(f"  chain verified: {'yes' if intact else 'NO'}")
    return 0 if intact else 1


if __name__ == "__main__":
    raise SystemExit(main())
