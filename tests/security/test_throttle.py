"""AU-2: login throttling by account and by address, shared between app instances."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import redis
import time_machine

from app.models import utcnow
from tests.conftest import TEST_PASSWORD, make_app

WRONG = "not the right password at all"


@pytest.fixture
def app_config() -> dict:
    # A fresh in-memory store per app; the prefix keeps xdist workers apart anyway.
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": f"t-{uuid.uuid4().hex}"}


def _login(client, email, password=WRONG, address="10.0.0.1", **headers):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def test_eleventh_failure_for_one_account_is_refused_from_any_address(factory, client):
    user = factory.counselor()
    for n in range(10):
        assert _login(client, user.email, address=f"10.0.1.{n}").status_code == 200
    response = _login(client, user.email, address="10.0.2.1")
    assert response.status_code == 429
    assert "Please wait a moment" in response.get_data(as_text=True)
    # Even the right password is refused while the account is throttled.
    assert _login(client, user.email, TEST_PASSWORD, address="10.0.2.2").status_code == 429


def test_eleventh_failure_from_one_address_is_refused_for_any_account(factory, client):
    user = factory.counselor()
    for n in range(10):
        assert _login(client, f"nobody{n}@example.test").status_code == 200
    assert _login(client, user.email, TEST_PASSWORD).status_code == 429
    assert _login(client, user.email, TEST_PASSWORD, address="10.9.9.9").status_code == 302


def test_successful_logins_do_not_count(factory, app):
    user = factory.counselor()
    for _ in range(12):
        assert _login(app.test_client(), user.email, TEST_PASSWORD).status_code == 302


def test_the_window_is_fifteen_minutes(factory, client):
    user = factory.counselor()
    start = utcnow()
    with time_machine.travel(start, tick=False):
        for _ in range(10):
            _login(client, user.email)
        assert _login(client, user.email).status_code == 429
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert _login(client, user.email).status_code == 429
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert _login(client, user.email, TEST_PASSWORD).status_code == 302


def test_forwarded_address_is_ignored_without_a_trusted_proxy(factory, client):
    for n in range(10):
        _login(client, f"nobody{n}@example.test", **{"X-Forwarded-For": f"192.0.2.{n}"})
    response = _login(client, "other@example.test", **{"X-Forwarded-For": "192.0.2.200"})
    assert response.status_code == 429


def test_forwarded_address_counts_behind_a_trusted_proxy(app, factory):
    app.config["REKINDLE_TRUSTED_PROXIES"] = 1
    client = app.test_client()
    for n in range(10):
        _login(client, f"nobody{n}@example.test", **{"X-Forwarded-For": "192.0.2.7"})
    # Same proxy address, but a different forwarded client: not throttled.
    ok = _login(client, "other@example.test", **{"X-Forwarded-For": "192.0.2.8"})
    assert ok.status_code == 200
    refused = _login(client, "other@example.test", **{"X-Forwarded-For": "192.0.2.7"})
    assert refused.status_code == 429


def test_throttling_is_off_when_disabled(app, factory):
    app.config["RATELIMIT_ENABLED"] = False
    client = app.test_client()
    for _ in range(12):
        assert _login(client, "someone@example.test").status_code == 200


def test_throttled_attempt_is_audited(app, factory, client):
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import AuditEvent

    for _ in range(11):
        _login(client, "someone@example.test")
    with app.app_context():
        outcomes = db.session.scalars(
            sa.select(AuditEvent.outcome).where(AuditEvent.action == "auth.login")
        ).all()
    assert outcomes.count("failed") == 10
    assert outcomes.count("denied") == 1


@pytest.fixture
def redis_url() -> str:
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:  # pragma: no cover - CI starts Redis
        pytest.fail("Redis is not running on 127.0.0.1:6379 (CI starts it: .ci/run)")
    return url


def test_limit_is_shared_between_two_workers_through_redis(migrated_database, factory, redis_url):
    prefix = f"test-shared-{uuid.uuid4().hex}"
    config = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    worker_1 = make_app(migrated_database, **config).test_client()
    worker_2 = make_app(migrated_database, **config).test_client()
    user = factory.counselor()
    try:
        for n in range(10):
            worker = worker_1 if n % 2 else worker_2
            assert _login(worker, user.email, address=f"10.1.0.{n}").status_code == 200
        assert _login(worker_1, user.email, address="10.1.1.1").status_code == 429
        assert _login(worker_2, user.email, address="10.1.1.2").status_code == 429
    finally:
        store = redis.Redis.from_url(redis_url)
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
