"""Faults (docs/performance.md, production-scale item 4): PostgreSQL refusing connections for a
few seconds gives a calm 503 page (JSON for script calls such as autosave, which then keeps the
text and sends it again), and service resumes by itself once the database answers again.

The database is made to refuse through a TCP proxy this test controls, never by touching the
machine's PostgreSQL.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from app.extensions import db
from bench.tcp_proxy import Proxy, free_port
from tests.conftest import TEST_PASSWORD, make_app

UNREACHABLE = "postgresql://rekindle@127.0.0.1:{port}/rekindle"


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_database_that_refuses_gives_a_calm_503(accept, migrated_database):
    app = make_app(migrated_database, SQLALCHEMY_DATABASE_URI=UNREACHABLE.format(port=free_port()))
    response = app.test_client().post(
        "/login",
        data={"email": "someone@example.org", "password": "a long passphrase"},
        headers={"Accept": accept},
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    if accept == "application/json":
        assert response.get_json()["error"] == "Rekindle is briefly unavailable"
    else:
        assert "Rekindle is briefly unavailable" in response.text
        assert "Nothing you saved before this was lost" in response.text


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL runs only: a SQLite file has no connections to refuse",
)
def test_service_resumes_by_itself_after_postgresql_refused(migrated_database, factory, app):
    url = sa.make_url(migrated_database)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxied = make_app(
        migrated_database,
        SQLALCHEMY_DATABASE_URI=url.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        ),
    )
    counselor = factory.counselor()
    client = proxied.test_client()
    signed_in = client.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/caseload").status_code == 200

    proxy.refuse()  # as a restart or a full server would
    down = client.get("/caseload")
    assert down.status_code == 503 and "briefly unavailable" in down.text

    proxy.accept()  # the database answers again: no restart of the app
    assert client.get("/caseload").status_code == 200
    with proxied.app_context():
        db.engine.dispose()
    proxy.refuse()
