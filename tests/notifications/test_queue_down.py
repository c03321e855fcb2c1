"""Redis down when an event happens: the event commits, its notification waits, nothing is lost."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine

from app.models import NotificationState
from tests.mailbox import free_port
from tests.notifications.conftest import NOON, row, tell, to


@pytest.fixture
def app_config(smtp_config) -> dict:
    return {
        **smtp_config,
        "REKINDLE_QUEUE_IMMEDIATE": False,
        "REKINDLE_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",  # nobody listens there
        "REKINDLE_QUEUE_NAME": "rekindle-test-queue-down",
    }


def test_an_unreachable_queue_delays_and_the_sweep_delivers_later(
    app, factory, ping, inbox, run_sweep, caplog, monkeypatch
):
    # Alembic's logging setup (the session's migrations) disables loggers that existed then.
    monkeypatch.setattr(logging.getLogger("app.notifications.outbox"), "disabled", False)
    client = factory.client()
    with (
        caplog.at_level(logging.WARNING, logger="app.notifications.outbox"),
        time_machine.travel(NOON, tick=False),
    ):
        notification_id = tell(app, client)  # commits although the queue is unreachable
    assert row(app, notification_id).state is NotificationState.PENDING
    assert "wait for the sweep" in caplog.text
    assert to(inbox, client) == []
    with time_machine.travel(NOON + timedelta(minutes=2), tick=False):
        run_sweep()  # queued recently: the sweep leaves it to the queue for now
    assert to(inbox, client) == []
    app.extensions["huey"].immediate = True  # the queue is back (run in place, as in tests)
    with time_machine.travel(NOON + timedelta(minutes=6), tick=False):
        run_sweep()
    assert row(app, notification_id).state is NotificationState.SENT
    assert len(to(inbox, client)) == 1
