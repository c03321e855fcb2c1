"""announce: a row in the caller's transaction, once per key, delivered after the commit."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Notification, NotificationState
from app.notifications import announce
from tests.notifications.conftest import PING, rows_of, state, tell, to


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Notification))


def test_an_announcement_is_delivered_after_the_commit(app, factory, ping, inbox):
    client = factory.client()
    notification_id = tell(app, client, key="once")
    assert state(app, notification_id) is NotificationState.SENT
    assert len(to(inbox, client)) == 1


def test_the_same_key_twice_makes_one_notification(app, factory, ping, inbox):
    client = factory.client()
    first = tell(app, client, key="same-key")
    second = tell(app, client, key="same-key")
    assert first is not None and second is None
    assert len(rows_of(app, client)) == 1
    assert len(to(inbox, client)) == 1


def test_a_rolled_back_event_leaves_no_row_and_sends_nothing(app, factory, ping, inbox):
    client = factory.client()
    with app.app_context():
        announce(recipient=client, kind=PING, case=None, about=None, key="rolled-back")
        db.session.rollback()
        db.session.commit()  # a later commit of the same session queues nothing
    assert count(app) == 0
    assert inbox.messages == []


def test_nothing_is_sent_before_the_caller_commits(app, factory, ping, inbox):
    client = factory.client()
    with app.app_context():
        announce(recipient=client, kind=PING, case=None, about=None, key="not-yet")
        db.session.flush()
        assert inbox.messages == []
        db.session.commit()
    assert len(to(inbox, client)) == 1


def test_a_kind_for_clients_refuses_a_counselor(app, factory, ping):
    counselor = factory.counselor()
    with app.app_context(), pytest.raises(ValueError):
        announce(recipient=counselor, kind=PING, case=None, about=None, key="wrong-role")


def test_an_unknown_kind_is_a_programming_error(app, factory):
    client = factory.client()
    with app.app_context(), pytest.raises(KeyError):
        announce(recipient=client, kind="nobody.registered", case=None, about=None, key="x")


def test_a_naive_due_time_is_refused(app, factory, ping):
    from datetime import datetime

    client = factory.client()
    with app.app_context(), pytest.raises(ValueError):
        announce(
            recipient=client,
            kind=PING,
            case=None,
            about=None,
            key="naive",
            due_at=datetime(2030, 1, 1),
        )


def test_a_row_due_later_waits_for_its_time(app, factory, ping, inbox, run_sweep):
    from datetime import timedelta

    import time_machine

    from app.models import utcnow

    client = factory.client()
    later = utcnow() + timedelta(hours=3)
    notification_id = tell(app, client, due_at=later)
    run_sweep()
    assert state(app, notification_id) is NotificationState.PENDING
    assert inbox.messages == []
    with time_machine.travel(later + timedelta(seconds=1), tick=False):
        run_sweep()
    assert state(app, notification_id) is NotificationState.SENT
    assert len(to(inbox, client)) == 1
