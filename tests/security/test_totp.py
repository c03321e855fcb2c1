"""AU-4: TOTP second factor for staff: enrolment, verification, recovery codes, replay."""

from __future__ import annotations

import json
import re
import time

import pyotp
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, User
from tests.conftest import TEST_PASSWORD

SECRET = pyotp.random_base32()


def _enrol(app, user, secret: str = SECRET, recovery: list[str] | None = None) -> None:
    from app.auth.totp import _hash_recovery

    with app.app_context():
        row = db.session.get(User, user.id)
        row.totp_secret = secret
        row.totp_recovery_hashes = json.dumps([_hash_recovery(c) for c in recovery or []])
        db.session.commit()


def _password_step(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client, response


def test_enrolled_counselor_must_enter_a_code_before_anything_else(app, factory):
    user = factory.counselor()
    _enrol(app, user)
    client, response = _password_step(app, user)
    assert response.headers["Location"].startswith("/login/two-step")
    for path in ("/caseload", "/", "/account/password", "/account/two-step"):
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked.headers["Location"].startswith("/login/two-step"), path
    assert client.get("/login/two-step").status_code == 200
    ok = client.post("/login/two-step", data={"code": pyotp.TOTP(SECRET).now()})
    assert ok.status_code == 302
    assert client.get("/caseload").status_code == 200


def _wrong_code() -> str:
    """Six digits that are none of the codes currently accepted."""
    totp = pyotp.TOTP(SECRET)
    step = totp.timecode(time.time())
    valid = {totp.generate_otp(step + i) for i in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


@pytest.mark.parametrize("code", ["six-digits", "12345", "abcdef", "", "1" * 64])
def test_wrong_code_is_refused_next_to_the_field(app, factory, code):
    user = factory.counselor()
    _enrol(app, user)
    client, _ = _password_step(app, user)
    code = _wrong_code() if code == "six-digits" else code
    response = client.post("/login/two-step", data={"code": code})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert client.get("/caseload").status_code == 302


def test_a_used_code_cannot_be_replayed(app, factory):
    user = factory.counselor()
    _enrol(app, user)
    code = pyotp.TOTP(SECRET).now()
    first, _ = _password_step(app, user)
    assert first.post("/login/two-step", data={"code": code}).status_code == 302
    second, _ = _password_step(app, user)
    response = second.post("/login/two-step", data={"code": code})
    assert response.status_code == 200
    assert "each works only once" in response.get_data(as_text=True)
    assert second.get("/caseload").status_code == 302


def test_code_of_an_older_step_than_the_last_used_is_refused(app, factory):
    user = factory.admin()
    _enrol(app, user)
    totp = pyotp.TOTP(SECRET)
    with app.app_context():
        row = db.session.get(User, user.id)
        row.totp_last_step = totp.timecode(time.time())
        db.session.commit()
    client, _ = _password_step(app, user)
    assert client.post("/login/two-step", data={"code": totp.now()}).status_code == 200


def test_recovery_code_works_once(app, factory):
    user = factory.counselor()
    _enrol(app, user, recovery=["abcde-fghjk", "mnpqr-stuvw"])
    client, _ = _password_step(app, user)
    assert client.post("/login/two-step", data={"code": "ABCDE FGHJK"}).status_code == 302
    again, _ = _password_step(app, user)
    assert again.post("/login/two-step", data={"code": "abcde-fghjk"}).status_code == 200
    with app.app_context():
        hashes = json.loads(db.session.get(User, user.id).totp_recovery_hashes)
    assert len(hashes) == 1 and "abcde" not in hashes[0]


def test_clients_never_see_the_second_factor_pages(app, factory, login_as):
    client = login_as(factory.client())
    for path in ("/login/two-step", "/account/two-step", "/account/two-step/setup"):
        assert client.get(path).status_code == 404


def test_staff_without_enrolment_sign_in_with_the_password_alone(factory, login_as):
    client = login_as(factory.counselor())
    assert client.get("/caseload").status_code == 200


def _pending_secret(client) -> str:
    with client.session_transaction() as session:
        return session["totp_pending_secret"]


def test_enrolment_shows_an_svg_qr_code_and_saves_after_one_good_code(app, factory, login_as):
    user = factory.counselor()
    client = login_as(user)
    page = client.get("/account/two-step/setup")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html
    secret = _pending_secret(client)
    assert secret.replace(" ", "")[:4] in html
    wrong = client.post("/account/two-step/setup", data={"code": "12345x"})
    assert wrong.status_code == 200
    with app.app_context():
        assert db.session.get(User, user.id).totp_secret is None
    done = client.post("/account/two-step/setup", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.totp_secret == secret
        assert all(code not in stored.totp_recovery_hashes for code in codes)
    # This session verified by enrolling; it is not sent to the code page.
    assert client.get("/caseload").status_code == 200


def test_practice_setting_forces_staff_to_enrol(app, factory, login_as):
    app.config["REKINDLE_REQUIRE_STAFF_2FA"] = True
    staff = login_as(factory.counselor())
    response = staff.get("/caseload")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/two-step/setup"
    assert staff.get("/account/two-step/setup").status_code == 200
    client = login_as(factory.client())
    assert client.get("/me").status_code == 200


def test_password_change_keeps_the_verified_second_factor(app, factory):
    user = factory.counselor()
    _enrol(app, user)
    client, _ = _password_step(app, user)
    client.post("/login/two-step", data={"code": pyotp.TOTP(SECRET).now()})
    response = client.post(
        "/account/password",
        data={
            "current": TEST_PASSWORD,
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/caseload").status_code == 200


def test_disable_needs_the_password(app, factory):
    user = factory.counselor()
    _enrol(app, user)
    client, _ = _password_step(app, user)
    client.post("/login/two-step", data={"code": pyotp.TOTP(SECRET).now()})
    client.post("/account/two-step/disable", data={"password": "wrong wrong wrong"})
    with app.app_context():
        assert db.session.get(User, user.id).totp_secret == SECRET
    client.post("/account/two-step/disable", data={"password": TEST_PASSWORD})
    with app.app_context():
        assert db.session.get(User, user.id).totp_secret is None


def test_wrong_codes_are_throttled_and_audited(app, factory):
    app.config["RATELIMIT_ENABLED"] = True
    app.config["RATELIMIT_KEY_PREFIX"] = f"totp-{id(app)}"
    user = factory.counselor()
    _enrol(app, user)
    client, _ = _password_step(app, user)
    for _ in range(10):
        assert client.post("/login/two-step", data={"code": _wrong_code()}).status_code == 200
    assert (
        client.post("/login/two-step", data={"code": pyotp.TOTP(SECRET).now()}).status_code == 429
    )
    with app.app_context():
        outcomes = db.session.scalars(
            sa.select(AuditEvent.outcome).where(AuditEvent.action == "auth.second_factor")
        ).all()
    assert outcomes.count("failed") == 10 and outcomes.count("denied") == 1
