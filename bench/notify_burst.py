"""S7: the dashboard while the reminder scan and a burst of 500 e-mails are processed.

In alternating blocks the dashboard is measured alone, and while the job-queue consumer (the
one beside gunicorn, as ``make run`` starts it) works through, at once:

* the assignment-reminder scan over every client of the fixture (``scan_assignment_reminders``,
  in batches of a constant number of statements), and
* a burst of 500 notifications announced in one transaction (overdue reminders of open
  assignment copies, each asked the policy again before its e-mail is written),

until all 500 e-mails are out and the scan has finished. E-mails go to ``.eml`` files in
``bench/results/mail-<size>/`` (no mail server), deleted afterwards. Every recipient's quiet
hours are switched off in the run's throw-away copy, so the burst goes whatever the time of
day. Target: dashboard p95 ≤ 1.5 × alone (docs/performance.md).
"""

from __future__ import annotations

import shutil
import threading
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from flask import Flask

    from bench.run import Bench

BURST = 500
DONE_TIMEOUT = 600.0
TARGET = 1.5


def mail_dir(results: Path, size: str) -> Path:
    """Where the run's e-mails are written (the server's ``REKINDLE_MAIL_FILE_DIR``)."""
    return results / f"mail-{size}"


def _app(bench: Bench) -> Flask:
    """An app on the server's database and queue (this process only announces and reads)."""
    from bench.app import create_bench_app

    env = bench.server.env
    return create_bench_app(
        {
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
            "REKINDLE_QUEUE_FILE": env["REKINDLE_QUEUE_FILE"],
            "REKINDLE_QUEUE_IMMEDIATE": False,
            "REKINDLE_ENCRYPTION_KEYS_FILE": env["REKINDLE_ENCRYPTION_KEYS_FILE"],
            "MAIL_SERVER": None,
            "MAIL_FILE_DIR": env.get("REKINDLE_MAIL_FILE_DIR"),
        }
    )


def _open_copies(app: Flask) -> list[tuple[int, int, int, str]]:
    """(copy id, client id, case id, due date) of open assignment copies with a due date."""
    from app.extensions import db
    from app.models import Assignment, AssignmentRecipient, AssignmentStatus, Case, CaseStatus

    with app.app_context():
        rows = db.session.execute(
            sa.select(
                AssignmentRecipient.id,
                AssignmentRecipient.user_id,
                Assignment.case_id,
                Assignment.due_date,
            )
            .join(Assignment, Assignment.id == AssignmentRecipient.assignment_id)
            .join(Case, Case.id == Assignment.case_id)
            .where(
                AssignmentRecipient.status.in_(
                    [AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS]
                ),
                Assignment.removed_at.is_(None),
                Assignment.due_date.is_not(None),
                Case.status == CaseStatus.ACTIVE,
            )
            .order_by(AssignmentRecipient.id)
            .limit(BURST)
        ).all()
        return [(r.id, r.user_id, r.case_id, r.due_date.isoformat()) for r in rows]


def _prepare(app: Flask) -> int:
    """In the run's throw-away copy: no quiet hours for anyone, and every open assignment due
    tomorrow, so the scan has a reminder to announce for each; returns how many clients."""
    from app.extensions import db
    from app.models import Assignment, NotificationSettings, Role, User

    with app.app_context():
        tomorrow = date.today() + timedelta(days=1)
        db.session.execute(
            sa.update(Assignment).where(Assignment.removed_at.is_(None)).values(due_date=tomorrow)
        )
        ids = db.session.scalars(sa.select(User.id).where(User.role == Role.CLIENT)).all()
        db.session.execute(sa.delete(NotificationSettings))
        db.session.execute(
            sa.insert(NotificationSettings),
            [
                {
                    "user_id": i,
                    "quiet_start": clock(0),
                    "quiet_end": clock(0),
                    "digest_time": clock(8),
                    "discreet": False,
                }
                for i in ids
            ],
        )
        db.session.commit()
        return len(ids)


def _announce_burst(app: Flask, copies: list, repeat: int) -> list[int]:
    """Announce ``BURST`` overdue reminders in one transaction (queued when it commits)."""
    from app.extensions import db
    from app.notifications import announce

    with app.app_context():
        ids = []
        for n in range(BURST):
            copy_id, user_id, case_id, due = copies[n % len(copies)]
            new_id = announce(
                recipient=user_id,
                kind="assignment.overdue",
                case=case_id,
                about=("assignment_recipient", copy_id),
                key=f"assignment.overdue:{copy_id}:bench-{time.time_ns()}-{repeat}-{n}:{due}",
            )
            assert new_id is not None
            ids.append(new_id)
        db.session.commit()
        return ids


def _forget_notifications(app: Flask) -> None:
    from app.extensions import db
    from app.models import Notification

    with app.app_context():
        db.session.execute(sa.delete(Notification))
        db.session.commit()


def _sent(app: Flask, ids: list[int]) -> int:
    from app.extensions import db
    from app.models import Notification, NotificationState

    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.id.in_(ids), Notification.state == NotificationState.SENT)
        )
        db.session.rollback()
        return int(count or 0)


def measure(bench: Bench) -> None:
    """Adds the S7 row to ``bench``."""
    from bench.measure import Measure, Row
    from bench.server import RESULTS

    name = "S7 dashboard while scan + 500 e-mails"
    app = _app(bench)
    clients = _prepare(app)
    copies = _open_copies(app)
    if not copies:
        bench.rows.append(Row(name, note="no open assignment with a due date in the fixture"))
        return
    scan_task = app.extensions["huey_tasks"][
        "app.notifications.tasks.scan_assignment_reminders_now"
    ]
    counselor = bench.visitor(bench.t.counselor_a)
    dashboard = bench.page_job(counselor, bench.t.dashboard)
    alone, loaded = Measure(), Measure()
    took: list[float] = []
    scanned: list[dict] = []
    try:
        for repeat in range(bench.args.repeats):
            _forget_notifications(app)  # each repeat's scan has everything to announce again
            alone.add_repeat([dashboard()[0] for _ in range(bench.args.requests)])
            started = time.perf_counter()
            with app.app_context():
                result = scan_task()
            ids = _announce_burst(app, copies, repeat)
            done = threading.Event()

            def wait(
                ids: list[int] = ids,
                result=result,
                done: threading.Event = done,
                started: float = started,
            ) -> None:
                try:
                    deadline = time.monotonic() + DONE_TIMEOUT
                    scan: dict | None = None
                    while time.monotonic() < deadline:
                        if scan is None:
                            scan = result.get()  # None until the consumer has run it
                        if scan is not None and _sent(app, ids) >= len(ids):
                            break
                        time.sleep(1.0)
                    scanned.append(scan or {})
                    took.append(time.perf_counter() - started)
                finally:
                    done.set()

            watcher = threading.Thread(target=wait)
            watcher.start()
            seconds = []
            while not done.is_set() or len(seconds) < bench.args.requests:
                elapsed, queries = dashboard()
                seconds.append(elapsed)
                if queries is not None:
                    loaded.queries.append(queries)
            watcher.join()
            loaded.add_repeat(seconds)
            if _sent(app, ids) < len(ids):
                raise RuntimeError(f"only {_sent(app, ids)} of {len(ids)} e-mails went out")
    finally:
        shutil.rmtree(mail_dir(RESULTS, bench.args.size), ignore_errors=True)
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()
    bench.m["S7-alone"], bench.m["S7"] = alone, loaded
    bench.extra["s7_seconds_until_all_sent"] = took
    bench.extra["s7_scan_results"] = scanned
    ratio = loaded.p95 / alone.p95
    batches = scanned[0].get("batches", 0) if scanned else 0
    announced = sum(int(s.get("announced", 0)) for s in scanned)
    bench.rows.append(
        Row(
            name,
            loaded.p50,
            loaded.p95,
            f"{ratio:.2f}×alone p95",
            loaded.queries_text,
            f"S7 p95 ≤{TARGET}×alone",
            "pass" if ratio <= TARGET else "FAIL",
            f"alone p95 {alone.p95:.0f} ms; scan over {clients} clients "
            f"({batches} batches, {announced} reminders announced); "
            f"{BURST} e-mails out after {min(took):.1f}–{max(took):.1f} s; "
            f"{len(loaded.samples)} dashboards meanwhile",
        )
    )
