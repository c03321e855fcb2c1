"""Real consumer processes deliver notifications, on the SQLite queue and on Redis.

The test process plays the web side: it announces and commits, and queues the delivery. A
``huey_consumer`` process (sharing only the database, the queue and the mail server) does the
rest. These keep the real clock (consumers cannot travel in time), so each recipient has no
quiet hours.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Notification, NotificationState, User, utcnow
from app.notification_centre.kinds import NEW_ASSIGNMENT
from app.notifications import announce, set_preferences
from app.notifications.reminders import OVERDUE
from tests.notifications.conftest import row, to
from tests.tasks import conftest as tasks_conftest
from tests.tasks.conftest import queue_config

backend = tasks_conftest.backend  # the sqlite / redis parameter
start_consumer = tasks_conftest.start_consumer  # real consumers, stopped after the test


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


pytestmark = pytest.mark.usefixtures("reminders_only")


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
            sa.select(Notification.state, sa.func.count())
            .where(Notification.kind != NEW_ASSIGNMENT)  # switched off: reminders_only
            .group_by(Notification.state)
        ).all()
    assert dict(counts) == {NotificationState.DEAD: 1, NotificationState.SENT: 1}
    assert utcnow()
