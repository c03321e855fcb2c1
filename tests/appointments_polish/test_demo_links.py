"""Demo data: the demo couple's attended appointments on the days of the demo's recorded
sessions are linked to them, so the book and the session history tell one story."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Appointment, AppointmentStatus, CounselingSession, utcnow
from tests.appointments.conftest import ZONE


@pytest.fixture
def app_config() -> dict:
    return {"REKINDLE_TIMEZONE": ZONE}


# Morning, evening and a Sunday night: the links must not depend on the hour the demo is seeded.
@pytest.mark.parametrize(
    "now", ["2027-03-10T06:00:00+00:00", "2027-03-10T19:00:00+00:00", "2027-03-14T22:30:00+00:00"]
)
def test_attended_demo_appointments_link_to_recorded_sessions_of_the_same_day(app, runner, now):
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(ZONE)
    with time_machine.travel(datetime.fromisoformat(now), tick=False):
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
        with app.app_context():
            appointments = db.session.scalars(sa.select(Appointment)).all()
            sessions = {s.id: s for s in db.session.scalars(sa.select(CounselingSession))}
            linked = [a for a in appointments if a.session_id is not None]
            assert len(linked) >= 2, "the recorded sessions inside the series are linked"
            for appointment in linked:
                assert appointment.status is AppointmentStatus.ATTENDED
                session = sessions[appointment.session_id]
                assert session.case_id == appointment.case_id
                assert (
                    session.starts_at.astimezone(zone).date()
                    == appointment.starts_at.astimezone(zone).date()
                )
            assert not [a for a in appointments if a.session_id and a.starts_at > utcnow()]
        # Seeding again changes nothing.
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
        with app.app_context():
            again = db.session.scalars(
                sa.select(Appointment.session_id).where(Appointment.session_id.is_not(None))
            ).all()
        assert sorted(again) == sorted(a.session_id for a in linked)
