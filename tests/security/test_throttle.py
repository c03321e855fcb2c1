"""AU-2, AU-5: sign-in throttling bounds guessing but is never a lock-out tool.

Shared between app instances (two "workers" on one Redis), by account and address pair, by
address (much higher), and by account with growing delays instead of a lock.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
import time_machine

from app.auth import throttle
from app.extensions import db
from app.models import AuditEvent, utcnow
from tests.conftest import TEST_PASSWORD, make_app

WRONG = "not the right password at all"
OFFICE = "10.0.0.1"
HOME = "10.7.7.7"


@pytest.fixture
def app_config() -> dict:
    # A fresh in-memory store per app; the prefix keeps xdist workers apart anyway.
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": f"t-{uuid.uuid4().hex}"}


def _login(client, email, password=WRONG, address=OFFICE, **headers):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def _signs_in(app, email, address) -> bool:
    """A correct password from ``address`` in a fresh browser gets in."""
    return _login(app.test_client(), email, TEST_PASSWORD, address).status_code == 302


@pytest.mark.parametrize("targets", ["one colleague", "many accounts"])
def test_strangers_failing_on_one_address_do_not_lock_out_the_office(app, factory, targets):
    colleague, other = factory.counselor(), factory.user("client")
    client = app.test_client()
    for n in range(11):
        email = colleague.email if targets == "one colleague" else f"nobody{n}@example.test"
        _login(client, email)
    assert _signs_in(app, other.email, OFFICE)


def test_the_eleventh_failure_of_one_account_from_one_address_waits(app, factory, client):
    user = factory.counselor()
    for _ in range(10):
        assert _login(client, user.email).status_code == 200
    response = _login(client, user.email)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Try again in" in page and "/login/email" in page
    assert 0 < int(response.headers["Retry-After"]) <= throttle.PAIR_WINDOW


def test_failures_from_many_addresses_cannot_keep_the_owner_out(app, factory):
    owner = factory.counselor()
    assert _signs_in(app, owner.email, HOME)  # the owner's usual place
    attacker = app.test_client()
    start = utcnow()
    with time_machine.travel(start, tick=False):
        for n in range(60):
            _login(attacker, owner.email, address=f"203.0.113.{n}")
        # From home: straight in, however the strangers keep at it.
        assert _signs_in(app, owner.email, HOME)
        # From a new place: a bounded wait (never a lock), and the e-mailed link meanwhile.
        refused = _login(app.test_client(), owner.email, TEST_PASSWORD, "198.51.100.9")
        assert refused.status_code == 429
        wait = int(refused.headers["Retry-After"])
        assert wait <= throttle.LONGEST_DELAY
    with time_machine.travel(start + timedelta(seconds=wait), tick=False):
        assert _signs_in(app, owner.email, "198.51.100.9")


def test_the_delays_grow_instead_of_locking(app, factory):
    owner = factory.counselor()
    attacker = app.test_client()
    waits = []
    now = utcnow()
    for n in range(16):
        with time_machine.travel(now, tick=False):
            response = _login(attacker, owner.email, address=f"203.0.113.{n}")
            if response.status_code == 429:
                waits.append(int(response.headers["Retry-After"]))
                now += timedelta(seconds=waits[-1])
    assert waits == sorted(waits) and waits[-1] > waits[0]
    assert max(waits) <= throttle.LONGEST_DELAY


def test_brute_force_stays_bounded(app):
    """An attacker using a fresh address for every guess, as fast as allowed, for three days."""
    start = utcnow()
    at, guesses = start, []
    with app.test_request_context():
        while at < start + timedelta(days=3):
            with time_machine.travel(at, tick=False):
                attempt = throttle.begin_login("target@example.test", f"ip-{len(guesses)}")
            if isinstance(attempt, throttle.Refused):
                at += timedelta(seconds=attempt.retry_after)
            else:
                attempt.failed()
                guesses.append(at)
    bound = throttle.guesses_per_account_per_day()
    per_day = [sum(1 for g in guesses if t <= g < t + timedelta(days=1)) for t in guesses]
    assert max(per_day) <= bound
    assert per_day[0] >= bound - 1  # the stated bound is what the code allows, not a guess
    assert bound < 150


def test_a_known_address_gives_an_attacker_there_only_ten_more(app, factory):
    owner = factory.counselor()
    assert _signs_in(app, owner.email, OFFICE)
    with app.test_request_context():
        allowed = 0
        for _ in range(30):
            attempt = throttle.begin_login(owner.email, OFFICE)
            if isinstance(attempt, throttle.Refused):
                break
            attempt.failed()
            allowed += 1
    assert allowed == throttle.PAIR_LIMIT


def test_successful_logins_do_not_count(factory, app):
    user = factory.counselor()
    for _ in range(12):
        assert _login(app.test_client(), user.email, TEST_PASSWORD).status_code == 302


def test_the_pair_waits_fifteen_minutes(factory, client):
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
    user = factory.counselor()
    for n in range(10):
        _login(client, user.email, **{"X-Forwarded-For": f"192.0.2.{n}"})
    response = _login(client, user.email, **{"X-Forwarded-For": "192.0.2.200"})
    assert response.status_code == 429


def test_forwarded_address_counts_behind_a_trusted_proxy(app, factory):
    app.config["REKINDLE_TRUSTED_PROXIES"] = 1
    user = factory.counselor()
    client = app.test_client()
    for _ in range(10):
        _login(client, user.email, **{"X-Forwarded-For": "192.0.2.7"})
    refused = _login(client, user.email, **{"X-Forwarded-For": "192.0.2.7"})
    assert refused.status_code == 429
    # Same proxy address, but another forwarded client: only the account's delay applies.
    assert _login(client, f"x{user.email}", **{"X-Forwarded-For": "192.0.2.8"}).status_code == 200


def test_throttling_is_off_when_disabled(app, factory):
    app.config["RATELIMIT_ENABLED"] = False
    client = app.test_client()
    for _ in range(12):
        assert _login(client, "someone@example.test").status_code == 200


def test_throttled_attempt_is_audited(app, factory, client):
    for _ in range(11):
        _login(client, "someone@example.test")
    with app.app_context():
        outcomes = db.session.scalars(
            sa.select(AuditEvent.outcome).where(AuditEvent.action == "auth.login")
        ).all()
    assert outcomes.count("failed") == 10
    assert outcomes.count("denied") == 1


def _change_password(client, current: str):
    return client.post(
        "/account/password",
        data={
            "current": current,
            "password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
        environ_base={"REMOTE_ADDR": OFFICE},
    )


def test_wrong_current_passwords_are_throttled_and_audited(app, factory):
    user = factory.counselor()
    client = app.test_client()
    assert _login(client, user.email, TEST_PASSWORD).status_code == 302
    for _ in range(10):
        response = _change_password(client, WRONG)
        assert response.status_code == 200
        assert "not your current password" in response.get_data(as_text=True)
    refused = _change_password(client, TEST_PASSWORD)
    assert refused.status_code == 429
    assert "Try again in" in refused.get_data(as_text=True)
    with app.app_context():
        outcomes = db.session.scalars(
            sa.select(AuditEvent.outcome).where(AuditEvent.action == "auth.password_check")
        ).all()
    assert outcomes.count("failed") == 10 and outcomes.count("denied") == 1


@pytest.fixture
def redis_url() -> str:
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:  # pragma: no cover - CI starts Redis
        pytest.fail("Redis is not running on 127.0.0.1:6379 (CI starts it: .ci/run)")
    return url


def test_counters_are_shared_between_two_workers_through_redis(
    migrated_database, factory, redis_url
):
    prefix = f"test-shared-{uuid.uuid4().hex}"
    config = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    worker_1 = make_app(migrated_database, **config).test_client()
    worker_2 = make_app(migrated_database, **config).test_client()
    user, other = factory.counselor(), factory.counselor()
    try:
        for n in range(10):
            worker = worker_1 if n % 2 else worker_2
            assert _login(worker, user.email).status_code == 200
        assert _login(worker_1, user.email).status_code == 429
        assert _login(worker_2, user.email).status_code == 429
        # The office is not locked out: another account from the same address gets in.
        assert _login(worker_1, other.email, TEST_PASSWORD).status_code == 302
    finally:
        store = redis.Redis.from_url(redis_url)
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
