"""Check-ins: the client answers four questions once per form; the counselor sees trends."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CheckIn

ANSWERS = {"satisfaction": "6", "communication": "5", "closeness": "7", "hope": "8"}


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(CheckIn.id)))


def test_check_in_once_per_form(app, login_as, couple_case):
    counselor, case, a, b = couple_case
    client = login_as(a)
    data = {**ANSWERS, "request_key": "checkin-1"}
    assert client.post("/me/check-in", data=data).status_code == 302
    assert client.post("/me/check-in", data=data).status_code == 302
    assert _count(app) == 1
    with app.app_context():
        row = db.session.scalar(sa.select(CheckIn))
        assert (row.user_id, row.case_id, row.hope) == (a.id, case.id, 8)


@pytest.mark.parametrize("bad", ["11", "-1", "", "seven"])
def test_out_of_range_answer_is_explained(app, login_as, couple_case, bad):
    counselor, case, a, b = couple_case
    response = login_as(a).post("/me/check-in", data={**ANSWERS, "hope": bad})
    assert response.status_code == 200
    assert b'class="text-danger small mt-1"' in response.data  # the message sits by the question
    assert _count(app) == 0


def test_client_home_invites_to_check_in(login_as, couple_case):
    counselor, case, a, b = couple_case
    page = login_as(a).get("/me").get_data(as_text=True)
    # No session is booked: the invitation promises none (issue ux-pass, item 3).
    assert "How have things been?" in page and "/me/check-in" in page
    assert "Before your next session" not in page


def test_home_names_the_next_session_when_one_is_booked(login_as, couple_case, build):
    from datetime import timedelta

    from app.models import utcnow

    counselor, case, a, b = couple_case
    build.appointment(case, starts_at=utcnow() + timedelta(days=3))
    page = login_as(a).get("/me").get_data(as_text=True)
    assert "Before your next session" in page and "Your next session:" in page


def test_closed_case_refuses_check_ins(app, login_as, factory):
    from app.models import CaseStatus

    counselor = factory.counselor()
    a, b = factory.client(), factory.client()
    factory.case(counselor, [a, b], status=CaseStatus.CLOSED)
    response = login_as(a).post("/me/check-in", data=ANSWERS)
    assert response.status_code == 409
    assert _count(app) == 0


def test_case_page_sections(app, build, couple_case):
    from flask import render_template

    from app.models import Case, User
    from app.sessions.sections import checkins_section, sessions_section

    counselor, case, a, b = couple_case
    build.session(case, sections={"data": "x"})
    build.check_ins(case, a, weeks=5)
    with app.test_request_context():
        loaded = db.session.get(Case, case.id)
        viewer = db.session.get(User, counselor.id)
        sessions_html = render_template(
            "sessions/_case_section.html", section=sessions_section(viewer, loaded)
        )
        checkins_html = render_template(
            "sessions/_case_checkins.html", section=checkins_section(viewer, loaded)
        )
    assert "Record a session" in sessions_html and "Draft note" in sessions_html
    assert checkins_html.count("<svg") == 1  # partner A has check-ins, partner B not yet
    assert "No check-ins yet." in checkins_html
    assert "<polyline" in checkins_html
