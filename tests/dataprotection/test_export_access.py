"""Only clients reach the export, and each client only their own."""

from __future__ import annotations

import pytest

PATHS = ["/me/export", "/me/export.json", "/me/export.pdf"]
ROLES = ["case_counselor", "other_counselor", "admin", "anonymous"]


@pytest.fixture
def visitor(request, app, factory, login_as, planted, client):
    role = request.param
    if role == "anonymous":
        return client
    if role == "case_counselor":
        from app.extensions import db
        from app.models import User

        with app.app_context():
            return login_as(db.session.get(User, planted.counselor_id).email)
    if role == "admin":
        return login_as(factory.admin())
    return login_as(factory.counselor())


@pytest.mark.parametrize("visitor", ROLES, indirect=True)
@pytest.mark.parametrize("path", PATHS)
def test_staff_and_anonymous_never_reach_a_client_export(visitor, planted, path):
    response = visitor.get(path)
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
    assert [c for c in planted.all() if c in response.get_data(as_text=True)] == []


def test_a_client_of_another_case_sees_only_their_own(app, factory, login_as, planted):
    _, x, _ = factory.couple()
    text = login_as(x).get("/me/export.json").get_data(as_text=True)
    assert [c for c in planted.all() if c in text] == []
    assert x.email in text


def test_partner_b_gets_b_and_only_what_a_shared(app, planted, login_as):
    text = login_as(planted.b_email).get("/me/export.json").get_data(as_text=True)
    assert all(c in text for c in planted.canaries["b"].values())
    shared = {"a-shared-title", "a-shared-body", "a-shared-tag", "a-answer-counselor_and_partner"}
    assert [v for k, v in planted.canaries["a"].items() if k not in shared and v in text] == []
    assert all(planted.canaries["a"][k] in text for k in shared)
