"""Autosave checks the CSRF token like a form does (header, or body for beacons)."""

import re

import pytest

from tests.modules.helpers import next_seq


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True}


def _login(app, user):
    from tests.conftest import TEST_PASSWORD

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    return client


def _token(client, path):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def test_autosave_needs_a_token(app, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    client = _login(app, couple.a)
    url = f"/me/exercises/{given.recipient_a}/{given.exercise_ids[0]}/autosave"
    body = {"seq": next_seq(), "fields": {"text": "x"}}
    assert client.post(url, json=body).status_code == 400
    token = _token(client, "/me/exercises")
    assert client.post(url, json=body, headers={"X-CSRFToken": token}).status_code == 200
    beacon = {"seq": next_seq(), "fields": {"text": "y"}, "csrf_token": token}
    assert client.post(url, json=beacon).status_code == 200
