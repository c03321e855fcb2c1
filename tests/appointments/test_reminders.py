"""Reminders 24 h and 2 h before, to each expected person exactly once, through the outbox and
a real SMTP server, with the clock moved by ``time-machine``; a cancelled session sends a
cancellation instead; the 2-hour reminder goes out in quiet hours; nothing names anyone."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.appointments import notifications as kinds
from app.extensions import db
from app.models import Notification, SessionKind, User
from app.notifications.sweep import sweep
from app.services import appointments as book_service
from tests.appointments.conftest import CANARY, NOW, ZONE

TITLES = {
    "Reminder: you have a session tomorrow": "24h",
    "Reminder: your session starts in two hours": "2h",
    "One of your sessions was cancelled": "cancelled",
    "One of your sessions has a new time": "moved",
}


@pytest.fixture
def app_config(inbox) -> dict:
    return {"REKINDLE_TIMEZONE": ZONE, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port}


def _text(message) -> str:
    return "\n".join(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_maintype() == "text"
    )


def received(inbox) -> Counter:
    """``(address, which)`` → how many e-mails of that kind the address got."""
    got: Counter = Counter()
    for message in inbox.messages:
        body = _text(message)
        assert CANARY not in body and CANARY not in str(message["Subject"])
        for title, which in TITLES.items():
            if title in body:
                got[(message["To"], which)] += 1
    return got


def run_clock(app, clock, until: datetime, step: timedelta = timedelta(minutes=30)) -> None:
    """Move the clock in steps, sweeping the outbox twice at each (a second sweep sends nothing)."""
    at = NOW
    while at < until:
        at += step
        clock.move_to(at)
        with app.app_context():
            sweep()
            sweep()


def test_each_expected_partner_gets_each_reminder_once_and_the_other_partner_nothing(
    app, couple, book, clock, inbox
):
    case, a, b, counselor = couple
    # A joint session on Friday 12 March 18:00, and A's individual session on Saturday 09:30:
    # its 2-hour reminder falls at 07:30, inside the default quiet hours (21:00-08:00).
    book(case, counselor, datetime(2027, 3, 12, 18, 0))
    book(
        case, counselor, datetime(2027, 3, 13, 9, 30), kind=SessionKind.INDIVIDUAL, expected=[a.id]
    )
    run_clock(app, clock, datetime(2027, 3, 13, 12, 0, tzinfo=UTC))
    assert received(inbox) == Counter(
        {
            (a.email, "24h"): 2,
            (a.email, "2h"): 2,
            (b.email, "24h"): 1,
            (b.email, "2h"): 1,
        }
    )


def test_the_two_hour_reminder_is_not_held_by_quiet_hours(app, couple, book, clock, inbox):
    case, a, b, counselor = couple
    book(
        case, counselor, datetime(2027, 3, 13, 9, 30), kind=SessionKind.INDIVIDUAL, expected=[a.id]
    )
    # 07:35 in Helsinki (05:35 UTC), still inside quiet hours: the 2-hour reminder is there.
    run_clock(app, clock, datetime(2027, 3, 13, 5, 35, tzinfo=UTC), step=timedelta(minutes=35))
    assert received(inbox)[(a.email, "2h")] == 1


def test_a_cancelled_session_sends_a_cancellation_instead(app, couple, book, clock, inbox):
    case, a, b, counselor = couple
    (aid,) = book(case, counselor, datetime(2027, 3, 12, 18, 0))
    with app.app_context():
        book_service.cancel(
            book_service.load(case.id, aid), db.session.get_one(User, counselor.id), reason="ill"
        )
        db.session.commit()
    run_clock(app, clock, datetime(2027, 3, 12, 18, 0, tzinfo=UTC))
    assert received(inbox) == Counter({(a.email, "cancelled"): 1, (b.email, "cancelled"): 1})


def test_a_moved_session_is_announced_and_reminded_at_its_new_time_only(
    app, couple, book, clock, inbox
):
    case, a, b, counselor = couple
    (aid,) = book(case, counselor, datetime(2027, 3, 11, 18, 0))
    with app.app_context():
        item = book_service.load(case.id, aid)
        book_service.reschedule(
            item,
            db.session.get_one(User, counselor.id),
            book_service.Details(
                datetime(2027, 3, 12, 18, 0), ZONE, 50, item.modality, "Room 2", None, item.kind, []
            ),
        )
        db.session.commit()
    run_clock(app, clock, datetime(2027, 3, 12, 17, 0, tzinfo=UTC))
    got = received(inbox)
    for person in (a, b):
        assert (got[(person.email, "moved")], got[(person.email, "24h")]) == (1, 1)
        assert got[(person.email, "2h")] == 1


def test_reminders_are_due_24_and_2_hours_before_on_both_sides_of_the_dst_change(
    app, couple, book, clock
):
    case, a, b, counselor = couple
    # Sunday 28 March 2027 at 18:00 EEST (UTC+3) = 15:00 UTC; the day before was UTC+2.
    (aid,) = book(case, counselor, datetime(2027, 3, 28, 18, 0))
    with app.app_context():
        due = dict(
            db.session.execute(
                sa.select(Notification.kind, Notification.due_at).where(
                    Notification.about_id == aid,
                    Notification.recipient_id == a.id,
                    Notification.kind.in_(kinds.REMINDERS),
                )
            ).all()
        )
    starts = datetime(2027, 3, 28, 15, 0, tzinfo=UTC)
    assert due == {
        kinds.REMINDER_24H: starts - timedelta(hours=24),
        kinds.REMINDER_2H: starts - timedelta(hours=2),
    }
