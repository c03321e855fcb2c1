"""Faults: a connection that PostgreSQL cut earlier in a request gives the calm 503 page too.

The fault run (bench/faults.py) found a GET answering 500 while the database cut connections:
the read that failed first was followed by one that found the transaction invalidated
(``PendingRollbackError``). That is the database being unreachable, not a bug; any other
pending rollback still is one.
"""

from __future__ import annotations

import pytest
from sqlalchemy.exc import PendingRollbackError

LOST = "Can't reconnect until invalid transaction is rolled back.  Please rollback() fully"


@pytest.mark.parametrize(
    ("message", "status"),
    [(LOST, 503), ("This Session's transaction has been rolled back due to a flush error", 500)],
    ids=["connection-lost", "a-real-bug"],
)
def test_a_connection_lost_earlier_in_the_request_is_a_503(app, factory, login_as, message, status):
    def raises():
        raise PendingRollbackError(message)

    app.add_url_rule("/test-only/lost", "test_lost", raises)
    response = login_as(factory.counselor()).get("/test-only/lost")
    assert response.status_code == status
    if status == 503:
        assert "Rekindle is briefly unavailable" in response.text
        assert response.headers["Retry-After"] == "5"


def test_a_signed_in_page_gets_the_503_page_when_the_database_refuses(
    migrated_database, app, factory, login_as
):
    """Loading the signed-in user is what fails; the 503 page must not try it again."""
    from bench.tcp_proxy import free_port
    from tests.conftest import make_app
    from tests.performance.test_database_refuses import UNREACHABLE

    signed_in = login_as(factory.counselor())
    down = make_app(
        migrated_database, SQLALCHEMY_DATABASE_URI=UNREACHABLE.format(port=free_port())
    ).test_client()
    for cookie in signed_in._cookies.values():
        down.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    response = down.get("/caseload")
    assert response.status_code == 503
    assert "Rekindle is briefly unavailable" in response.text
