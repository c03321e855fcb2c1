"""Quiet hours in the person's time zone: e-mail waits until morning, in-app appears at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from app.extensions import db
from app.models import NotificationState, User
from app.notifications import NotificationKind, kinds, set_preferences, unread_count
from tests.notifications.conftest import row, state, tell, to

EVENING = datetime(2026, 6, 10, 22, 30, tzinfo=UTC)
MORNING = datetime(2026, 6, 11, 8, 0, tzinfo=UTC)


def unread(app, user: User) -> int:
    with app.app_context():
        return unread_count(user)


def test_an_evening_email_waits_for_eight_and_goes_once(app, factory, ping, inbox, run_sweep):
    client = factory.client()
    with time_machine.travel(EVENING, tick=False):
        notification_id = tell(app, client)
        assert unread(app, client) == 1  # in-app at once
        assert to(inbox, client) == []
        assert row(app, notification_id).next_attempt_at == MORNING
    with time_machine.travel(MORNING - timedelta(seconds=1), tick=False):
        run_sweep()
        assert to(inbox, client) == []
    with time_machine.travel(MORNING, tick=False):
        run_sweep()
        run_sweep()
    with time_machine.travel(MORNING + timedelta(minutes=10), tick=False):
        run_sweep()
    assert len(to(inbox, client)) == 1
    assert state(app, notification_id) is NotificationState.SENT


def test_quiet_hours_follow_the_persons_time_zone(app, factory, ping, inbox, run_sweep):
    client = factory.client()
    with app.app_context():
        set_preferences(db.session.get(User, client.id), time_zone="Europe/Helsinki")
        db.session.commit()
    # 19:00 UTC is 22:00 in Helsinki (summer time): quiet there, not in UTC.
    with time_machine.travel(datetime(2026, 6, 10, 19, 0, tzinfo=UTC), tick=False):
        notification_id = tell(app, client)
    assert to(inbox, client) == []
    local_eight = datetime(2026, 6, 11, 5, 0, tzinfo=UTC)
    assert row(app, notification_id).next_attempt_at == local_eight
    with time_machine.travel(local_eight, tick=False):
        run_sweep()
    assert len(to(inbox, client)) == 1


@pytest.mark.parametrize(
    ("start", "end", "at", "quiet"),
    [
        ("21:00", "08:00", "07:59", True),
        ("21:00", "08:00", "08:00", False),
        ("21:00", "08:00", "20:59", False),
        ("21:00", "08:00", "21:00", True),
        ("13:00", "15:00", "14:00", True),
        ("13:00", "15:00", "15:00", False),
        ("00:00", "00:00", "03:00", False),  # the same start and end: no quiet hours
    ],
)
def test_the_edges_of_quiet_hours(app, factory, start, end, at, quiet):
    from datetime import time

    from app.notifications import preferences_for

    client = factory.client()
    with app.app_context():
        set_preferences(
            db.session.get(User, client.id),
            quiet_start=time.fromisoformat(start),
            quiet_end=time.fromisoformat(end),
        )
        p = preferences_for(client)
    hour, minute = map(int, at.split(":"))
    assert p.in_quiet_hours(datetime(2026, 6, 10, hour, minute, tzinfo=UTC)) is quiet


def test_a_kind_that_bypasses_quiet_hours_goes_at_once(app, factory, inbox, monkeypatch):
    monkeypatch.setitem(
        kinds._kinds,
        "test.soon",
        NotificationKind(
            code="test.soon",
            audience="client",
            title="Your session starts in two hours",
            link=lambda n: "/me",
            still_relevant=lambda n: True,
            bypass_quiet_hours=True,
        ),
    )
    client = factory.client()
    with time_machine.travel(EVENING, tick=False):
        tell(app, client, kind="test.soon")
    assert len(to(inbox, client)) == 1
