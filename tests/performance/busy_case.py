"""A case with much more of everything the case page shows (the T1 "larger data" check)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from app.crypto import new_uid
from app.extensions import db
from app.messages.thread_setup import ensure_threads
from app.models import (
    Appointment,
    AppointmentStatus,
    Case,
    CaseMember,
    CheckIn,
    Message,
    MessageThread,
    ResponseStatus,
)
from app.models.measure import MeasureResponse, SafetyFlag
from tests.performance.conftest import first_case_of

MESSAGES = 60
SHEETS_PER_PARTNER = 30
CHECK_INS_PER_PARTNER = 40
APPOINTMENTS = 20


@pytest.fixture
def busy_case(app: Flask, caseloads: dict[int, str]) -> int:
    """The 10-client counselor's first case, with messages, CSI sheets, open safety flags,
    check-ins and booked appointments added in bulk; its id."""
    case_id = first_case_of(app, caseloads[10])
    now = datetime.now(UTC)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        members = list(
            db.session.scalars(sa.select(CaseMember).where(CaseMember.case_id == case_id))
        )
        ensure_threads([(case, members)])
        threads = list(
            db.session.scalars(sa.select(MessageThread).where(MessageThread.case_id == case_id))
        )
        for i in range(MESSAGES):
            message = Message(
                thread_id=threads[i % len(threads)].id, author_id=members[i % 2].user_id
            )
            db.session.add(message)
            db.session.flush()
            message.body = f"Message {i}"
        for member in members:
            for i in range(SHEETS_PER_PARTNER):
                sheet = MeasureResponse(
                    case_id=case_id,
                    user_id=member.user_id,
                    instrument="CSI-4",
                    occurrence=f"busy-{i}",
                    status=ResponseStatus.SUBMITTED,
                    submitted_at=now - timedelta(days=i),
                )
                db.session.add(sheet)
                db.session.flush()
                sheet.score = {"total": 10 + i % 7, "beyond": i % 3 == 0}
                if i < 3:
                    db.session.add(
                        SafetyFlag(case_id=case_id, user_id=member.user_id, response_id=sheet.id)
                    )
            for i in range(CHECK_INS_PER_PARTNER):
                check_in = CheckIn(
                    case_id=case_id, user_id=member.user_id, created_at=now - timedelta(days=i)
                )
                db.session.add(check_in)
                db.session.flush()
                check_in.scores = {
                    "satisfaction": i % 10,
                    "connection": 5,
                    "conflict": 4,
                    "hope": 7,
                }
        template = db.session.scalar(
            sa.select(Appointment).where(Appointment.case_id == case_id).limit(1)
        )
        assert template is not None, "the generator books appointments"
        for i in range(APPOINTMENTS):
            db.session.add(
                Appointment(
                    uid=f"{new_uid()}@rekindle",
                    case_id=case_id,
                    counselor_id=case.counselor_id,
                    starts_at=now + timedelta(days=3 + i),
                    timezone=template.timezone,
                    duration_minutes=50,
                    modality=template.modality,
                    kind=template.kind,
                    status=AppointmentStatus.BOOKED,
                )
            )
        db.session.commit()
    return case_id
