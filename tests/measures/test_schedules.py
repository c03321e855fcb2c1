"""Scheduling: once, weekly, at intake and the end, before each appointment; due notices."""

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.measures import services
from app.models import Appointment, MeasureCadence, Notification, utcnow
from tests.measures.conftest import positions_for


def book(app, couple, starts_at) -> int:
    with app.app_context():
        appointment = Appointment(
            uid=f"appt-{starts_at.timestamp()}",
            case_id=couple.case.id,
            counselor_id=couple.counselor.id,
            starts_at=starts_at,
            timezone="UTC",
        )
        db.session.add(appointment)
        db.session.commit()
        return appointment.id


def due_notices(app, user) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Notification.key).where(
                    Notification.recipient_id == user.id, Notification.kind == "measure.due"
                )
            )
        )


def test_before_each_appointment_opens_three_days_before(app, couple, schedule_measure, login_as):
    first = book(app, couple, utcnow() + timedelta(days=2))
    schedule = schedule_measure(couple, "CSI-16", cadence=MeasureCadence.BEFORE_APPOINTMENT)
    a = login_as(couple.a)
    assert "CSI-16" in a.get("/me").get_data(as_text=True)
    assert a.get(f"/me/measures/{schedule.id}/appt:{first}").status_code == 200
    assert due_notices(app, couple.a) == [f"measure.due:{schedule.id}:{couple.a.id}:appt:{first}"]


def test_before_each_appointment_waits_for_a_booked_one(app, couple, schedule_measure, login_as):
    schedule_measure(couple, "CSI-16", cadence=MeasureCadence.BEFORE_APPOINTMENT)
    a = login_as(couple.a)
    assert "questionnaire" not in a.get("/me").get_data(as_text=True)
    later = book(app, couple, utcnow() + timedelta(days=10))
    assert "questionnaire" not in a.get("/me").get_data(as_text=True)
    with time_machine.travel(utcnow() + timedelta(days=8), tick=False):
        assert "CSI-16" in login_as(couple.a).get("/me").get_data(as_text=True)
        with app.app_context():
            services.announce_running()
            services.announce_running()  # the hourly task again: still one notice
            db.session.commit()
    keys = due_notices(app, couple.a)
    assert [k for k in keys if k.endswith(f"appt:{later}")] and len(keys) == 1


def test_each_appointment_is_its_own_occurrence(app, couple, schedule_measure, login_as, answer):
    first = book(app, couple, utcnow() + timedelta(days=1))
    schedule = schedule_measure(couple, "CSI-4", cadence=MeasureCadence.BEFORE_APPOINTMENT)
    a = login_as(couple.a)
    assert answer(a, schedule, positions_for("CSI-4", 12)).status_code == 302
    assert "questionnaire" not in a.get("/me").get_data(as_text=True)
    second = book(app, couple, utcnow() + timedelta(days=8))
    with time_machine.travel(utcnow() + timedelta(days=6), tick=False):
        a = login_as(couple.a)
        assert a.get(f"/me/measures/{schedule.id}/appt:{second}").status_code == 200
        assert a.get(f"/me/measures/{schedule.id}/appt:{first}").status_code == 404


def test_weekly_falls_due_again_next_week(app, couple, schedule_measure, login_as, answer):
    schedule = schedule_measure(couple, "CSI-4", cadence=MeasureCadence.WEEKLY)
    a = login_as(couple.a)
    assert answer(a, schedule, positions_for("CSI-4", 15)).status_code == 302
    assert "questionnaire" not in a.get("/me").get_data(as_text=True)
    with time_machine.travel(utcnow() + timedelta(days=7), tick=False):
        assert "CSI-4" in login_as(couple.a).get("/me").get_data(as_text=True)


def test_assigning_announces_once_to_each_addressee(app, couple, schedule_measure):
    schedule = schedule_measure(couple, "GAD-7", cadence=MeasureCadence.ONCE)
    assert due_notices(app, couple.a) == [f"measure.due:{schedule.id}:{couple.a.id}:once"]
    assert due_notices(app, couple.b) == [f"measure.due:{schedule.id}:{couple.b.id}:once"]


def test_one_partner_only(app, couple, schedule_measure):
    schedule_measure(couple, "PHQ-9", who=str(couple.b.id), cadence=MeasureCadence.ONCE)
    assert due_notices(app, couple.a) == []
    assert len(due_notices(app, couple.b)) == 1


def test_stopped_schedule_is_no_longer_due(app, couple, schedule_measure, login_as):
    schedule = schedule_measure(couple, "CSI-16")
    login_as(couple.counselor).post(
        f"/cases/{couple.case.id}/measures/schedules/{schedule.id}/stop"
    )
    assert "questionnaire" not in login_as(couple.a).get("/me").get_data(as_text=True)


def test_double_submitted_schedule_form_makes_one_schedule(app, couple, schedule_measure):
    schedule_measure(couple, "CSI-16")
    schedule_measure(couple, "CSI-16")  # same request key
    with app.app_context():
        from app.models import MeasureSchedule

        assert db.session.scalar(sa.select(sa.func.count(MeasureSchedule.id))) == 1


def test_a_stranger_cannot_schedule_in_someone_elses_case(couple, factory, login_as):
    other = login_as(factory.counselor())
    response = other.post(
        f"/cases/{couple.case.id}/measures",
        data={"instrument": "CSI-16", "who": "all", "cadence": "weekly"},
    )
    assert response.status_code == 404
