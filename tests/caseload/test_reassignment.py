"""Reassigning a case moves access at once from the old counselor to the new one."""

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Case


def test_reassignment_moves_access_immediately(app, people, login_as):
    case_id = people["case"].id
    old = login_as(people["counselor"])
    new = login_as(people["other_counselor"])
    assert old.get(f"/cases/{case_id}").status_code == 200
    assert new.get(f"/cases/{case_id}").status_code == 404

    admin = login_as(people["admin"])
    response = admin.post(
        f"/admin/cases/{case_id}/reassign", data={"counselor": people["other_counselor"].id}
    )
    assert response.status_code == 302

    # The old counselor's already signed-in browser loses the case on its next request.
    assert old.get(f"/cases/{case_id}").status_code == 404
    assert people["partner_a"].name not in old.get("/caseload").get_data(as_text=True)
    assert new.get(f"/cases/{case_id}").status_code == 200
    assert people["partner_a"].name in new.get("/caseload").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Case, case_id).counselor_id == people["other_counselor"].id
        assert db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "case.reassigned")
        )


def test_reassign_to_non_counselor_is_refused(app, people, login_as):
    case_id = people["case"].id
    admin = login_as(people["admin"])
    for target in (people["admin"].id, people["partner_a"].id, 999999):
        admin.post(f"/admin/cases/{case_id}/reassign", data={"counselor": target})
    with app.app_context():
        assert db.session.get(Case, case_id).counselor_id == people["counselor"].id


def test_reassign_to_deactivated_counselor_is_refused(app, people, factory, login_as):
    inactive = factory.counselor(active=False)
    admin = login_as(people["admin"])
    admin.post(f"/admin/cases/{people['case'].id}/reassign", data={"counselor": inactive.id})
    with app.app_context():
        assert db.session.get(Case, people["case"].id).counselor_id == people["counselor"].id
