"""A partner sees only the sessions they are expected at (home, .ics, feed); the admin sees
counts per counselor only; nobody else sees anything (app/policy/appointments.py)."""

from __future__ import annotations

from datetime import datetime

import icalendar
import pytest

from app.extensions import db
from app.models import SessionKind, User
from app.services import appointment_reads
from tests.appointments.conftest import CANARY


@pytest.fixture
def two_sessions(couple, book, clock):
    """A joint session on 16 March and A's individual one on 18 March (times kept apart)."""
    case, a, b, counselor = couple
    (joint,) = book(case, counselor, datetime(2027, 3, 16, 18, 0))
    (alone,) = book(
        case, counselor, datetime(2027, 3, 18, 11, 15), kind=SessionKind.INDIVIDUAL, expected=[a.id]
    )
    return joint, alone


def _feed_of(client) -> str:
    page = client.post("/account/calendar/on").get_data(as_text=True)
    url = page.split('id="feed-url" readonly value="', 1)[1].split('"', 1)[0]
    return client.get(url.replace("http://localhost", "")).get_data(as_text=True)


def test_the_other_partner_never_sees_an_individual_session(app, couple, two_sessions, login_as):
    case, a, b, counselor = couple
    joint, alone = two_sessions
    partner_b, partner_a = login_as(b), login_as(a)
    home_b = partner_b.get("/me").get_data(as_text=True)
    assert f'data-appointment="{joint}"' in home_b and f'data-appointment="{alone}"' not in home_b
    assert "11:15" not in home_b
    home_a = partner_a.get("/me").get_data(as_text=True)
    assert f'data-appointment="{alone}"' in home_a
    assert partner_b.get(f"/me/appointments/{alone}.ics").status_code == 404
    assert partner_a.get(f"/me/appointments/{alone}.ics").status_code == 200
    feed_b = icalendar.Calendar.from_ical(_feed_of(partner_b))
    assert len(feed_b.walk("VEVENT")) == 1
    assert len(icalendar.Calendar.from_ical(_feed_of(partner_a)).walk("VEVENT")) == 2


def test_the_admin_sees_counts_per_counselor_only(app, couple, two_sessions, factory):
    admin = factory.admin()
    with app.app_context():
        viewer = db.session.get_one(User, admin.id)
        assert appointment_reads.counts_per_counselor(viewer) == {couple[3].id: 2}
        assert appointment_reads.upcoming_for(viewer) == []
        counselor = db.session.get_one(User, couple[3].id)
        assert appointment_reads.counts_per_counselor(counselor) == {}


def test_people_outside_the_case_see_nothing(app, couple, two_sessions, factory, login_as):
    joint, alone = two_sessions
    stranger = login_as(factory.client())
    assert stranger.get(f"/me/appointments/{joint}.ics").status_code == 404
    assert CANARY not in stranger.get("/me").get_data(as_text=True)
    other_counselor = login_as(factory.counselor())
    week = other_counselor.get("/calendar?week=2027-03-15").get_data(as_text=True)
    assert CANARY not in week and "No sessions." in week
