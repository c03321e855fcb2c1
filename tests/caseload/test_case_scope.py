"""Scope: only the case counselor reaches a case; everyone else gets 404 (anonymous: login)."""

import pytest

from app.models import CaseStatus

CASE_ROUTES = [
    ("GET", "/cases/{case}"),
    ("POST", "/cases/{case}/status"),
    ("POST", "/cases/{case}/reopen"),
    ("POST", "/cases/{case}/members/{member}/invitation"),
    ("POST", "/cases/{case}/members/{member}/invitation/revoke"),
]
OUTSIDERS = ["other_counselor", "admin", "partner_a", "partner_b", "client_x"]


def _member_id(app, case_id):
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import CaseMember

    with app.app_context():
        return db.session.scalar(sa.select(CaseMember.id).where(CaseMember.case_id == case_id))


@pytest.mark.parametrize(("method", "route"), CASE_ROUTES)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404(app, people, login_as, who, method, route):
    url = route.format(case=people["case"].id, member=_member_id(app, people["case"].id))
    response = login_as(people[who]).open(url, method=method, data={"status": "paused"})
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "route"), CASE_ROUTES)
def test_anonymous_is_sent_to_login(app, people, client, method, route):
    url = route.format(case=people["case"].id, member=_member_id(app, people["case"].id))
    response = client.open(url, method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_case_counselor_sees_the_case(people, login_as):
    response = login_as(people["counselor"]).get(f"/cases/{people['case'].id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert people["partner_a"].name in page and "Case history" in page


def test_member_of_another_case_is_404_even_for_its_own_counselor(app, people, factory, login_as):
    other_case = factory.case(people["counselor"], [factory.client()])
    foreign_member = _member_id(app, other_case.id)
    url = f"/cases/{people['case'].id}/members/{foreign_member}/invitation"
    assert login_as(people["counselor"]).post(url).status_code == 404


def test_missing_case_is_404(people, login_as):
    assert login_as(people["counselor"]).get("/cases/999999").status_code == 404


def test_clients_and_admin_have_no_caseload(people, login_as):
    for who in ("partner_a", "admin"):
        assert login_as(people[who]).get("/caseload").status_code == 404
        assert login_as(people[who]).get("/cases/new").status_code == 404


def test_outsider_status_change_changes_nothing(app, people, login_as):
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Case

    login_as(people["other_counselor"]).post(
        f"/cases/{people['case'].id}/status", data={"status": "closed"}
    )
    with app.app_context():
        status = db.session.scalar(sa.select(Case.status).where(Case.id == people["case"].id))
    assert status is CaseStatus.ACTIVE
