"""Signing in: one message for every failure, a fresh session, per-role homes."""

from urllib.parse import urlsplit

import pytest

from app.auth.routes import LOGIN_FAILED

HOMES = {"admin": "/admin", "counselor": "/caseload", "client": "/me"}


@pytest.mark.parametrize("role", ["admin", "counselor", "client"])
def test_each_role_lands_on_its_home(factory, auth, client, role):
    user = factory.user(role)
    response = auth.login(user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.headers["Location"] == HOMES[role]
    assert client.get(HOMES[role]).status_code == 200


def test_email_is_case_insensitive(factory, auth):
    user = factory.counselor(email="Morgan@Example.TEST")
    assert auth.login("  MORGAN@example.test ").status_code == 302
    assert user.email == "morgan@example.test"


@pytest.mark.parametrize(
    "email,password",
    [
        ("known@example.test", "wrong password here"),
        ("unknown@example.test", "correct horse battery staple"),
        ("inactive@example.test", "correct horse battery staple"),
    ],
)
def test_every_failure_gives_the_same_message(factory, auth, email, password):
    factory.counselor(email="known@example.test")
    factory.counselor(email="inactive@example.test", active=False)
    response = auth.login(email, password)
    assert response.status_code == 200
    assert LOGIN_FAILED in response.get_data(as_text=True)


def test_login_clears_the_previous_session(factory, auth, client):
    user = factory.client()
    with client.session_transaction() as session:
        session["planted"] = "from before login"
    auth.login(user.email)
    with client.session_transaction() as session:
        assert "planted" not in session


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "http://evil.example/me",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/%0a/evil.example",
        "/\t/evil.example",
        "evil.example",
    ],
)
def test_next_never_leaves_the_site(factory, client, target):
    user = factory.counselor()
    response = client.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery staple", "next": target},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    # Either home, or a path on this site (``/%0a/evil.example`` is a path, not a host).
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert urlsplit(location).netloc == "" and urlsplit(location).scheme == ""
    assert "\\" not in location and "\t" not in location


def test_next_keeps_a_same_site_path(factory, client):
    user = factory.counselor()
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": "correct horse battery staple",
            "next": "/caseload?status=active",
        },
    )
    assert response.headers["Location"] == "/caseload?status=active"


def test_anonymous_redirect_carries_next(client):
    response = client.get("/caseload")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"email": ""},
        {"email": "a" * 5000, "password": "b" * 5000},
        {"email": "not an email", "password": "x"},
        {"email": "\x00\x01", "password": "\x00"},
        {"email": "🙂@例え.テスト", "password": "pässwörd ✓"},
    ],
)
def test_bad_login_input_never_500s(client, data):
    response = client.post("/login", data=data)
    assert response.status_code == 200
