"""Real consumer processes deliver notifications, on the SQLite queue and on Redis.

The test process plays the web side: it announces and commits, and queues the delivery. A
``huey_consumer`` process (sharing only the database, the queue and the mail server) does the
rest. These keep the real clock (consumers cannot travel in time), so each recipient has no
quiet hours.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Notification, NotificationState, User, utcnow
from app.notifications import announce, set_preferences
from app.notifications.reminders import OVERDUE
from tests.notifications.conftest import row, to
from tests.tasks import conftest as tasks_conftest
from tests.tasks.conftest import ROOT, process_env, queue_config

backend = tasks_conftest.backend  # the sqlite / redis parameter


@pytest.fixture
def daytime() -> None:
    """The consumer keeps the real clock, so this module does too."""


@pytest.fixture
def app_config(backend, tmp_path, moody_inbox) -> dict:
    return {
        **queue_config(backend, tmp_path),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": moody_inbox.port,
        "REKINDLE_NOTIFY_RETRY_SECONDS": 0.3,
        "REKINDLE_NOTIFY_CLAIM_MINUTES": 0.01,
    }


@pytest.fixture
def start_consumer(
    app, app_config, migrated_database, tmp_path
) -> Iterator[Callable[[], subprocess.Popen]]:
    """Start ``huey_consumer`` processes on the test's database, queue and mail server."""
    started: list[subprocess.Popen] = []
    env_config = {
        (name if name.startswith("REKINDLE_") else f"REKINDLE_{name}"): value
        for name, value in app_config.items()
    }

    def _start() -> subprocess.Popen:
        log = open(tmp_path / f"consumer-{len(started)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "huey_consumer"),
                "app.tasks.consumer.huey",
                "--workers",
                "1",
                "--worker-type",
                "thread",
                "--delay",
                "0.05",
                "--max-delay",
                "0.2",
            ],
            cwd=ROOT,
            env=process_env(migrated_database, env_config, tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        log.close()
        started.append(process)
        return process

    yield _start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    app.extensions["huey"].flush()


@pytest.fixture
def overdue_work(app, couple, give):
    """Partner A's overdue assignment copy, and A without quiet hours."""
    from datetime import time as clock

    given = give(couple.case, [couple.a], due_date=date.today() - timedelta(days=2))
    with app.app_context():
        set_preferences(db.session.get(User, couple.a.id), quiet_start=clock(0), quiet_end=clock(0))
        db.session.commit()
    return couple.a, given.recipient_a, couple.case


def announce_overdue(app, work, suffix: str = "") -> int:
    client, recipient_id, case = work
    with app.app_context():
        notification_id = announce(
            recipient=client,
            kind=OVERDUE,
            case=case,
            about=("assignment_recipient", recipient_id),
            key=f"{OVERDUE}:{recipient_id}{suffix}:{(date.today() - timedelta(days=2)).isoformat()}",
        )
        db.session.commit()
    assert notification_id is not None
    return notification_id


def wait_for(check: Callable[[], bool], what: str, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"the consumer did not get there: {what}")


def test_a_consumer_delivers_the_outbox(app, start_consumer, overdue_work, moody_inbox):
    start_consumer()
    notification_id = announce_overdue(app, overdue_work)
    wait_for(lambda: row(app, notification_id).state is NotificationState.SENT, "sent")
    assert len(to(moody_inbox, overdue_work[0])) == 1
    assert row(app, notification_id).shown_at is not None


def test_a_refusing_mail_server_delays_and_loses_nothing(
    app, start_consumer, overdue_work, moody_inbox
):
    moody_inbox.refuse = True
    start_consumer()
    notification_id = announce_overdue(app, overdue_work)
    wait_for(lambda: row(app, notification_id).attempts >= 3, "three refused attempts")
    assert row(app, notification_id).state in (NotificationState.PENDING, NotificationState.SENDING)
    assert moody_inbox.messages == []
    moody_inbox.refuse = False
    wait_for(lambda: row(app, notification_id).state is NotificationState.SENT, "sent after all")
    assert len(to(moody_inbox, overdue_work[0])) == 1


def test_a_consumer_killed_between_sending_and_marking_sent_does_not_send_twice(
    app, start_consumer, overdue_work, moody_inbox
):
    from app.notifications.sweep import sweep

    first = start_consumer()
    moody_inbox.victim = first.pid
    notification_id = announce_overdue(app, overdue_work)
    first.wait(timeout=90)
    assert first.returncode == -signal.SIGKILL
    assert len(moody_inbox.messages) == 1
    assert row(app, notification_id).state is NotificationState.SENDING

    # The sweep (here, in this process, so the test need not wait for the minute) checks the
    # stale claim against what was sent: with a mail server it cannot know, so no resend.
    time.sleep(1)  # older than REKINDLE_NOTIFY_CLAIM_MINUTES (0.6 s)
    with app.app_context():
        sweep()
    assert row(app, notification_id).state is NotificationState.DEAD

    start_consumer()
    later = announce_overdue(app, overdue_work, suffix=":again")
    wait_for(lambda: row(app, later).state is NotificationState.SENT, "the next one sent")
    assert len(to(moody_inbox, overdue_work[0])) == 2  # the first once, and the next one
    with app.app_context():
        counts = db.session.execute(
            sa.select(Notification.state, sa.func.count()).group_by(Notification.state)
        ).all()
    assert dict(counts) == {NotificationState.DEAD: 1, NotificationState.SENT: 1}
    assert utcnow()
