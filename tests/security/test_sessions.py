"""SE-1..SE-3 additions: cookie flags in production, no long-lived cookies, drafts survive."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import JournalEntry, utcnow
from tests.conftest import TEST_PASSWORD, make_app


@pytest.fixture
def production_app(migrated_database, app):
    """The production configuration on the test database (``app`` empties it afterwards)."""
    return make_app(migrated_database, ENV="production", DEBUG=False, TESTING=False)


@pytest.mark.parametrize("role", ["admin", "counselor", "client"])
def test_production_session_cookie_is_secure_httponly_lax(production_app, factory, role):
    user = factory.user(role)
    client = production_app.test_client()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies, "login sets the session cookie"
    for cookie in cookies:
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert {"secure", "httponly"} <= attributes, cookie
        assert "SameSite=Lax" in cookie, cookie
        assert not cookie.lower().startswith("remember_token"), cookie


@pytest.mark.parametrize("role", ["admin", "counselor"])
def test_staff_cookies_never_outlive_the_absolute_session_lifetime(app, factory, role):
    user = factory.user(role)
    response = app.test_client().post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD}
    )
    for cookie in response.headers.getlist("Set-Cookie"):
        match = re.search(r"Expires=([^;]+)", cookie)
        if match:
            expires = parsedate_to_datetime(match.group(1))
            assert expires - utcnow() <= timedelta(hours=12, minutes=1), cookie


def test_production_sends_hsts(production_app):
    response = production_app.test_client().get("/login")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def _csrf_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def test_journal_draft_survives_the_idle_timeout(app, factory, login_as):
    case, alex, _sam = factory.couple()
    client = login_as(alex)
    key = secrets.token_urlsafe(24)
    token = _csrf_token(client, "/me/journal/new")
    saved = client.post(
        f"/me/journal/new/{key}/autosave",
        json={"seq": 1, "fields": {"title": "Draft title", "body": "Words before the timeout"}},
        headers={"X-CSRFToken": token},
    )
    assert saved.status_code == 200, saved.get_data(as_text=True)
    later = utcnow() + timedelta(minutes=61)
    with time_machine.travel(later, tick=False):
        timed_out = client.get("/me/journal")
        assert timed_out.status_code == 302 and "/login" in timed_out.headers["Location"]
        again = login_as(alex)
        listing = again.get("/me/journal").get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(sa.select(JournalEntry).where(JournalEntry.request_key == key))
        assert entry.body == "Words before the timeout"
        assert entry.author_id == alex.id
    assert "Draft title" in listing
