"""Only the admin reaches the erasure pages; everyone else gets 404 (or the login page)."""

from __future__ import annotations

import pytest

from tests.dataprotection.conftest import canary

ROLES = ["case_counselor", "other_counselor", "partner", "other_client", "anonymous"]


@pytest.fixture
def visitor(request, app, factory, login_as, planted, client):
    role = request.param
    if role == "anonymous":
        return client
    if role == "case_counselor":
        from app.extensions import db
        from app.models import User

        with app.app_context():
            email = db.session.get(User, planted.counselor_id).email
        return login_as(email)
    if role == "other_counselor":
        return login_as(factory.counselor())
    if role == "partner":
        return login_as(planted.b_email)
    _, x, _ = factory.couple()
    return login_as(x)


@pytest.mark.parametrize("visitor", ROLES, indirect=True)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/erasure"),
        ("post", "/admin/erasure"),
        ("get", "/admin/erasure/{a}"),
        ("post", "/admin/erasure/{a}"),
    ],
)
def test_only_the_admin_reaches_erasure(visitor, planted, method, path):
    url = path.format(a=planted.a_id)
    data = {"email": planted.a_email, "reason": "Trying to erase someone " + canary("x")}
    response = getattr(visitor, method)(url, data=data if method == "post" else None)
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
    assert planted.a_email not in response.text
