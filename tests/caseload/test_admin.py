"""Practice admin: counselors with invitations, deactivation, and metadata only."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Invitation, LoginSession, Role, User

NEW_PASSWORD = "lanterns over the quiet bay"


def test_admin_creates_a_counselor_who_joins_by_link(app, factory, login_as):
    admin = login_as(factory.admin())
    response = admin.post("/admin/counselors", data={"name": "Dr. Kit Moss", "email": "Kit@X.test"})
    assert response.status_code == 302
    page = admin.get("/admin").get_data(as_text=True)
    link = re.search(r'value="http://[^"]+(/invite/[^"]+)"', page).group(1)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "kit@x.test"))
        assert user.role is Role.COUNSELOR and user.password_hash is None
        assert db.session.scalar(sa.select(Invitation.case_id)) is None
    visitor = app.test_client()
    response = visitor.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert visitor.get("/caseload").status_code == 200


def test_duplicate_email_is_refused_next_to_the_field(factory, login_as):
    existing = factory.client()
    admin = login_as(factory.admin())
    response = admin.post("/admin/counselors", data={"name": "Dup", "email": existing.email})
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "email": "a@b.test"}, "Enter a name."),
        ({"name": "A", "email": "nope"}, "does not look like an e-mail"),
    ],
)
def test_bad_counselor_input(factory, login_as, data, message):
    response = login_as(factory.admin()).post("/admin/counselors", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_deactivation_ends_sessions_and_reactivation_restores_sign_in(app, factory, login_as):
    counselor = factory.counselor()
    their_browser = login_as(counselor)
    admin = login_as(factory.admin())
    assert admin.post(f"/admin/users/{counselor.id}/deactivate").status_code == 302
    with app.app_context():
        assert not db.session.scalar(
            sa.select(sa.func.count()).where(LoginSession.user_id == counselor.id)
        )
    assert their_browser.get("/caseload").status_code == 302  # back to the login page
    with pytest.raises(AssertionError):
        login_as(counselor)
    assert admin.post(f"/admin/users/{counselor.id}/reactivate").status_code == 302
    assert login_as(counselor).get("/caseload").status_code == 200


def test_admin_cannot_deactivate_themselves(app, factory, login_as):
    admin_user = factory.admin()
    admin = login_as(admin_user)
    assert admin.post(f"/admin/users/{admin_user.id}/deactivate").status_code == 404
    assert admin.get("/admin").status_code == 200


def test_admin_sees_case_metadata_never_clinical_content(app, factory, login_as):
    from app.models import JournalEntry, Visibility

    counselor = factory.counselor(name="Dr. Ada Quill")
    case, a, _ = factory.couple(counselor)
    canary = "CANARY-ADMIN-7731"
    with app.app_context():
        entry = JournalEntry(case_id=case.id, author_id=a.id, visibility=Visibility.COUNSELOR)
        entry.body = canary
        entry.title = canary
        db.session.add(entry)
        db.session.commit()
    page = login_as(factory.admin()).get("/admin").get_data(as_text=True)
    assert case.label in page and "Dr. Ada Quill" in page
    assert canary not in page
    assert a.name not in page  # members' names are clinical context, not case metadata


@pytest.mark.parametrize("who", ["counselor", "client"])
def test_admin_pages_are_404_for_others(factory, login_as, who):
    user = factory.counselor() if who == "counselor" else factory.client()
    target = factory.counselor()
    case = factory.case(target, [factory.client()])
    client = login_as(user)
    assert client.get("/admin").status_code == 404
    assert (
        client.post("/admin/counselors", data={"name": "x", "email": "x@y.test"}).status_code == 404
    )
    assert client.post(f"/admin/users/{target.id}/deactivate").status_code == 404
    assert (
        client.post(f"/admin/cases/{case.id}/reassign", data={"counselor": user.id}).status_code
        == 404
    )


def test_reissue_counselor_link(app, factory, login_as):
    admin = login_as(factory.admin())
    admin.post("/admin/counselors", data={"name": "Dr. Kit Moss", "email": "kit@x.test"})
    first = re.search(
        r'value="http://[^"]+(/invite/[^"]+)"', admin.get("/admin").get_data(as_text=True)
    ).group(1)
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == "kit@x.test"))
    admin.post(f"/admin/users/{user_id}/invitation")
    second = re.search(
        r'value="http://[^"]+(/invite/[^"]+)"', admin.get("/admin").get_data(as_text=True)
    ).group(1)
    assert first != second
    assert app.test_client().get(first).status_code == 410
    assert app.test_client().get(second).status_code == 200
