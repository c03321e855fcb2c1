""" "Next session" everywhere is the next booked appointment: caseload, case page, client home,
both summary PDFs and the client's export; a recorded session starts from its appointment."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import Appointment, AppointmentStatus, Case, CounselingSession, SessionKind, User
from app.services import appointments as book_service
from app.services.caseload import dashboard
from app.services.export import build_export
from app.services.sessions import load_session
from app.sessions.summary import summary_context
from tests.appointments.conftest import load


def _book_and_record_first(app, couple, book):
    """A weekly series of 3; the first is recorded; the second cancelled; A's individual one
    on 20 March comes before the third."""
    case, a, b, counselor = couple
    ids = book(case, counselor, datetime(2027, 3, 11, 18, 0), count=3)
    (alone,) = book(
        case, counselor, datetime(2027, 3, 20, 10, 0), kind=SessionKind.INDIVIDUAL, expected=[a.id]
    )
    with app.app_context():
        me = db.session.get_one(User, counselor.id)
        session = book_service.record_session(
            book_service.load(case.id, ids[0]), db.session.get_one(Case, case.id), me
        )
        book_service.cancel(book_service.load(case.id, ids[1]), me, reason="Holiday")
        db.session.commit()
        return ids, alone, session.id


def test_every_page_names_the_next_booked_session(app, couple, book, login_as, clock):
    case, a, b, counselor = couple
    ids, alone, session_id = _book_and_record_first(app, couple, book)
    third = load(app, ids[2]).starts_at  # 25 March 18:00 Helsinki
    individual = load(app, alone).starts_at
    clock.move_to(datetime.fromisoformat("2027-03-12T08:00:00+00:00"))

    with app.app_context():
        me = db.session.get_one(User, counselor.id)
        (row,) = dashboard(me).rows
        assert row.next_session == individual  # the case's next: A's own session
    with app.app_context():
        scase = db.session.get_one(Case, case.id)
        session = load_session(case.id, session_id)
        _, clinician = summary_context(scase, session, "clinician")
        _, client_copy = summary_context(scase, session, "client")
        assert clinician["next_session"].starts_at == individual
        # The client copy is for both partners: only a session both are expected at.
        assert client_copy["next_session"].starts_at == third
        for person, expected in ((a, individual), (b, third)):
            export = build_export(db.session.get_one(User, person.id))
            assert export["upcoming_sessions"][0]["starts_at"] == expected.isoformat()

    counselor_client = login_as(counselor)
    case_page = counselor_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "data-next-session>20 Mar 2027, 10:00<" in case_page
    caseload = counselor_client.get("/caseload").get_data(as_text=True)
    assert "20 Mar 2027, 10:00" in caseload
    home_b = login_as(b).get("/me").get_data(as_text=True)
    assert home_b.index("Thursday 25 March, 18:00") < home_b.index("Add to my calendar")


def test_recording_from_the_appointment_links_and_marks_it(app, couple, book, login_as, clock):
    case, a, b, counselor = couple
    (aid,) = book(case, counselor, datetime(2027, 3, 10, 11, 5))  # 09:05 UTC: just started
    client = login_as(counselor)
    answer = client.post(f"/cases/{case.id}/appointments/{aid}/record")
    assert answer.status_code == 302 and "/sessions/" in answer.headers["Location"]
    again = client.post(f"/cases/{case.id}/appointments/{aid}/record")
    assert again.headers["Location"] == answer.headers["Location"]  # one record
    item = load(app, aid)
    assert item.status is AppointmentStatus.ATTENDED and item.session_id is not None
    with app.app_context():
        session = db.session.get_one(CounselingSession, item.session_id)
        assert session.starts_at == item.starts_at
        assert db.session.scalar(sa.select(sa.func.count(Appointment.id))) == 1
    page = client.get(f"/cases/{case.id}/appointments/{aid}").get_data(as_text=True)
    assert "Open the session record" in page
