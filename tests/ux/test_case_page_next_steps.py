"""The case page's "What is next": only what applies, each with its link (ux-pass, item 7)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.intake import consents
from app.models import ConsentKind, utcnow
from app.models.measure import MeasureResponse, ResponseStatus, SafetyFlag

STEP = re.compile(r'data-next-step="([a-z]+)">\s*<a href="([^"]+)"')


def next_steps(login_as, couple) -> list[tuple[str, str]]:
    page = login_as(couple.counselor).get(f"/cases/{couple.case.id}").get_data(as_text=True)
    lead = page[page.index('id="since-last"') : page.index('id="members"')]
    return STEP.findall(lead)


def test_a_new_case_asks_only_for_a_booking(login_as, couple):
    assert next_steps(login_as, couple) == [("book", f"/cases/{couple.case.id}/appointments/new")]


def test_the_next_booked_session_replaces_the_booking(login_as, couple, build):
    aid = build.appointment(couple.case, starts_at=utcnow() + timedelta(days=2))
    assert next_steps(login_as, couple) == [
        ("appointment", f"/cases/{couple.case.id}/appointments/{aid}")
    ]


def test_an_unsigned_note_links_to_its_session(login_as, couple, build):
    build.session(
        couple.case, starts_at=datetime(2026, 1, 5, 15, tzinfo=UTC), signed_by=couple.counselor
    )
    sid = build.session(couple.case, starts_at=datetime(2026, 1, 12, 15, tzinfo=UTC))
    steps = dict(next_steps(login_as, couple))
    assert steps["note"] == f"/cases/{couple.case.id}/sessions/{sid}"


def test_consents_not_signed_name_each_partner_until_signed(app, login_as, couple):
    with app.app_context():
        consents.publish(ConsentKind.TREATMENT, "Consent", "We agree to counseling.", None)
        db.session.commit()
    steps = next_steps(login_as, couple)
    assert [kind for kind, _ in steps].count("consent") == 2
    assert all(url.endswith("#intake") for kind, url in steps if kind == "consent")


def test_an_open_safety_flag_comes_first(app, login_as, couple, build):
    build.appointment(couple.case, starts_at=utcnow() + timedelta(days=2))
    with app.app_context():
        sheet = MeasureResponse(
            case_id=couple.case.id,
            user_id=couple.a.id,
            instrument="PHQ-9",
            occurrence="once",
            status=ResponseStatus.SUBMITTED,
            submitted_at=utcnow(),
        )
        db.session.add(sheet)
        db.session.flush()
        db.session.add(
            SafetyFlag(case_id=couple.case.id, user_id=couple.a.id, response_id=sheet.id)
        )
        db.session.commit()
    steps = next_steps(login_as, couple)
    assert steps[0] == ("flag", f"/cases/{couple.case.id}#measure-flags")
    assert [kind for kind, _ in steps] == ["flag", "appointment"]


def test_a_closed_case_asks_for_no_booking(app, login_as, couple):
    from app.models import Case, CaseStatus

    with app.app_context():
        db.session.get_one(Case, couple.case.id).status = CaseStatus.CLOSED
        db.session.commit()
    assert next_steps(login_as, couple) == []


def test_a_measure_due_counts_each_partner_until_answered(app, login_as, couple):
    from app.models import MeasureCadence, MeasureSchedule

    with app.app_context():
        schedule = MeasureSchedule(
            case_id=couple.case.id,
            instrument="CSI-4",
            cadence=MeasureCadence.ONCE,
            created_by_id=couple.counselor.id,
        )
        db.session.add(schedule)
        db.session.commit()
        schedule_id = schedule.id
    steps = next_steps(login_as, couple)
    assert ("measure", f"/cases/{couple.case.id}/measures") in steps
    page = login_as(couple.counselor).get(f"/cases/{couple.case.id}").get_data(as_text=True)
    assert "2 measures due, not answered yet" in page
    with app.app_context():
        sheet = MeasureResponse(
            case_id=couple.case.id,
            user_id=couple.a.id,
            schedule_id=schedule_id,
            instrument="CSI-4",
            occurrence="once",
            status=ResponseStatus.SUBMITTED,
            submitted_at=utcnow(),
        )
        db.session.add(sheet)
        db.session.flush()
        sheet.score = {"total": 15, "beyond": False}
        db.session.commit()
    page = login_as(couple.counselor).get(f"/cases/{couple.case.id}").get_data(as_text=True)
    assert "1 measure due, not answered yet" in page
