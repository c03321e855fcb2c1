"""Faults under load (``make bench-faults``; issue production-scale item 4).

``python -m bench.faults --size S`` serves a fixture on PostgreSQL as S8 does (gunicorn with
gunicorn.conf.py, the job-queue consumer, notification e-mails to a real SMTP sink on
loopback), with the app reaching PostgreSQL through a TCP proxy of this run's own
(``bench.tcp_proxy``), and drives it with signed-in clients and counselors at a fixed pace
(``bench.fault_driver``): clients autosave a new journal entry with rising sequence numbers,
save it, send messages (each notifying the counselor by e-mail) and read; counselors read.
Meanwhile, one after the other:

1. gunicorn is reloaded (HUP: new workers, the old ones finish what they serve);
2. the consumer is restarted (SIGINT, Huey's graceful stop: running tasks finish; its SIGTERM
   would interrupt them, leaving an interrupted delivery to the sweep's five-minute requeue);
3. PostgreSQL refuses new connections for ``--refuse`` seconds (open ones are cut);
4. gunicorn is stopped (TERM) and started again, as a deploy without a second host would.

Afterwards, once the outbox is drained, it counts: acknowledged writes lost (each autosave,
saved entry and sent message the load generator was told succeeded, looked up in the database
by its request key and sequence number), drafts lost, notification e-mails received twice
(by Message-ID at the sink) and outbox rows sent but never received, and for each fault the
requests that failed, how many of them got the calm 503 page, how many got no answer, and the
time until requests succeeded again. The counting is ``bench.fault_ledger``'s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import threading
import time
from collections import Counter
from datetime import UTC, datetime

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from bench.databases import CHECKOUT, PostgresBench, open_database
from bench.fault_driver import Client, Counselor, Person, drive
from bench.fault_ledger import Fault, Found, Ledger, duplicates, effects, lost
from bench.measure import log
from bench.report import machine
from bench.s8 import sample_people, sign_in
from bench.server import RESULTS, Server
from bench.tcp_proxy import Proxy, free_port


class Sink:
    """An SMTP server on loopback keeping the Message-ID of every e-mail it receives."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 (aiosmtpd)
        for line in envelope.content.decode("utf-8", "replace").splitlines():
            if line.lower().startswith("message-id:"):
                self.message_ids.append(line.split(":", 1)[1].strip())
                break
            if not line:
                break
        return "250 OK"


def found_rows(url: str, ledger: Ledger) -> tuple[Found, list[str], dict[str, int]]:
    """What the database holds for the ledger's keys, the Message-IDs of sent rows, outbox states."""
    engine = sa.create_engine(url)
    keys = list(ledger.autosaved) + list(ledger.entries_saved)
    with engine.connect() as conn:
        entries = conn.execute(
            sa.text(
                "SELECT request_key, draft_seq, status FROM journal_entries "
                "WHERE request_key = ANY(:k)"
            ),
            {"k": keys},
        ).all()
        messages = conn.scalars(
            sa.text("SELECT request_key FROM messages WHERE request_key = ANY(:k)"),
            {"k": list(ledger.messages_sent)},
        ).all()
        sent = conn.scalars(
            sa.text(
                "SELECT message_id FROM notifications WHERE state = 'sent' AND message_id IS NOT NULL"
            )
        ).all()
        states = dict(
            conn.execute(sa.text("SELECT state, count(*) FROM notifications GROUP BY state")).all()
        )
    engine.dispose()
    found = Found(
        draft_seq={k: int(seq) for k, seq, _ in entries},
        submitted={k for k, _, status in entries if str(status).lower() == "submitted"},
        messages=set(messages),
    )
    return found, list(sent), {str(k): int(v) for k, v in states.items()}


def wait_for_outbox(url: str, seconds: float) -> int:
    """Until no notification is pending or being sent (or ``seconds``); how many still are."""
    engine = sa.create_engine(url)
    query = sa.text(
        "SELECT count(*) FROM notifications WHERE state IN ('pending', 'sending') "
        "AND next_attempt_at <= now() + interval '1 minute'"
    )
    deadline = time.monotonic() + seconds
    try:
        while True:
            with engine.connect() as conn:
                waiting = int(conn.scalar(query) or 0)
            if waiting == 0 or time.monotonic() > deadline:
                return waiting
            time.sleep(2)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="S", choices=["S", "M", "L"])
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--counselors", type=int, default=6)
    parser.add_argument(
        "--pacing", type=float, default=2.0, help="seconds between a person's requests"
    )
    parser.add_argument("--gap", type=float, default=20.0, help="seconds between faults")
    parser.add_argument("--refuse", type=float, default=5.0, help="seconds PostgreSQL refuses")
    parser.add_argument("--drain", type=float, default=150.0, help="seconds to wait for e-mails")
    args = parser.parse_args(argv)
    started = datetime.now(UTC)
    load_before = os.getloadavg()[0]
    database = open_database("postgres", args.size)
    assert isinstance(database, PostgresBench)
    database.name = f"rekindle_bench_faults_{args.size.lower()}_{CHECKOUT}"
    direct = sa.make_url(database.url).set(database=database.name)
    database.url = direct.render_as_string(hide_password=False)
    database.prepare(log)
    proxy = Proxy((direct.host or "127.0.0.1", direct.port or 5432))
    through_proxy = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False
    )
    sink = Sink()
    sink.controller.start()
    mail = {"REKINDLE_MAIL_SERVER": "127.0.0.1", "REKINDLE_MAIL_PORT": str(sink.controller.port)}
    server = Server(through_proxy, args.size, mail, log_name="server-faults.log")
    ledger = Ledger()
    faults: list[Fault] = []
    stop = threading.Event()
    try:
        server.start()
        people = sample_people(database.url, args.counselors, args.clients)
        log(f"Signing in {len(people)} people of fixture {args.size} ...")
        sign_in(server, people)
        rng = random.Random(20)
        actors: list[Client | Counselor] = []
        for person in people:
            visitor = Person(server.port, person["cookies"], ledger)
            if person["role"] == "client":
                actors.append(Client(visitor, random.Random(rng.random())))
            else:
                actors.append(Counselor(visitor, random.Random(rng.random()), person["cases"]))
        rate = len(actors) / args.pacing
        log(
            f"Load: {len(actors)} people, about {rate:.0f} requests/s; a fault every {args.gap:.0f} s."
        )
        threads = drive(actors, args.pacing, stop)
        begun = time.monotonic()
        time.sleep(args.gap)
        faults.append(Fault("none yet (the load alone)", begun, begun))

        def fault(name: str, act) -> None:
            log(f"  {name} ...")
            begun = time.monotonic()
            act()
            faults.append(Fault(name, begun, time.monotonic()))
            time.sleep(args.gap)

        assert server.process is not None
        fault("gunicorn reloaded (HUP)", lambda: os.kill(server.process.pid, signal.SIGHUP))

        def restart_consumer() -> None:
            # SIGINT: Huey's graceful stop (running tasks finish), as a deploy restarts it.
            server.end(server.consumer, signal.SIGINT)
            server.start_consumer()

        fault("consumer restarted (graceful)", restart_consumer)

        def refuse() -> None:
            proxy.refuse()
            time.sleep(args.refuse)
            proxy.accept()

        fault(f"PostgreSQL refused connections for {args.refuse:.0f} s", refuse)

        def restart_web() -> None:
            server.end(server.process)
            server.start_web()
            server.wait_until_answering()

        fault("gunicorn stopped and started again", restart_web)
        stop.set()
        for thread in threads:
            thread.join(timeout=40)
        log("Load stopped; waiting for the outbox to drain ...")
        waiting = wait_for_outbox(database.url, args.drain)
        time.sleep(3)  # the last e-mails' SMTP conversations
        found, sent, states = found_rows(database.url, ledger)
    finally:
        stop.set()
        server.stop()
        sink.controller.stop()
        proxy.close()
        database.discard()
    report = {
        "size": args.size,
        "started": started.isoformat(),
        "machine": machine(),
        "settings": vars(args),
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "requests": len(ledger.answers),
        "rate": round(rate, 1),
        "lost": lost(ledger, found),
        "notifications": {**duplicates(sent, sink.message_ids), "still waiting": waiting},
        "outbox states": states,
        "faults": effects(ledger.answers, faults),
        "driver errors": sorted({a.what for a in ledger.answers if a.what.startswith("driver")}),
        "failed by request": {
            f"{what} {status or 'no answer'}": n
            for (what, status), n in Counter(
                (a.what, a.status) for a in ledger.answers if not a.ok
            ).most_common(12)
        },
    }
    stamp = started.strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"faults-{args.size}-{stamp}.json").write_text(json.dumps(report, indent=2))
    print(render(report))
    bad = report["lost"]["drafts lost"] + report["lost"]["entries lost"]
    bad += report["lost"]["messages lost"] + report["notifications"]["received twice or more"]
    return 1 if bad else 0


def render(report: dict) -> str:
    """The fault run's counts."""
    lines = [
        f"Faults under load, fixture {report['size']} on PostgreSQL, {report['started'][:16]} UTC, "
        f"{report['machine']['cores']} cores; {report['requests']} requests at about "
        f"{report['rate']}/s; load average {report['load_average'][0]} before, "
        f"{report['load_average'][1]} after",
        "Acknowledged writes: " + ", ".join(f"{k} {v}" for k, v in report["lost"].items()),
        "Notifications: " + ", ".join(f"{k} {v}" for k, v in report["notifications"].items()),
        "Outbox rows by state: "
        + ", ".join(f"{k} {v}" for k, v in report["outbox states"].items()),
        "fault                                      | requests | failed | 503 page | no answer | other | recovered after",
    ]
    for row in report["faults"]:
        recovered = f"{row['recovered after s']} s" if row["recovered"] else "NOT recovered"
        lines.append(
            f"{row['fault']:<42} | {row['requests']:>8} | {row['failed']:>6} | "
            f"{row['503 page']:>8} | {row['no answer']:>9} | {row['other']:>5} | {recovered}"
        )
    if report["failed by request"]:
        lines.append(
            "Failed, by request and answer: "
            + ", ".join(f"{k} ×{v}" for k, v in report["failed by request"].items())
        )
    if report["driver errors"]:
        lines.append("Load generator errors: " + "; ".join(report["driver errors"]))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
