"""The client's home lists their next sessions in their own time zone, with the video link
only shortly before, and an .ics per session in that session's own zone."""

from __future__ import annotations

from datetime import datetime

import icalendar

from app.extensions import db
from app.models import Modality, User
from app.notifications import set_preferences
from tests.appointments.conftest import ZONE

LINK = "https://video.example.test/room-42"


def test_times_in_the_clients_own_zone(app, couple, book, login_as, clock):
    case, a, b, counselor = couple
    (aid,) = book(case, counselor, datetime(2027, 3, 16, 18, 0))  # 16:00 UTC
    with app.app_context():
        set_preferences(db.session.get_one(User, a.id), time_zone="America/New_York")
        db.session.commit()
    home_a = login_as(a).get("/me").get_data(as_text=True)
    home_b = login_as(b).get("/me").get_data(as_text=True)
    assert "Tuesday 16 March, 12:00" in home_a and "America/New York" in home_a
    assert "Tuesday 16 March, 18:00" in home_b and "Europe/Helsinki" in home_b
    event = icalendar.Calendar.from_ical(
        login_as(a).get(f"/me/appointments/{aid}.ics").get_data()
    ).walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == ZONE


def test_the_video_link_appears_shortly_before(app, couple, book, login_as, clock):
    case, a, b, counselor = couple
    book(case, counselor, datetime(2027, 3, 10, 12, 0), modality=Modality.VIDEO, video_url=LINK)
    partner = login_as(a)
    early = partner.get("/me").get_data(as_text=True)  # 11:00 Helsinki: an hour before
    assert LINK not in early and "The video link appears here 30 minutes before" in early
    clock.move_to(datetime.fromisoformat("2027-03-10T09:40:00+00:00"))
    soon = login_as(a).get("/me").get_data(as_text=True)
    assert f'href="{LINK}"' in soon and "Join the video session" in soon
