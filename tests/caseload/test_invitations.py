"""Invitation links: hashed at rest, single use, expiring, revocable, re-issuable."""

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Invitation, LoginSession, User, utcnow

NEW_PASSWORD = "a calm walk by the harbour"


def _create_couple(login_as, counselor):
    client = login_as(counselor)
    response = client.post(
        "/cases/new",
        data={
            "label": "Harper couple",
            "kind": "couple",
            "a_name": "Billie Harper",
            "a_email": "billie@example.test",
            "b_name": "Frankie Harper",
            "b_email": "frankie@example.test",
        },
    )
    case_url = response.headers["Location"]
    page = client.get(case_url).get_data(as_text=True)
    links = re.findall(r'value="http://[^"]+(/invite/[^"]+)"', page)
    return client, case_url, links


def _accept(app, path, password=NEW_PASSWORD):
    visitor = app.test_client()
    return visitor, visitor.post(path, data={"password": password, "confirm": password})


def test_database_holds_only_the_hash(app, factory, login_as):
    _, _, links = _create_couple(login_as, factory.counselor())
    tokens = [link.rsplit("/", 1)[1] for link in links]
    with app.app_context():
        stored = set(db.session.scalars(sa.select(Invitation.token_hash)))
        assert stored == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table)).all():
                assert not any(t in str(row) for t in tokens), table.name


def test_accepting_sets_password_signs_in_and_lands_on_home(app, factory, login_as):
    _, _, links = _create_couple(login_as, factory.counselor())
    visitor = app.test_client()
    page = visitor.get(links[0])
    assert page.status_code == 200 and "Choose a password" in page.get_data(as_text=True)
    response = visitor.post(links[0], data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert visitor.get("/me").status_code == 200
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "billie@example.test"))
        assert user.has_password
        assert db.session.scalar(sa.select(sa.func.count()).where(LoginSession.user_id == user.id))
    # The new password works on the login form too.
    assert login_as("billie@example.test", NEW_PASSWORD).get("/me").status_code == 200


def test_link_is_single_use(app, factory, login_as):
    _, _, links = _create_couple(login_as, factory.counselor())
    _accept(app, links[0])
    visitor, second = _accept(app, links[0], "another good passphrase")
    assert second.status_code == 410
    assert "already been used" in second.get_data(as_text=True)
    assert visitor.get(links[0]).status_code == 410


def test_expired_link_gets_a_clear_page(app, factory, login_as):
    _, _, links = _create_couple(login_as, factory.counselor())
    with app.app_context():
        db.session.execute(sa.update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    response = app.test_client().get(links[0])
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    _, posted = _accept(app, links[0])
    assert posted.status_code == 410


def test_invitation_lasts_the_configured_days(app, factory, login_as):
    _create_couple(login_as, factory.counselor())
    with app.app_context():
        invitation = db.session.scalars(sa.select(Invitation)).first()
        assert invitation.expires_at - invitation.created_at == timedelta(days=7)


def test_revoked_link_stops_working(app, factory, login_as):
    client, case_url, links = _create_couple(login_as, factory.counselor())
    invitation_id = _place_invitation_ids(app, case_url)[0]
    assert client.post(f"{case_url}/invitations/{invitation_id}/revoke").status_code == 302
    response = app.test_client().get(links[0])
    assert response.status_code == 410
    assert "withdrawn" in response.get_data(as_text=True)
    # The other partner's link is untouched.
    assert app.test_client().get(links[1]).status_code == 200


def test_reissue_revokes_the_old_link_and_shows_a_new_one(app, factory, login_as):
    client, case_url, links = _create_couple(login_as, factory.counselor())
    invitation_id = _place_invitation_ids(app, case_url)[0]
    assert client.post(f"{case_url}/invitations/{invitation_id}").status_code == 302
    page = client.get(case_url).get_data(as_text=True)
    new_links = re.findall(r'value="http://[^"]+(/invite/[^"]+)"', page)
    assert len(new_links) == 1 and new_links[0] not in links
    assert app.test_client().get(links[0]).status_code == 410
    _, accepted = _accept(app, new_links[0])
    assert accepted.status_code == 302


@pytest.mark.parametrize("token", ["nonsense", "x" * 300, "%00", "' OR 1=1 --"])
def test_unknown_links_are_404_pages_not_errors(client, token):
    response = client.get(f"/invite/{token}")
    assert response.status_code == 404
    assert "could not find this invitation" in response.get_data(as_text=True)


def test_weak_password_is_refused_next_to_the_field_and_link_stays_valid(app, factory, login_as):
    _, _, links = _create_couple(login_as, factory.counselor())
    _, response = _accept(app, links[0], "password")
    assert response.status_code == 200
    assert "at least 10 characters" in response.get_data(as_text=True)
    mismatch = app.test_client().post(
        links[0], data={"password": NEW_PASSWORD, "confirm": "different words here"}
    )
    assert "The two passwords differ." in mismatch.get_data(as_text=True)
    _, ok = _accept(app, links[0])
    assert ok.status_code == 302


def test_joined_member_cannot_get_a_new_link(app, factory, login_as):
    client, case_url, links = _create_couple(login_as, factory.counselor())
    _accept(app, links[0])
    member_id = _member_ids(app, case_url)[0]
    client.post(f"{case_url}/members/{member_id}/invitation")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 2


def test_old_link_never_resets_a_password_already_chosen(app, factory, login_as):
    counselor = factory.counselor()
    client, case_url, links = _create_couple(login_as, counselor)
    # A second case for the same person while they still have no password: a second link.
    second = client.post(
        "/cases/new",
        data={
            "label": "Billie",
            "kind": "individual",
            "a_name": "B",
            "a_email": "billie@example.test",
        },
    )
    second_links = _links_on(client, second.headers["Location"])
    assert len(second_links) == 1
    _accept(app, links[0])
    with app.app_context():
        billie = _user_id("billie@example.test")
        chosen = db.session.scalar(sa.select(User.password_hash).where(User.id == billie))
    # The second link is now answered after signing in (on the home page): it shows no
    # password form, and a password posted to it changes nothing.
    visitor, posted = _accept(app, second_links[0], "an attacker's new passphrase")
    assert posted.status_code == 302 and posted.headers["Location"].startswith("/me")
    assert "/login" in visitor.get(second_links[0], follow_redirects=True).request.path
    with app.app_context():
        assert db.session.scalar(sa.select(User.password_hash).where(User.id == billie)) == chosen


def test_deactivated_invitee_cannot_use_the_link(app, factory, login_as):
    _, _, links = _create_couple(login_as, factory.counselor())
    with app.app_context():
        db.session.execute(
            sa.update(User).where(User.email == "billie@example.test").values(active=False)
        )
        db.session.commit()
    assert app.test_client().get(links[0]).status_code == 410


def _member_ids(app, case_url: str) -> list[int]:
    from app.models import CaseMember

    case_id = int(case_url.rstrip("/").rsplit("/", 1)[1])
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(CaseMember.id)
                .where(CaseMember.case_id == case_id)
                .order_by(CaseMember.role)
            )
        )


def _place_invitation_ids(app, case_url: str) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Invitation.id)
                .where(Invitation.case_id == _case_id(case_url))
                .order_by(Invitation.member_role)
            )
        )


def _case_id(case_url: str) -> int:
    return int(case_url.rstrip("/").rsplit("/", 1)[1])


def _links_on(client, case_url: str) -> list[str]:
    page = client.get(case_url).get_data(as_text=True)
    return re.findall(r'value="http://[^"]+(/invite/[^"]+)"', page)


def _user_id(email: str) -> int:
    return db.session.scalar(sa.select(User.id).where(User.email == email))
