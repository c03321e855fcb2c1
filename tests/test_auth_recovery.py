"""AU-6: a forgotten password can be recovered, by e-mail, by staff and on the command line."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import AccountLink, AuditEvent, LoginSession, User, utcnow
from tests.conftest import TEST_PASSWORD

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def app_config(request) -> dict:
    mailbox = request.getfixturevalue("inbox")
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": mailbox.port,
        "REKINDLE_PUBLIC_URL": "https://rekindle.example",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": f"t-{uuid.uuid4().hex}",
    }


def _ask_for_reset(client, email: str):
    response = client.post("/password/forgot", data={"email": email})
    response.close()  # the server closes the response after sending it: the e-mail goes then
    return response


def _answer(response) -> str:
    """The page without its CSRF token (signed with the current second)."""
    return re.sub(r'name="csrf-token" content="[^"]+"', "", response.get_data(as_text=True))


def _path(link: str) -> str:
    return urlparse(link).path


def _reset_link(inbox, email: str) -> str:
    links = inbox.links(email, "/password/reset/")
    assert links, f"no reset link was e-mailed to {email}"
    return _path(links[-1])


def _choose(client, path: str, password: str = NEW_PASSWORD):
    return client.post(path, data={"password": password, "confirm": password})


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_answer_is_the_same_whether_or_not_the_address_exists(app, factory, client, inbox):
    user = factory.counselor()
    known = _answer(_ask_for_reset(client, user.email))
    unknown = _answer(_ask_for_reset(client, "nobody@example.test"))
    assert known.replace(user.email, "EMAIL") == unknown.replace("nobody@example.test", "EMAIL")
    assert [m["To"] for m in inbox.messages] == [user.email]


def test_the_email_goes_out_after_the_response(app, factory, client, inbox):
    user = factory.counselor()
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 200 and inbox.messages == []
    response.close()
    assert len(inbox.messages) == 1


def test_reset_by_email_sets_the_password_and_ends_every_session(
    app, factory, login_as, client, inbox
):
    user = factory.user("client")
    elsewhere = login_as(user)
    _ask_for_reset(client, user.email)
    path = _reset_link(inbox, user.email)
    assert client.get(path).status_code == 200
    response = _choose(client, path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert elsewhere.get("/me").status_code == 302  # the old session is gone
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LoginSession.id))) == 0
    assert login_as(user, NEW_PASSWORD)
    assert "auth.password_reset" in _actions(app)


def test_the_link_is_stored_as_a_hash_and_works_once(app, factory, client, inbox):
    user = factory.counselor()
    _ask_for_reset(client, user.email)
    path = _reset_link(inbox, user.email)
    token = path.rsplit("/", 1)[1]
    with app.app_context():
        stored = db.session.scalars(sa.select(AccountLink.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0]
    assert _choose(client, path).status_code == 302
    assert client.get(path).status_code == 410
    assert _choose(client, path, "another new passphrase").status_code == 410


def test_the_link_expires_within_the_hour(app, factory, client, inbox):
    user = factory.counselor()
    _ask_for_reset(client, user.email)
    path = _reset_link(inbox, user.email)
    with time_machine.travel(utcnow() + timedelta(minutes=61)):
        assert client.get(path).status_code == 410


def test_a_newer_link_replaces_the_older_one(app, factory, client, inbox):
    user = factory.counselor()
    _ask_for_reset(client, user.email)
    first = _reset_link(inbox, user.email)
    _ask_for_reset(client, user.email)
    second = _reset_link(inbox, user.email)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_a_weak_password_is_refused_and_the_link_still_works(app, factory, client, inbox):
    user = factory.counselor()
    _ask_for_reset(client, user.email)
    path = _reset_link(inbox, user.email)
    response = _choose(client, path, "password123")
    assert response.status_code == 200 and "common" in response.get_data(as_text=True)
    assert _choose(client, path).status_code == 302


def test_accounts_without_a_password_get_no_link(app, factory, client, inbox):
    pending = factory.counselor()
    with app.app_context():
        db.session.get(User, pending.id).password_hash = None
        db.session.commit()
    _ask_for_reset(client, pending.email)
    assert inbox.messages == []


def test_asking_too_often_sends_no_more_mail_but_answers_the_same(app, factory, client, inbox):
    user = factory.counselor()
    pages = {_answer(_ask_for_reset(client, user.email)) for _ in range(7)}
    assert len(pages) == 1
    assert len(inbox.messages) == 5


def test_the_admin_emails_a_staff_member_a_reset_link(app, factory, login_as, inbox):
    admin, counselor = factory.admin(), factory.counselor()
    client = login_as(admin)
    response = client.post(f"/admin/users/{counselor.id}/password-reset", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "e-mailed" in page
    path = _reset_link(inbox, counselor.email)
    assert path not in page  # the admin never sees the link
    assert admin.name in inbox.messages[-1].get_payload(decode=True).decode()
    assert _choose(app.test_client(), path).status_code == 302


def test_the_admin_cannot_reset_a_client(app, factory, login_as, inbox):
    admin, client_user = factory.admin(), factory.user("client")
    response = login_as(admin).post(f"/admin/users/{client_user.id}/password-reset")
    assert response.status_code == 302 and inbox.messages == []


def _member_id(app, case_id: int, user_id: int) -> int:
    from app.models import CaseMember

    with app.app_context():
        return db.session.scalar(
            sa.select(CaseMember.id).where(
                CaseMember.case_id == case_id, CaseMember.user_id == user_id
            )
        )


def test_a_counselor_emails_their_client_a_reset_link(app, factory, login_as, inbox):
    case, partner_a, _partner_b = factory.couple()
    with app.app_context():
        counselor = db.session.get(User, case.counselor_id)
    client = login_as(counselor)
    member = _member_id(app, case.id, partner_a.id)
    response = client.post(
        f"/cases/{case.id}/members/{member}/password-reset", follow_redirects=True
    )
    page = response.get_data(as_text=True)
    path = _reset_link(inbox, partner_a.email)
    assert path not in page and "/password/reset/" not in page
    assert [m["To"] for m in inbox.messages] == [partner_a.email]
    assert _choose(app.test_client(), path).status_code == 302


def test_another_counselor_cannot_reset_someone_elses_client(app, factory, login_as, inbox):
    case, partner_a, _ = factory.couple()
    member = _member_id(app, case.id, partner_a.id)
    response = login_as(factory.counselor()).post(
        f"/cases/{case.id}/members/{member}/password-reset"
    )
    assert response.status_code == 404 and inbox.messages == []


def test_the_command_line_prints_a_link_never_a_password(app, factory, runner):
    user = factory.counselor()
    result = runner.invoke(args=["users", "reset-password", user.email.upper()])
    assert result.exit_code == 0, result.output
    assert TEST_PASSWORD not in result.output
    link = next(w for w in result.output.split() if "/password/reset/" in w)
    assert link.startswith("https://rekindle.example/")
    assert _choose(app.test_client(), _path(link)).status_code == 302
    assert "auth.reset_link_issued" in _actions(app)


def test_the_command_line_refuses_an_unknown_address(runner):
    result = runner.invoke(args=["users", "reset-password", "nobody@example.test"])
    assert result.exit_code != 0
