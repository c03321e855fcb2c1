"""Creating a case: couple or individual, members reused or created, links shown once."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseMember, CaseStatus, CaseStatusChange, Invitation, Role, User

COUPLE = {
    "label": "Harper couple",
    "kind": "couple",
    "a_name": "Billie Harper",
    "a_email": "Billie@Example.test",
    "b_name": "Frankie Harper",
    "b_email": "frankie@example.test",
    "request_key": "key-couple-0001",
}


def test_couple_case_creates_members_history_and_two_links(app, factory, login_as):
    counselor = factory.counselor()
    client = login_as(counselor)
    response = client.post("/cases/new", data=COUPLE)
    assert response.status_code == 302
    case_url = response.headers["Location"]
    page = client.get(case_url).get_data(as_text=True)
    links = re.findall(r'value="(http://[^"]+/invite/[^"]+)"', page)
    assert len(links) == 2
    with app.app_context():
        case = db.session.scalar(sa.select(Case))
        assert case.status is CaseStatus.INTAKE and case.counselor_id == counselor.id
        # Nobody is a member before they accept: each place holds an invitation.
        assert db.session.scalar(sa.select(sa.func.count(CaseMember.id))) == 0
        invited = db.session.scalars(sa.select(Invitation).order_by(Invitation.member_role)).all()
        assert [(i.member_role, i.invitee_email) for i in invited] == [
            ("partner_a", "billie@example.test"),
            ("partner_b", "frankie@example.test"),
        ]
        users = db.session.scalars(sa.select(User).where(User.role == Role.CLIENT)).all()
        assert {u.id for u in users} == {i.user_id for i in invited}
        assert all(u.password_hash is None for u in users)
        history = db.session.scalars(sa.select(CaseStatusChange)).all()
        assert [(h.from_status, h.to_status) for h in history] == [(None, CaseStatus.INTAKE)]
        assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 2
    # Shown once: reloading the page no longer reveals the links.
    again = client.get(case_url).get_data(as_text=True)
    assert "/invite/" not in again


def test_individual_case_needs_one_person(app, factory, login_as):
    client = login_as(factory.counselor())
    data = {
        "label": "Lee",
        "kind": "individual",
        "a_name": "Ash Lee",
        "a_email": "ash@example.test",
    }
    assert client.post("/cases/new", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 1
        assert db.session.scalar(sa.select(Invitation.member_role)) == "individual"


def test_double_submit_creates_one_case(app, factory, login_as):
    client = login_as(factory.counselor())
    first = client.post("/cases/new", data=COUPLE)
    second = client.post("/cases/new", data=COUPLE)
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 2


def test_existing_client_is_invited_to_a_second_case_without_a_new_account(app, factory, login_as):
    counselor = factory.counselor()
    _, a, _ = factory.couple(counselor)
    client = login_as(counselor)
    data = dict(COUPLE, a_email=a.email.upper(), request_key="key-second-case")
    assert client.post("/cases/new", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(User.email == a.email)) == 1
        cases = db.session.scalars(sa.select(CaseMember.case_id).where(CaseMember.user_id == a.id))
        # Even their own counselor cannot add them silently: they are asked first.
        assert len(list(cases)) == 1
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Invitation.id)).where(Invitation.user_id == a.id)
            )
            == 1
        )
    home = login_as(a).get("/me")
    assert home.status_code == 200 and "Harper couple" in home.get_data(as_text=True)


def test_counselor_email_gets_an_invitation_that_never_works(app, factory, login_as):
    counselor = factory.counselor()
    colleague = factory.counselor()
    client = login_as(counselor)
    data = dict(COUPLE, b_email=colleague.email)
    response = client.post("/cases/new", data=data)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 3  # + billie only
        assert db.session.scalar(sa.select(sa.func.count(CaseMember.id))) == 0
        staff_place = db.session.scalar(
            sa.select(Invitation).where(Invitation.member_role == "partner_b")
        )
        assert staff_place.user_id is None
    links = re.findall(
        r'value="http://[^"]+(/invite/[^"]+)"',
        client.get(response.headers["Location"]).get_data(as_text=True),
    )
    assert len(links) == 2
    # It leads to signing in, like a link for anyone who has an account, and never to a form.
    opened = app.test_client().get(links[1])
    assert opened.status_code == 302 and opened.headers["Location"].startswith("/me")


def test_partners_need_different_emails(app, factory, login_as):
    client = login_as(factory.counselor())
    response = client.post("/cases/new", data=dict(COUPLE, b_email=COUPLE["a_email"].lower()))
    assert response.status_code == 200
    assert "their own e-mail" in response.get_data(as_text=True)


def test_racing_double_submit_lands_on_the_first_case(app, factory, login_as, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from app.services import cases as case_service

    client = login_as(factory.counselor())
    first = client.post("/cases/new", data=COUPLE)

    def lose_the_race(*args, **kwargs):
        raise IntegrityError("INSERT INTO users", {}, Exception("duplicate email"))

    monkeypatch.setattr(case_service, "create_case", lose_the_race)
    second = client.post("/cases/new", data=COUPLE)
    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
