"""Feeds parse with ``icalendar`` and, independently, ``recurring-ical-events`` expands them to
exactly the appointment book, across the DST change (docs/security.md CAL-1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import sqlalchemy as sa

from app.appointments.feed_routes import feed_body
from app.extensions import db
from app.models import Appointment, AppointmentStatus, User
from app.services import appointments as book_service
from tests.appointments.conftest import ZONE, load

HEL = ZoneInfo(ZONE)


def _feed(app, user) -> icalendar.Calendar:
    with app.app_context():
        body = feed_body(db.session.get_one(User, user.id))
    return icalendar.Calendar.from_ical(body)


def _book_rows(app, case_id: int) -> list[Appointment]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Appointment)
            .where(Appointment.case_id == case_id)
            .order_by(Appointment.starts_at)
        ).all()
        db.session.expunge_all()
        return list(rows)


def _expanded(calendar: icalendar.Calendar) -> list[tuple[datetime, str]]:
    events = recurring_ical_events.of(calendar).between(
        datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)
    )
    return sorted(
        (e["DTSTART"].dt.astimezone(UTC), str(e.get("STATUS", "CONFIRMED"))) for e in events
    )


def test_a_weekly_series_keeps_its_local_time_across_dst_in_the_book(app, couple, book, clock):
    case, a, b, counselor = couple
    ids = book(case, counselor, datetime(2027, 3, 16, 18, 0), count=4)
    starts = [load(app, i).starts_at for i in ids]
    assert [s.astimezone(HEL).strftime("%H:%M") for s in starts] == ["18:00"] * 4
    # 18:00 in Helsinki is 16:00 UTC in winter and 15:00 UTC in summer.
    assert [s.hour for s in starts] == [16, 16, 15, 15]


def test_the_feed_parses_and_expands_to_the_book_across_dst(app, couple, book, clock, login_as):
    case, a, b, counselor = couple
    ids = book(case, counselor, datetime(2027, 3, 16, 18, 0), count=6)
    # Move the third occurrence by a day, cancel the fifth.
    with app.app_context():
        third = book_service.load(case.id, ids[2])
        book_service.reschedule(
            third,
            db.session.get_one(User, counselor.id),
            book_service.Details(
                local_start=datetime(2027, 3, 31, 9, 30),
                timezone=ZONE,
                duration_minutes=50,
                modality=third.modality,
                location="Room 2",
                video_url=None,
                kind=third.kind,
                expected_ids=[],
            ),
        )
        fifth = book_service.load(case.id, ids[4])
        book_service.cancel(fifth, db.session.get_one(User, counselor.id), reason="holiday")
        db.session.commit()

    for person in (a, b, counselor):
        calendar = _feed(app, person)
        assert calendar["VERSION"] == "2.0"
        assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} == {ZONE}
        booked = [
            (r.starts_at, "CANCELLED" if r.status is AppointmentStatus.CANCELLED else "CONFIRMED")
            for r in _book_rows(app, case.id)
        ]
        assert _expanded(calendar) == sorted(booked)

    rows = _book_rows(app, case.id)
    assert rows[2].starts_at == datetime(2027, 3, 31, 6, 30, tzinfo=UTC)  # 09:30 EEST
    events = _feed(app, a).walk("VEVENT")
    master = [e for e in events if "RRULE" in e]
    overrides = [e for e in events if "RECURRENCE-ID" in e]
    assert len(master) == 1 and len(overrides) == 2
    assert all(e["UID"] == master[0]["UID"] for e in overrides)
    assert all(int(e["SEQUENCE"]) >= 1 for e in overrides)
    assert {str(e["STATUS"]) for e in overrides} == {"CONFIRMED", "CANCELLED"}


def test_uids_are_stable_and_sequence_rises_with_each_change(app, couple, book, clock):
    case, a, b, counselor = couple
    (aid,) = book(case, counselor, datetime(2027, 3, 20, 10, 0))
    first = _feed(app, a).walk("VEVENT")[0]
    with app.app_context():
        item = book_service.load(case.id, aid)
        me = db.session.get_one(User, counselor.id)
        for hour in (11, 12):
            book_service.reschedule(
                item,
                me,
                book_service.Details(
                    datetime(2027, 3, 20, hour, 0),
                    ZONE,
                    50,
                    item.modality,
                    "Room 2",
                    None,
                    item.kind,
                    [],
                ),
            )
        db.session.commit()
    again = _feed(app, a).walk("VEVENT")[0]
    assert again["UID"] == first["UID"]
    assert int(first["SEQUENCE"]) == 0 and int(again["SEQUENCE"]) == 2
    assert again["DTSTART"].dt == datetime(2027, 3, 20, 12, 0, tzinfo=HEL)
    assert again["DTSTART"].params["TZID"] == ZONE
    assert again["DTEND"].dt - again["DTSTART"].dt == timedelta(minutes=50)
