"""A new booking is announced to each expected client once (a series once, not per
occurrence), with fixed words; a booking made less than 24 h ahead keeps the reminders whose
time is still ahead. Real SMTP (tests/mailbox.py), the clock moved by ``time-machine``."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.appointments import notifications as kinds
from app.extensions import db
from app.models import Notification, SessionKind, User
from app.services import appointments as book_service
from tests.appointments.conftest import NOW, ZONE
from tests.appointments.test_reminders import TITLES, run_clock
from tests.appointments.test_reminders import received as received_reminders

NOTICES = {
    "A session was booked for you": "booked",
    "A series of sessions was booked for you": "series",
}


@pytest.fixture
def app_config(inbox) -> dict:
    return {"REKINDLE_TIMEZONE": ZONE, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port}


def received(inbox) -> Counter:
    """Reminders and changes (as in tests/appointments) plus notices of new bookings; the
    canary check of names and label is the one of ``received_reminders``."""
    got = received_reminders(inbox)
    for message in inbox.messages:
        text = message.as_string()
        for title, which in NOTICES.items():
            got[(message["To"], which)] += title in text
    return +got


def test_a_joint_session_is_announced_to_both_partners_once(app, couple, book, clock, inbox):
    case, a, b, counselor = couple
    book(case, counselor, datetime(2027, 3, 20, 18, 0))
    run_clock(app, clock, NOW + timedelta(hours=2))
    assert received(inbox) == Counter({(a.email, "booked"): 1, (b.email, "booked"): 1})


def test_an_individual_session_is_announced_to_that_partner_only(app, couple, book, clock, inbox):
    case, a, b, counselor = couple
    book(
        case, counselor, datetime(2027, 3, 20, 9, 30), kind=SessionKind.INDIVIDUAL, expected=[b.id]
    )
    run_clock(app, clock, NOW + timedelta(hours=2))
    assert received(inbox) == Counter({(b.email, "booked"): 1})


def test_a_series_is_one_notice_not_one_per_occurrence(app, couple, book, clock, inbox):
    case, a, b, counselor = couple
    ids = book(case, counselor, datetime(2027, 3, 20, 18, 0), count=6)
    assert len(ids) == 6
    run_clock(app, clock, NOW + timedelta(hours=2))
    assert received(inbox) == Counter({(a.email, "series"): 1, (b.email, "series"): 1})
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Notification.kind).where(Notification.kind == kinds.SERIES_BOOKED)
        ).all()
    assert len(rows) == 2


def test_a_booking_notice_is_no_longer_relevant_once_cancelled(app, couple, book, clock, inbox):
    # Delivery asks the policy again first (a retry or a digest can come late).
    from app.appointments.notices import still_relevant

    case, a, b, counselor = couple
    (aid,) = book(case, counselor, datetime(2027, 3, 20, 18, 0))
    with app.app_context():
        notices = db.session.scalars(
            sa.select(Notification).where(Notification.kind == kinds.BOOKED)
        ).all()
        assert len(notices) == 2 and all(still_relevant(n) for n in notices)
        book_service.cancel(
            book_service.load(case.id, aid), db.session.get_one(User, counselor.id), reason="ill"
        )
        db.session.commit()
        assert not any(still_relevant(n) for n in notices)


@pytest.mark.parametrize(
    ("local_start", "reminders"),
    [
        # 5 hours ahead (16:00 Helsinki, 14:00 UTC): the 24-hour time is past, the 2-hour not.
        (datetime(2027, 3, 10, 16, 0), {"2h": 1}),
        # 90 minutes ahead: both reminder times are past; the booking notice is all.
        (datetime(2027, 3, 10, 12, 30), {}),
        # 30 hours ahead: both.
        (datetime(2027, 3, 11, 17, 0), {"24h": 1, "2h": 1}),
    ],
    ids=["5h-ahead", "90min-ahead", "30h-ahead"],
)
def test_a_late_booking_keeps_the_reminders_still_ahead(
    app, couple, book, clock, inbox, local_start, reminders
):
    case, a, b, counselor = couple
    (aid,) = book(case, counselor, local_start, kind=SessionKind.INDIVIDUAL, expected=[a.id])
    with app.app_context():
        queued = set(
            db.session.scalars(
                sa.select(Notification.kind).where(
                    Notification.about_id == aid, Notification.kind.in_(kinds.REMINDERS)
                )
            )
        )
    assert queued == {f"appointment.reminder_{which}" for which in reminders}
    starts = datetime.fromisoformat(local_start.isoformat() + "+02:00").astimezone(UTC)
    run_clock(app, clock, starts)
    expected = Counter({(a.email, which): n for which, n in reminders.items()})
    expected[(a.email, "booked")] = 1
    assert received(inbox) == expected
    assert set(TITLES.values()) >= set(reminders)
