"""Each kind of e-mail this package sends reaches a real SMTP server (aiosmtpd), once.

(The kinds of the features — assignments, feedback, comments, check-ins, shared entries — are
tested with their hooks, on the branches that add them.)
"""

from __future__ import annotations

from datetime import date, timedelta

import time_machine

from app.extensions import db
from app.models import Notification, NotificationState, User
from app.notifications import set_preferences
from app.notifications.delivery import make_dead
from app.notifications.reminders import DUE_SOON, OVERDUE, scan
from tests.notifications.conftest import NOON, PING, parts, row, tell, to


def test_the_due_and_overdue_reminders(app, couple, give, inbox, run_sweep):
    give(couple.case, [couple.a], due_date=date(2026, 6, 11))
    with app.app_context():
        scan()
    for hours in (20, 44):  # 08:00 on the 11th and on the 12th: after each reminder's midnight
        with time_machine.travel(NOON + timedelta(hours=hours), tick=False):
            run_sweep()
    messages = to(inbox, couple.a)
    assert len(messages) == 2
    texts = [parts(m)["text/plain"] for m in messages]
    assert "An exercise is due tomorrow" in texts[0] and "/me/exercises/" in texts[0]
    assert "An exercise is past its due date" in texts[1]
    assert sorted(r.kind for r in _sent(app, couple.a)) == sorted([DUE_SOON, OVERDUE])


def test_the_dead_letter_notice_to_the_admin(app, factory, ping, inbox):
    admin = factory.admin()
    client = factory.client()
    notification_id = tell(app, client)
    with app.app_context():
        make_dead(db.session.get(Notification, notification_id), NOON, "SMTPDataError 451")
        db.session.commit()
    [message] = to(inbox, admin)
    text = parts(message)["text/plain"]
    assert "A notification could not be delivered" in text
    assert "/admin/notifications/dead-letters" in text
    assert client.email not in text and client.name not in text


def test_the_daily_digest(app, factory, ping, inbox, run_sweep):
    client = factory.client()
    with app.app_context():
        set_preferences(db.session.get(User, client.id), kinds={PING: {"timing": "digest"}})
        db.session.commit()
    notification_id = tell(app, client)
    with time_machine.travel(NOON + timedelta(hours=20), tick=False):
        run_sweep()
    [message] = to(inbox, client)
    assert message["Subject"] == "Your daily summary from Rekindle"
    assert row(app, notification_id).state is NotificationState.SENT


def _sent(app, user):
    from tests.notifications.conftest import rows_of

    return [r for r in rows_of(app, user) if r.state is NotificationState.SENT]
