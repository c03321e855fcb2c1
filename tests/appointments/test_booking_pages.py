"""The counselor books, moves and cancels through the forms: clear messages next to the field,
an overlap warning, one booking per submission, 404 outside their cases."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Appointment, AppointmentStatus
from tests.appointments.conftest import load

FORM = {
    "date": "2027-03-16",
    "time": "18:00",
    "duration_minutes": "50",
    "modality": "in_person",
    "location": "Room 2",
    "video_url": "",
    "kind": "joint",
    "repeat": "none",
    "ends": "count",
    "count": "6",
    "until": "",
}


@pytest.fixture
def counselor_client(couple, login_as, clock):
    return login_as(couple[3])


def _rows(app, case_id):
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Appointment)
            .where(Appointment.case_id == case_id)
            .order_by(Appointment.starts_at)
        ).all()
        db.session.expunge_all()
        return rows


def test_booking_a_weekly_series_books_each_occurrence(app, couple, counselor_client, clock):
    case = couple[0]
    answer = counselor_client.post(
        f"/cases/{case.id}/appointments/new",
        data={**FORM, "repeat": "1", "count": "4", "request_key": "k1"},
    )
    assert answer.status_code == 302
    rows = _rows(app, case.id)
    assert len(rows) == 4 and len({r.series_id for r in rows}) == 1
    assert {r.status for r in rows} == {AppointmentStatus.BOOKED}


def test_a_double_submission_books_once(app, couple, counselor_client, clock):
    case = couple[0]
    for _ in range(2):
        counselor_client.post(
            f"/cases/{case.id}/appointments/new", data={**FORM, "request_key": "same"}
        )
    assert len(_rows(app, case.id)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"modality": "video", "video_url": "http://insecure.example"}, "starting with https://"),
        ({"modality": "in_person", "location": ""}, "Say where the session takes place."),
        ({"date": ""}, "Choose the date of the session."),
        ({"duration_minutes": "1000"}, "Between 5 and 600 minutes."),
        ({"repeat": "1", "ends": "until", "until": "2027-03-01"}, "comes after the first session"),
        ({"kind": "individual"}, "An individual session is with one person"),
        ({"location": "🌿 " * 150}, "under 200 characters"),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field(
    app, couple, counselor_client, clock, change, message
):
    case, a, b, _ = couple
    data = {**FORM, "expected": [a.id, b.id], "request_key": "x", **change}
    answer = counselor_client.post(f"/cases/{case.id}/appointments/new", data=data)
    assert answer.status_code == 200
    assert message in answer.get_data(as_text=True)
    assert _rows(app, case.id) == []


def test_an_overlap_is_warned_about_and_can_be_booked_anyway(
    app, couple, counselor_client, book, factory, clock
):
    case, a, b, counselor = couple
    other = factory.case(counselor, [factory.client()], label="Other case")
    book(other, counselor, datetime(2027, 3, 16, 18, 30))
    answer = counselor_client.post(
        f"/cases/{case.id}/appointments/new", data={**FORM, "request_key": "o1"}
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'id="overlap-warning"' in page and "Other case" in page
    assert _rows(app, case.id) == []
    answer = counselor_client.post(
        f"/cases/{case.id}/appointments/new", data={**FORM, "request_key": "o1", "overlap_ok": "y"}
    )
    assert answer.status_code == 302 and len(_rows(app, case.id)) == 1


def test_moving_one_occurrence_keeps_the_others_and_the_history(
    app, couple, counselor_client, book, clock
):
    case, a, b, counselor = couple
    ids = book(case, counselor, datetime(2027, 3, 16, 18, 0), count=3)
    answer = counselor_client.post(
        f"/cases/{case.id}/appointments/{ids[1]}/move",
        data={**FORM, "date": "2027-03-24", "time": "17:00", "scope": "one", "reason": "Holiday"},
    )
    assert answer.status_code == 302
    moved = load(app, ids[1])
    assert moved.starts_at == datetime.fromisoformat("2027-03-24T15:00:00+00:00")
    assert moved.sequence == 1 and moved.series_id == load(app, ids[0]).series_id
    assert load(app, ids[2]).starts_at == datetime.fromisoformat("2027-03-30T15:00:00+00:00")
    page = counselor_client.get(f"/cases/{case.id}/appointments/{ids[1]}").get_data(as_text=True)
    assert "Holiday" in page and "moved from" in page


def test_moving_all_following_splits_the_series_at_the_new_time(
    app, couple, counselor_client, book, clock
):
    case, a, b, counselor = couple
    ids = book(case, counselor, datetime(2027, 3, 16, 18, 0), count=4)
    answer = counselor_client.post(
        f"/cases/{case.id}/appointments/{ids[2]}/move",
        data={**FORM, "date": "2027-03-31", "time": "08:00", "scope": "following"},
    )
    assert answer.status_code == 302
    items = [load(app, i) for i in ids]
    assert items[0].series_id == items[1].series_id != items[2].series_id == items[3].series_id
    assert [i.starts_at.hour for i in items] == [16, 16, 5, 5]  # 08:00 EEST is 05:00 UTC
    assert "UNTIL=" in items[0].series.rrule and items[0].series.sequence == 1


def test_cancel_needs_a_reason_and_keeps_it(app, couple, counselor_client, book, clock):
    case, a, b, counselor = couple
    (aid,) = book(case, counselor, datetime(2027, 3, 16, 18, 0))
    answer = counselor_client.post(
        f"/cases/{case.id}/appointments/{aid}/cancel", data={"reason": ""}
    )
    assert "Give a short reason" in answer.get_data(as_text=True)
    counselor_client.post(
        f"/cases/{case.id}/appointments/{aid}/cancel", data={"reason": "Counselor ill", "late": "y"}
    )
    item = load(app, aid)
    assert item.status is AppointmentStatus.LATE_CANCELLED and item.cancel_reason == "Counselor ill"


def test_another_counselor_gets_404(app, couple, book, factory, login_as, clock):
    case, a, b, counselor = couple
    (aid,) = book(case, counselor, datetime(2027, 3, 16, 18, 0))
    other = login_as(factory.counselor())
    for url in ("", "/move", "/cancel"):
        assert other.get(f"/cases/{case.id}/appointments/{aid}{url}").status_code == 404
    assert other.get(f"/cases/{case.id}/appointments/new").status_code == 404
