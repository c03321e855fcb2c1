"""The booking form reads and writes the practice's date format (issue ux-pass, item 4)."""

from __future__ import annotations

import html
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Appointment
from tests.appointments.test_booking_pages import FORM


@pytest.fixture
def counselor_client(couple, login_as, clock):
    return login_as(couple[3])


def _starts(app, case_id) -> list[datetime]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Appointment.starts_at).where(Appointment.case_id == case_id)
            )
        )


def test_the_form_shows_the_practice_format(app, couple, counselor_client):
    page = counselor_client.get(f"/cases/{couple[0].id}/appointments/new").get_data(as_text=True)
    date_input = (
        page.split('id="date"', 1)[0].rsplit("<input", 1)[1]
        + page.split('id="date"', 1)[1].split(">", 1)[0]
    )
    assert 'type="text"' in date_input and 'autocomplete="off"' in date_input
    assert 'aria-describedby="date-hint"' in date_input
    assert '<div id="date-hint" class="form-text mt-0">e.g. 01 Dec 2026</div>' in page
    assert 'type="date"' not in page and 'type="time"' not in page


@pytest.mark.parametrize("typed", ["16 Mar 2027", "16 march 2027", "2027-03-16"])
def test_the_practice_format_and_iso_are_booked_alike(app, couple, counselor_client, typed):
    case = couple[0]
    answer = counselor_client.post(
        f"/cases/{case.id}/appointments/new",
        data={**FORM, "date": typed, "request_key": f"k-{typed}"},
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    (start,) = _starts(app, case.id)
    assert start.date().isoformat() == "2027-03-16"


@pytest.mark.parametrize("typed", ["03/16/2027", "16 Mrz 2027", "١٦ Mar ٢٠٢٧", "🌿", "31 Feb 2027"])
def test_anything_else_gets_a_message_and_keeps_the_text(app, couple, counselor_client, typed):
    case, a, b, _ = couple
    answer = counselor_client.post(
        f"/cases/{case.id}/appointments/new",
        data={**FORM, "date": typed, "expected": [a.id, b.id], "request_key": "bad"},
    )
    assert answer.status_code == 200
    page = html.unescape(answer.get_data(as_text=True))
    assert "Enter a date like 01 Dec 2026" in page
    assert "Choose the date of the session." not in page  # one message, not two
    assert f'value="{typed}"' in page
    assert _starts(app, case.id) == []
