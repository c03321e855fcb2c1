"""A refusing or unreachable mail server delays e-mail and loses none; then a dead letter."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from app.models import NotificationState, utcnow
from tests.notifications.conftest import NOON, row, tell, to


@pytest.fixture
def app_config(moody_inbox) -> dict:
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": moody_inbox.port,
        "REKINDLE_NOTIFY_MAX_ATTEMPTS": 4,
    }


def test_a_refusing_server_delays_with_backoff_and_the_email_arrives_once(
    app, factory, ping, moody_inbox, run_sweep
):
    client = factory.client()
    moody_inbox.refuse = True
    with time_machine.travel(NOON, tick=False):
        notification_id = tell(app, client)
    first = row(app, notification_id)
    assert first.state is NotificationState.PENDING
    assert first.attempts == 1 and first.last_error == "SMTPDataError 451"
    assert first.next_attempt_at == NOON + timedelta(minutes=1)
    with time_machine.travel(NOON + timedelta(minutes=30), tick=False):
        run_sweep()  # the retry's time passed without the consumer: the sweep steps in
    second = row(app, notification_id)
    assert second.attempts == 2 and second.state is NotificationState.PENDING
    assert second.next_attempt_at - (NOON + timedelta(minutes=30)) == timedelta(minutes=2)
    moody_inbox.refuse = False
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        run_sweep()
        run_sweep()
    with time_machine.travel(NOON + timedelta(hours=2), tick=False):
        run_sweep()
    assert len(to(moody_inbox, client)) == 1
    done = row(app, notification_id)
    assert done.state is NotificationState.SENT and done.attempts == 3 and done.last_error is None


def test_after_the_limit_it_is_a_dead_letter_and_the_admin_is_told(
    app, factory, ping, moody_inbox, run_sweep
):
    from app.notifications import unread_count

    admin = factory.admin()
    client = factory.client()
    moody_inbox.refuse = True
    notification_id = tell(app, client)
    for hours in range(1, 6):
        with time_machine.travel(NOON + timedelta(hours=hours), tick=False):
            run_sweep()
    dead = row(app, notification_id)
    assert dead.state is NotificationState.DEAD and dead.attempts == 4 and dead.dead_at is not None
    assert to(moody_inbox, client) == []
    with app.app_context():
        assert unread_count(admin) == 1  # in-app, and by e-mail once the server takes it again


def test_an_unreachable_server_is_a_failed_attempt_too(app, factory, ping):
    from tests.mailbox import free_port

    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    client = factory.client()
    notification_id = tell(app, client)
    failed = row(app, notification_id)
    assert failed.state is NotificationState.PENDING and failed.attempts == 1
    assert failed.last_error == "ConnectionRefusedError"
    assert failed.next_attempt_at > utcnow()
