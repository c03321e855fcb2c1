"""Demo data: both demo counselors have a realistic caseload across every status."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseKind, CaseStatus, CaseStatusChange, Invitation, User


def _cases_of(email: str) -> list[Case]:
    counselor_id = db.session.scalar(sa.select(User.id).where(User.email == email))
    return list(db.session.scalars(sa.select(Case).where(Case.counselor_id == counselor_id)))


def test_demo_caseloads(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        mine = _cases_of("counselor@demo.rekindle.test")
        assert sum(c.kind is CaseKind.COUPLE for c in mine) >= 3
        assert sum(c.kind is CaseKind.INDIVIDUAL for c in mine) >= 1
        assert {c.status for c in mine} == set(CaseStatus)
        assert "Rivera couple" in {c.label for c in mine}
        assert len(_cases_of("counselor2@demo.rekindle.test")) >= 2
        for case in mine:
            history = db.session.scalar(
                sa.select(sa.func.count()).where(CaseStatusChange.case_id == case.id)
            )
            assert history >= 1, case.label
        pending = db.session.scalars(sa.select(Invitation)).all()
        assert any(inv.state == "pending" for inv in pending)
        # Only people who joined have a password; an invited one has none yet.
        invited = db.session.scalars(
            sa.select(User).where(User.id.in_([inv.user_id for inv in pending]))
        ).all()
        assert invited and all(not user.has_password for user in invited)


def test_demo_dashboard_and_case_pages_render(app, runner, login_as):
    runner.invoke(args=["seed-demo"])
    client = login_as("counselor@demo.rekindle.test", "rekindle-demo")
    page = client.get("/caseload?status=all").get_data(as_text=True)
    for label in ("Rivera couple", "Nakamura couple", "Chen &amp; Haddad", "Devon Park"):
        assert label in page
    with app.app_context():
        ids = [c.id for c in _cases_of("counselor@demo.rekindle.test")]
    for case_id in ids:
        assert client.get(f"/cases/{case_id}").status_code == 200
    joined = login_as("robin.okafor@demo.rekindle.test", "rekindle-demo")
    assert "Okafor" in joined.get("/me").get_data(as_text=True)
