"""The export holds the client's own signatures and checks; erasure spares the partner's."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, SafetyCheck, User
from app.services.erasure import erase_client
from tests.intake.conftest import CALM, WORRIED, answer_check
from tests.pdf.helpers import fetch_pdf, pdf_text


@pytest.fixture
def signed_and_checked(couple, intake, login_as):
    counselor, case, a, b = couple
    intake.publish_defaults()
    intake.sign_all(a, case)
    intake.sign_all(b, case)
    answer_check(login_as(a), case.id, WORRIED)
    answer_check(login_as(b), case.id, CALM)
    return counselor, case, a, b


def test_the_export_holds_own_signatures_and_checks_only(signed_and_checked, login_as):
    _counselor, _case, a, b = signed_and_checked
    data = login_as(a).get("/me/export.json").get_json()
    assert len(data["signed_consents"]) == 3
    assert {s["full_name_typed"] for s in data["signed_consents"]} == {a.name}
    assert [list(c["answers"].values()) for c in data["safety_checks"]] == [list(WORRIED.values())]
    other = login_as(b).get("/me/export.json").get_json()
    assert {s["full_name_typed"] for s in other["signed_consents"]} == {b.name}
    assert [list(c["answers"].values()) for c in other["safety_checks"]] == [list(CALM.values())]
    assert a.name not in str(other["signed_consents"]) + str(other["safety_checks"])


def test_the_export_pdf_lists_them(signed_and_checked, login_as):
    _counselor, _case, a, _b = signed_and_checked
    text = pdf_text(fetch_pdf(login_as(a), "/me/export.pdf").data)
    assert "What you signed" in text and "Your private safety checks" in text
    assert "Do you ever feel afraid of your partner?" in text


def test_erasure_keeps_the_other_partners_signatures(app, signed_and_checked, intake):
    _counselor, _case, a, b = signed_and_checked
    before = [(s.id, s.full_name, s.version_sha256) for s in intake.signatures(b.id)]
    with app.app_context():
        erase_client(db.session.get_one(User, a.id))
        db.session.commit()
    assert intake.signatures(a.id) == []
    assert [(s.id, s.full_name, s.version_sha256) for s in intake.signatures(b.id)] == before
    with app.app_context():
        owners = set(db.session.scalars(sa.select(SafetyCheck.user_id)))
    assert owners == {b.id}


def test_signatures_checks_and_decisions_are_audited(app, couple, intake, login_as):
    from tests.intake.test_consent_gate import _sign_through_the_form

    counselor, case, a, b = couple
    intake.publish_defaults()
    for partner in (a, b):
        _sign_through_the_form(login_as(partner), case.id, partner.name)
    answer_check(login_as(a), case.id, WORRIED)
    answer_check(login_as(b), case.id, CALM)
    concern = intake.concerns(case.id)[0]
    login_as(counselor).post(
        f"/cases/{case.id}/intake/concerns/{concern.id}/decision", data={"decision": "refer"}
    )
    login_as(counselor).post(f"/cases/{case.id}/intake/policy", data={"policy": "no_secrets"})
    with app.app_context():
        counts = dict(
            db.session.execute(
                sa.select(AuditEvent.action, sa.func.count()).group_by(AuditEvent.action)
            ).all()
        )
    assert counts["consent.signed"] == 6
    assert counts["safety.check_submitted"] == 2
    assert counts["safety.decision_recorded"] == 1
    assert counts["confidentiality.policy_set"] == 1
    assert counts["consent.version_published"] == 3
