"""Server-side login sessions: logout, password change and deactivation revoke them."""

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import LoginSession, User, utcnow


def _session_cookie(client):
    return client.get_cookie("rekindle_session").value


def test_replayed_cookie_fails_after_logout(app, factory, auth, client):
    user = factory.counselor()
    auth.login(user.email)
    cookie = _session_cookie(client)
    assert auth.logout().status_code == 302
    replay = app.test_client()
    replay.set_cookie("rekindle_session", cookie)
    response = replay.get("/caseload")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_requires_post(factory, auth, client):
    user = factory.counselor()
    auth.login(user.email)
    assert client.get("/logout").status_code == 405
    assert client.get("/caseload").status_code == 200


def test_password_change_signs_out_other_devices(app, factory, login_as):
    user = factory.counselor()
    laptop, phone = login_as(user), login_as(user)
    response = laptop.post(
        "/account/password",
        data={
            "current": "correct horse battery staple",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/caseload").status_code == 200
    assert phone.get("/caseload").status_code == 302


def test_password_change_refuses_common_password_next_to_field(factory, login_as):
    user = factory.counselor()
    client = login_as(user)
    response = client.post(
        "/account/password",
        data={
            "current": "correct horse battery staple",
            "password": "password123",
            "confirm": "password123",
        },
    )
    assert response.status_code == 200
    assert "most common" in response.get_data(as_text=True)


def test_deactivated_user_is_signed_out(app, factory, login_as, runner):
    user = factory.counselor()
    client = login_as(user)
    result = runner.invoke(args=["users", "deactivate", "--email", user.email])
    assert result.exit_code == 0, result.output
    assert client.get("/caseload").status_code == 302


def test_staff_idle_timeout_signs_out(app, factory, login_as):
    user = factory.counselor()
    client = login_as(user)
    with time_machine.travel(utcnow() + timedelta(minutes=31)):
        assert client.get("/caseload").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LoginSession.id))) == 0


def test_activity_keeps_the_session_alive(app, factory, login_as):
    user = factory.counselor()
    client = login_as(user)
    start = utcnow()
    for minutes in (20, 40, 60):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get("/caseload").status_code == 200


def test_absolute_lifetime_ends_even_active_sessions(app, factory, login_as):
    user = factory.client()
    client = login_as(user)
    start = utcnow()
    for minutes in range(50, 12 * 60, 50):  # active within the 60-minute client idle limit
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get("/me").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1)):
        assert client.get("/me").status_code == 302


def test_session_cookie_flags(factory, auth, client):
    user = factory.client()
    response = auth.login(user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_no_remember_me_cookie(factory, auth):
    user = factory.counselor()
    response = auth.login(user.email)
    assert all("remember_token" not in c for c in response.headers.getlist("Set-Cookie"))


def test_password_hash_is_scrypt(app, factory):
    user = factory.counselor()
    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("scrypt:")
