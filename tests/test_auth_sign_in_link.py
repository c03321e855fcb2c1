"""AU-5: the way through the throttle: a one-time sign-in link e-mailed to the account."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import urlparse

import pytest
import time_machine

from app.models import utcnow
from tests.conftest import TEST_PASSWORD

OFFICE = "10.0.0.1"


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


def _sign_in_link(client, inbox, email: str) -> str:
    response = client.post("/login/email", data={"email": email})
    assert response.status_code == 200
    response.close()  # the e-mail goes out once the response is sent
    links = inbox.links(email, "/login/email/")
    assert links, "no sign-in link was e-mailed"
    return urlparse(links[-1]).path


def _login(client, email, password, address=OFFICE):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_the_link_signs_in_once_and_a_get_spends_nothing(app, factory, client, inbox):
    user = factory.user("client")
    path = _sign_in_link(client, inbox, user.email)
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200  # a mail scanner opening it changes nothing
    response = client.post(path)
    assert response.status_code == 302
    assert client.get("/me").status_code == 200
    assert app.test_client().post(path).status_code == 410


def test_the_owner_gets_in_while_strangers_keep_the_password_throttled(app, factory, client, inbox):
    owner = factory.counselor()
    attacker = app.test_client()
    for _ in range(12):
        _login(attacker, owner.email, "wrong guess number one")
    assert _login(client, owner.email, TEST_PASSWORD).status_code == 429
    path = _sign_in_link(client, inbox, owner.email)
    assert client.post(path).status_code == 302
    assert client.get("/caseload").status_code == 200


def test_the_link_expires_after_fifteen_minutes(app, factory, client, inbox):
    user = factory.counselor()
    path = _sign_in_link(client, inbox, user.email)
    with time_machine.travel(utcnow() + timedelta(minutes=16)):
        assert client.post(path).status_code == 410


def test_a_reset_link_is_no_sign_in_link(app, factory, client, inbox):
    user = factory.counselor()
    client.post("/password/forgot", data={"email": user.email}).close()
    token = inbox.links(user.email, "/password/reset/")[-1].rsplit("/", 1)[1]
    assert client.post(f"/login/email/{token}").status_code == 410


def test_two_step_sign_in_still_asks_for_the_code(app, factory, client, inbox):
    from tests.security.test_totp import _enrol

    user = factory.counselor()
    _enrol(app, user)
    path = _sign_in_link(client, inbox, user.email)
    response = client.post(path)
    assert response.headers["Location"].startswith("/login/two-step")
    assert client.get("/caseload").headers["Location"].startswith("/login/two-step")
