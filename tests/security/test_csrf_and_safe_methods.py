"""CS-1: every unsafe method refuses a missing CSRF token; no GET changes data."""

from __future__ import annotations

import pytest

from tests.security.checks import table_counts
from tests.security.routes import (
    MATRIX,
    SIGNED_IN,
    UNSAFE,
    build_url,
    endpoints,
    methods,
    variants,
)
from tests.security.scenario import ROLES
from tests.security.test_authorization_matrix import ROUTES

UNSAFE_ROUTES = [(e, m) for e, m in ROUTES if m in UNSAFE]
# Book-keeping a read may write by design: the audit trail and the login session's last-seen.
# A PDF link (a GET) queues a render: the job row is book-keeping, like the audit event.
# Opening a thread moves the reader's read marker (a deferred write, like last-seen): the
# marker is the read receipt and the unread count, a record of the read, not a change of data.
BOOKKEEPING = ("audit_events", "login_sessions", "pdf_jobs", "message_reads")


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True}


def test_there_are_unsafe_routes_to_check():
    assert len(UNSAFE_ROUTES) >= 30


@pytest.mark.parametrize(
    ("endpoint", "method"), UNSAFE_ROUTES, ids=[f"{m} {e}" for e, m in UNSAFE_ROUTES]
)
def test_unsafe_method_without_token_is_refused(app, world, clients, endpoint, method):
    entry = MATRIX[endpoint]
    rule = endpoints(app)[endpoint]
    # The role that may use the route, so the refusal comes from the token and nothing else.
    # Routes the matrix checks with ids nobody holds (measures) allow nobody: a signed-in role
    # posts there, and the missing token must be refused before the object is even looked up.
    allowed = entry.allowed_for("own") or SIGNED_IN
    role = next(r for r in ROLES if r in allowed)
    url = build_url(rule, world, variants(entry, rule)[0][1])
    before = table_counts(app, skip=BOOKKEEPING)
    if "autosave" in endpoint:
        response = clients[role].post(url, json={"seq": 1, "fields": {"body": "x"}})
    else:
        response = clients[role].open(url, method=method, data={"body": "x", "name": "x"})
    assert response.status_code == 400, f"{method} {url} as {role}: {response.status_code}"
    assert table_counts(app, skip=BOOKKEEPING) == before


def test_a_valid_token_is_accepted(app, world, clients):
    """Control: the 400s above come from the missing token, not from a broken form."""
    client = clients["A"]
    html = client.get("/account/password").get_data(as_text=True)
    token = html.split('name="csrf-token" content="')[1].split('"')[0]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/me").status_code == 302  # signed out


def test_no_get_changes_data(app, world, clients):
    before = table_counts(app, skip=BOOKKEEPING)
    assert sum(before.values()) > 20
    visited = 0
    for endpoint, rule in endpoints(app).items():
        if "GET" not in methods(rule):
            continue
        entry = MATRIX[endpoint]
        for _variant, args in variants(entry, rule):
            url = build_url(rule, world, args)
            for role in ROLES:
                response = clients[role].get(url)
                assert response.status_code < 500, f"GET {url} as {role}"
                visited += 1
    assert visited > 100
    assert table_counts(app, skip=BOOKKEEPING) == before
