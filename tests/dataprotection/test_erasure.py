"""GD-2: erasing partner A destroys A's writing and keeps B's data and the clinical record."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AssignmentRecipient,
    AuditEvent,
    CaseMember,
    CheckIn,
    JournalComment,
    JournalEntry,
    JournalSearchTerm,
    LoginSession,
    NoteAmendment,
    ProcessNote,
    Response,
    SessionAttendee,
    SessionNote,
    User,
)
from app.services.erasure import ERASED_NAME, erased_email
from tests.dataprotection.conftest import database_bytes, is_sqlite


def decrypted_text(app) -> str:
    """Everything stored encrypted, decrypted, as one string (fails loudly on any bad value)."""
    with app.app_context():
        parts = []
        for e in db.session.scalars(sa.select(JournalEntry)):
            parts += [e.title or "", e.body or "", json.dumps(e.tags)]
        parts += [json.dumps(r.answer) for r in db.session.scalars(sa.select(Response))]
        parts += [c.body for c in db.session.scalars(sa.select(JournalComment))]
        parts += [r.feedback or "" for r in db.session.scalars(sa.select(AssignmentRecipient))]
        parts += [json.dumps(n.sections) for n in db.session.scalars(sa.select(SessionNote))]
        parts += [a.body for a in db.session.scalars(sa.select(NoteAmendment))]
        parts += [p.body for p in db.session.scalars(sa.select(ProcessNote))]
        return "\n".join(parts)


def erase(admin_client, planted, email=None, reason="Written request of the client, 27 Nov"):
    return admin_client.post(
        f"/admin/erasure/{planted.a_id}",
        data={"email": planted.a_email if email is None else email, "reason": reason},
    )


@pytest.fixture
def admin_client(factory, login_as):
    return login_as(factory.admin())


def test_erasing_a_keeps_b_and_the_clinical_record(app, planted, admin_client, login_as):
    login_as(planted.a_email)  # A has a live login session that must end
    response = erase(admin_client, planted)
    assert response.status_code == 302

    text = decrypted_text(app)
    assert [c for c in planted.canaries["a"].values() if c in text] == []
    assert [c for c in planted.canaries["b"].values() if c not in text] == []
    addressed_to_a = {"comment-a", "feedback-to-a"}
    kept_staff = {k: v for k, v in planted.canaries["staff"].items() if k not in addressed_to_a}
    assert kept_staff and [c for c in kept_staff.values() if c not in text] == []
    # the comment on A's shared entry and feedback to A were addressed to A: gone with it
    assert planted.canaries["staff"]["comment-a"] not in text
    assert planted.canaries["staff"]["feedback-to-a"] not in text

    with app.app_context():
        a = db.session.get(User, planted.a_id)
        assert (a.name, a.email, a.password_hash, a.active) == (
            ERASED_NAME,
            erased_email(a.id),
            None,
            False,
        )
        assert a.erased_at is not None
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(LoginSession.user_id == a.id)) == 0
        )
        member = db.session.scalars(sa.select(CaseMember).where(CaseMember.user_id == a.id)).one()
        assert member.erased_at is not None
        for column in (
            JournalEntry.author_id,
            CheckIn.user_id,
        ):
            assert db.session.scalar(sa.select(sa.func.count()).where(column == a.id)) == 0
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Response)
                .join(AssignmentRecipient)
                .where(AssignmentRecipient.user_id == a.id)
            )
            == 0
        )
        # B's check-in, search terms and both attendances stay
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(CheckIn.user_id == planted.b_id))
            == 1
        )
        assert db.session.scalar(sa.select(sa.func.count()).select_from(JournalSearchTerm)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionAttendee)) == 2

    if is_sqlite(app):
        raw = database_bytes(app)
        assert [c for c in planted.canaries["a"].values() if c.encode() in raw] == []
        assert planted.a_email.encode() not in raw
        assert planted.b_email.encode() in raw


def test_partner_b_still_reads_everything_after_the_erasure(app, planted, admin_client, login_as):
    erase(admin_client, planted)
    b = login_as(planted.b_email)
    assert b.get("/me").status_code == 200


def test_the_erased_client_can_no_longer_sign_in(app, planted, admin_client, client):
    erase(admin_client, planted)
    response = client.post("/login", data={"email": planted.a_email, "password": "x" * 12})
    assert response.status_code != 302


def test_the_case_section_names_the_erased_member(app, planted, admin_client):
    erase(admin_client, planted)
    from flask import render_template

    from app.dataprotection_sections import erased_members_section
    from app.models import Case, User

    with app.test_request_context():
        case = db.session.get(Case, planted.case_id)
        section = erased_members_section(db.session.get(User, case.counselor_id), case)
        assert [m.user_id for m in section["members"]] == [planted.a_id]
        html = render_template("dataprotection/_erased_members.html", section=section)
    assert "Partner A\n  was erased on" in html
    assert "sessions and notes of this case are kept" in html


def test_the_case_section_is_left_out_when_nobody_was_erased(app, planted):
    from app.dataprotection_sections import erased_members_section
    from app.models import Case, User

    with app.app_context():
        case = db.session.get(Case, planted.case_id)
        viewer = db.session.get(User, case.counselor_id)
        assert erased_members_section(viewer, case) is None


def test_the_counselor_sees_the_erasure_on_the_case_page(app, planted, admin_client, login_as):
    if "cases.detail" not in app.view_functions:
        pytest.skip("the case page (caseload feature) is not in this tree yet")
    erase(admin_client, planted)
    counselor = login_as(user_email(app, planted.counselor_id))
    page = counselor.get(f"/cases/{planted.case_id}")
    assert page.status_code == 200
    assert "Partner A\n  was erased on" in page.text


def user_email(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).email


def test_the_audit_event_keeps_the_reason_and_no_client_text(app, planted, admin_client):
    erase(admin_client, planted, reason="Client asked by letter on 27 Nov")
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "client.erased")
        ).all()
    assert len(events) == 1
    event = events[0]
    assert event.object_id == planted.a_id and event.outcome == "ok"
    assert "Client asked by letter on 27 Nov" in event.detail
    assert "entries=3" in event.detail and "answers=2" in event.detail
    assert planted.a_email not in event.detail


@pytest.mark.parametrize(
    ("email", "reason", "message"),
    [
        ("someone.else@example.test", "A proper reason here", "not the client"),
        ("", "A proper reason here", "This field is required"),
        (None, "", "This field is required"),
        (None, "short", "between 10 and 200"),
    ],
)
def test_a_wrong_confirmation_erases_nothing(app, planted, admin_client, email, reason, message):
    response = erase(admin_client, planted, email=email, reason=reason)
    assert response.status_code == 200
    assert message in response.text
    assert reason in response.text  # what the admin typed is kept in the form
    text = decrypted_text(app)
    assert all(c in text for c in planted.canaries["a"].values())


def test_the_confirmation_accepts_the_email_in_other_case(app, planted, admin_client):
    response = erase(admin_client, planted, email=f"  {planted.a_email.upper()} ")
    assert response.status_code == 302


def test_find_by_email_leads_to_the_confirmation(app, planted, admin_client):
    response = admin_client.post("/admin/erasure", data={"email": planted.a_email})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/erasure/{planted.a_id}")
    page = admin_client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "3 journal entries" in page.text and "2 exercise answers" in page.text
    assert "<li>1 check-in</li>" in page.text
    # the admin reads no clinical content on the way
    assert [c for c in planted.all() if c in page.text] == []


def test_find_reports_an_unknown_email_next_to_the_field(app, admin_client):
    response = admin_client.post("/admin/erasure", data={"email": "nobody@example.test"})
    assert response.status_code == 200
    assert "No client account has this email." in response.text


def test_a_second_erasure_is_refused(app, planted, admin_client):
    assert erase(admin_client, planted).status_code == 302
    assert erase(admin_client, planted).status_code == 404


def test_staff_accounts_cannot_be_erased_here(app, planted, admin_client):
    response = admin_client.get(f"/admin/erasure/{planted.counselor_id}")
    assert response.status_code == 404
