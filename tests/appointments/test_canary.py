"""A canary in the clients' names, the counselor's name, the case label and a session note
never reaches a feed or an ``.ics`` file (the reminders' e-mails are checked in
test_reminders.py); the counselor's feed names people by initials only."""

from __future__ import annotations

from datetime import datetime

import icalendar
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, SessionKind, SessionNote, User
from app.policy.appointments import initials
from app.services import appointments as book_service
from tests.appointments.conftest import CANARY


def _feed(client) -> str:
    page = client.post("/account/calendar/on").get_data(as_text=True)
    url = page.split('id="feed-url" readonly value="', 1)[1].split('"', 1)[0]
    return client.get(url.replace("http://localhost", "")).get_data(as_text=True)


def test_no_name_label_or_note_in_any_calendar_document(app, couple, book, login_as, clock):
    case, a, b, counselor = couple
    ids = book(case, counselor, datetime(2027, 3, 16, 18, 0), count=3)
    book(case, counselor, datetime(2027, 3, 18, 9, 0), kind=SessionKind.INDIVIDUAL, expected=[a.id])
    with app.app_context():
        appointment = book_service.load(case.id, ids[0])
        session = book_service.record_session(
            appointment, db.session.get_one(Case, case.id), db.session.get_one(User, counselor.id)
        )
        note = db.session.scalar(sa.select(SessionNote).where(SessionNote.session_id == session.id))
        note.sections = {"subjective": f"{CANARY} said something private", "focus": CANARY}
        db.session.commit()

    documents = []
    for person in (a, b, counselor):
        client = login_as(person)
        documents.append(_feed(client))
        if person is not counselor:
            for aid in ids:
                documents.append(client.get(f"/me/appointments/{aid}.ics").get_data(as_text=True))
    assert len(documents) == 9
    for text in documents:
        assert CANARY not in text
        assert "BEGIN:VCALENDAR" in text
        assert "Alex" not in text and "Sam" not in text and "Dana" not in text
    summaries = {
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(documents[-1]).walk("VEVENT")
    }
    alex, sam = initials(a.name), initials(b.name)
    assert alex.startswith("A.") and sam.startswith("S.")
    assert summaries == {f"Session: {alex} & {sam}", f"Session: {alex}"}
    client_titles = {
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(documents[0]).walk("VEVENT")
    }
    assert client_titles == {"Counseling session · Rekindle Counseling Practice"}


def test_discreet_mode_hides_the_practice_and_the_details(app, couple, book, login_as, clock):
    from app.notifications import preferences_for, set_preferences

    case, a, b, counselor = couple
    (aid,) = book(case, counselor, datetime(2027, 3, 16, 18, 0))
    with app.app_context():
        user = db.session.get_one(User, a.id)
        set_preferences(user, discreet=True)
        db.session.commit()
        assert preferences_for(user).discreet
    text = login_as(a).get(f"/me/appointments/{aid}.ics").get_data(as_text=True)
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Appointment"
    assert "LOCATION" not in event and "DESCRIPTION" not in event
    assert "Rekindle Counseling" not in text.replace("PRODID:-//Rekindle//Appointments//EN", "")
