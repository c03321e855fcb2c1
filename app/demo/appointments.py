"""Demo appointments: the Rivera couple's weekly series (past part attended, future part
booked) and partner A's individual video session. What they are is in ``data/appointments.toml``.

An attended occurrence on the day of one of the demo's recorded sessions is linked to it, as
if the counselor had recorded it from the appointment; history and the book then agree.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.demo.accounts import demo_user
from app.demo.caseload import demo_couple_case
from app.demo.data import load
from app.extensions import db
from app.models import (
    Appointment,
    AppointmentStatus,
    CounselingSession,
    Modality,
    SessionKind,
    utcnow,
)
from app.services import appointments as book_service
from app.services.recurrence import Repeat


def seed() -> None:
    """Book the demo couple's sessions (idempotent)."""
    try:
        case = demo_couple_case()
    except LookupError:
        return
    if db.session.scalar(sa.select(Appointment.id).where(Appointment.case_id == case.id)):
        return
    data = load("appointments")
    couple = load("caseload")["couple"]
    counselor = demo_user(couple["counselor"])
    zone = book_service.practice_timezone()
    today = datetime.now(ZoneInfo(zone)).date()
    series = data["series"]
    first_day = today - timedelta(weeks=series["weeks_before"])
    details = book_service.Details(
        local_start=datetime.combine(first_day, time.fromisoformat(series["time"])),
        timezone=zone,
        duration_minutes=series["duration_minutes"],
        modality=Modality(series["modality"]),
        location=series["location"],
        video_url=None,
        kind=SessionKind.JOINT,
        expected_ids=[],
    )
    booked = book_service.book(
        case, counselor, details, repeat=Repeat(1, count=series["count"]), allow_past=True
    )
    now = utcnow()
    for appointment in booked:
        if appointment.starts_at < now:
            appointment.status = AppointmentStatus.ATTENDED
            appointment.sequence += 1
    _link_recorded_sessions(case.id, booked, ZoneInfo(zone))

    single = data["individual"]
    partner = demo_user(couple[single["partner"]])
    book_service.book(
        case,
        counselor,
        book_service.Details(
            local_start=datetime.combine(
                today + timedelta(days=single["days_ahead"]), time.fromisoformat(single["time"])
            ),
            timezone=zone,
            duration_minutes=single["duration_minutes"],
            modality=Modality(single["modality"]),
            location=None,
            video_url=single["video_url"],
            kind=SessionKind.INDIVIDUAL,
            expected_ids=[partner.id],
        ),
    )
    db.session.commit()


def _link_recorded_sessions(case_id: int, booked: list[Appointment], zone: ZoneInfo) -> None:
    """Link each attended occurrence to the recorded session of the same local day, if any."""
    now = utcnow()
    recorded = db.session.scalars(
        sa.select(CounselingSession).where(
            CounselingSession.case_id == case_id, CounselingSession.starts_at <= now
        )
    ).all()
    by_day = {s.starts_at.astimezone(zone).date(): s for s in recorded}
    for appointment in booked:
        if appointment.status is not AppointmentStatus.ATTENDED:
            continue
        session = by_day.pop(appointment.starts_at.astimezone(zone).date(), None)
        if session is not None:
            appointment.session_id = session.id
