"""DP-4: no client content or passwords in logs or URLs during a representative flow."""

from __future__ import annotations

import logging
import secrets

import pytest

from tests.conftest import TEST_PASSWORD
from tests.dataprotection.conftest import canary


@pytest.fixture
def app_config():
    # Even with every SQL statement and its parameters logged, only ciphertext goes by.
    return {"SQLALCHEMY_ECHO": True}


def test_a_whole_flow_logs_no_canary_and_no_password(app, planted, factory, login_as, caplog):
    caplog.set_level(logging.DEBUG)
    secret_title, secret_body, secret_edit = canary("title"), canary("body"), canary("edit")
    seen_urls: list[str] = []

    a = login_as(planted.a_email)  # the password goes through the login form
    response = a.post(
        "/me/journal/new",
        data={
            "title": secret_title,
            "body": secret_body,
            "mood": "2",
            "tags": "private",
            "exercise_response_id": "",
            "visibility": "counselor",
            "request_key": secrets.token_urlsafe(24),
        },
    )
    assert response.status_code == 302
    entry_url = response.headers["Location"]
    seen_urls.append(entry_url)
    entry_id = int(entry_url.split("/me/journal/")[1].split("?")[0])
    edit = a.post(
        f"/me/journal/{entry_id}/edit",
        data={
            "title": secret_title,
            "body": secret_edit,
            "mood": "",
            "tags": "",
            "exercise_response_id": "",
            "version": "1",
        },
    )
    seen_urls.append(edit.headers.get("Location", ""))
    stale = a.post(  # a conflict, which shows both texts but must not log them
        f"/me/journal/{entry_id}/edit",
        data={"title": "t", "body": canary("stale"), "version": "1", "exercise_response_id": ""},
    )
    assert stale.status_code == 409
    assert a.get(f"/me/journal/{entry_id}").status_code == 200
    assert a.get("/me/export.json").status_code == 200
    assert a.get("/me/export.pdf").status_code == 200
    bad_login = app.test_client().post(
        "/login", data={"email": planted.b_email, "password": "wrong " + TEST_PASSWORD}
    )
    assert bad_login.status_code == 200

    admin = login_as(factory.admin())
    erased = admin.post(
        f"/admin/erasure/{planted.b_id}",
        data={"email": planted.b_email, "reason": "Written request received today"},
    )
    seen_urls.append(erased.headers.get("Location", ""))

    logged = caplog.text
    assert "INSERT INTO journal_entries" in logged  # the capture did see the SQL
    secrets_planted = [secret_title, secret_body, secret_edit, TEST_PASSWORD, *planted.all()]
    assert [s for s in secrets_planted if s in logged] == []
    assert [s for s in secrets_planted for url in seen_urls if s in url] == []
