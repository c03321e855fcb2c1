"""The daily digest: one e-mail at the person's digest time for what they chose to batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from app.extensions import db
from app.models import NotificationState, User
from app.notifications import set_preferences, unread_count
from tests.notifications.conftest import PING, PING_TITLE, parts, rows_of, tell, to

DAY = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
NEXT_MORNING = datetime(2026, 6, 11, 8, 0, tzinfo=UTC)


def batched(app, user: User, **more) -> None:
    with app.app_context():
        set_preferences(db.session.get(User, user.id), kinds={PING: {"timing": "digest"}}, **more)
        db.session.commit()


def test_three_batched_notifications_make_one_email_the_next_morning_once(
    app, factory, ping, inbox, run_sweep
):
    client = factory.client()
    batched(app, client)
    for minutes in (0, 30, 90):
        with time_machine.travel(DAY + timedelta(minutes=minutes), tick=False):
            tell(app, client, key=f"batched-{minutes}")
            run_sweep()
    with app.app_context():
        assert unread_count(client) == 3  # in-app at once
    assert to(inbox, client) == []
    with time_machine.travel(NEXT_MORNING - timedelta(seconds=1), tick=False):
        run_sweep()
    assert to(inbox, client) == []
    for later in (0, 1, 60 * 24):  # at eight, a minute later, and the morning after
        with time_machine.travel(NEXT_MORNING + timedelta(minutes=later), tick=False):
            run_sweep()
    [message] = to(inbox, client)
    assert message["Subject"] == "Your daily summary from Rekindle"
    assert parts(message)["text/plain"].count(PING_TITLE) == 3
    states = [r.state for r in rows_of(app, client)]
    assert states.count(NotificationState.SENT) == 4  # three rows and the digest itself


def test_what_comes_after_the_digest_time_waits_for_the_next_day(
    app, factory, ping, inbox, run_sweep
):
    client = factory.client()
    batched(app, client)
    with time_machine.travel(NEXT_MORNING - timedelta(hours=1), tick=False):
        tell(app, client, key="early")
    with time_machine.travel(NEXT_MORNING + timedelta(minutes=5), tick=False):
        tell(app, client, key="late")
        run_sweep()
    [first] = to(inbox, client)
    assert parts(first)["text/plain"].count(PING_TITLE) == 1
    with time_machine.travel(NEXT_MORNING + timedelta(days=1), tick=False):
        run_sweep()
    assert len(to(inbox, client)) == 2


def test_a_digest_in_discreet_mode_only_counts(app, factory, ping, inbox, run_sweep):
    client = factory.client()
    batched(app, client, discreet=True)
    with time_machine.travel(DAY, tick=False):
        tell(app, client, key="one")
        tell(app, client, key="two")
    with time_machine.travel(NEXT_MORNING, tick=False):
        run_sweep()
    [message] = to(inbox, client)
    assert message["Subject"] == "Your daily summary"
    text = parts(message)["text/plain"]
    assert "2 new notifications" in text and PING_TITLE not in text
    assert app.config["REKINDLE_PRACTICE_NAME"] not in text


def test_rows_no_longer_relevant_leave_the_digest(app, factory, ping, inbox, run_sweep):
    client = factory.client()
    batched(app, client)
    with time_machine.travel(DAY, tick=False):
        tell(app, client, key="gone")
    ping.relevant = False
    with time_machine.travel(NEXT_MORNING, tick=False):
        run_sweep()
    assert to(inbox, client) == []
    assert {r.state for r in rows_of(app, client)} == {NotificationState.CANCELLED}
