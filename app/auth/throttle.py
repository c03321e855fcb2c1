"""Login throttling by account and by address (docs/security.md AU-2).

The counters live in the storage named by ``RATELIMIT_STORAGE_URI`` (``memory://`` in
development, Redis in production), through ``limits``, the engine under Flask-Limiter, and
honour Flask-Limiter's ``RATELIMIT_ENABLED`` and ``RATELIMIT_KEY_PREFIX`` settings. Only
failures count: a person who signs in correctly is never slowed down, and the eleventh failure
within the window is refused before the password is even checked. The storage is kept per
application (not on the process-wide ``limiter``), so every app instance in a process, and
every worker sharing the Redis server, sees the same counters.

The address is ``app.netaddr.client_address``: ``X-Forwarded-For`` is believed only when
``REKINDLE_TRUSTED_PROXIES`` says a proxy sets it.
"""

from __future__ import annotations

import hashlib

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.netaddr import client_address

#: Failures allowed per account and per address within the window; the next one is refused.
LOGIN_FAILURE_LIMIT = "10 per 15 minutes"
#: Wrong second-factor codes allowed per account within the window.
SECOND_FACTOR_LIMIT = "10 per 15 minutes"

_EXTENSION_KEY = "rekindle_throttle"


def _strategy(app: Flask) -> MovingWindowRateLimiter:
    """The app's rate limiter, created on first use from its configuration."""
    strategy = app.extensions.get(_EXTENSION_KEY)
    if strategy is None:
        uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
        options = app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}
        strategy = MovingWindowRateLimiter(storage_from_string(uri, **options))
        app.extensions[_EXTENSION_KEY] = strategy
    return strategy


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _keys(scope: str, value: str) -> tuple[str, ...]:
    # Hash the value so that neither emails nor addresses appear in the shared store's keys.
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "rekindle"
    return (prefix, scope, digest)


def _login_keys(account: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    item = parse(current_app.config.get("REKINDLE_LOGIN_FAILURE_LIMIT", LOGIN_FAILURE_LIMIT))
    return [
        (item, _keys("login-account", account.strip().lower())),
        (item, _keys("login-address", client_address())),
    ]


def login_blocked(account: str) -> bool:
    """True when this account or this address has used up its failed attempts."""
    if not _enabled():
        return False
    strategy = _strategy(current_app)
    return any(not strategy.test(item, *keys) for item, keys in _login_keys(account))


def record_login_failure(account: str) -> None:
    """Count one failed sign-in against the account and the address."""
    if not _enabled():
        return
    strategy = _strategy(current_app)
    for item, keys in _login_keys(account):
        strategy.hit(item, *keys)


def _second_factor_key(user_id: int) -> tuple[RateLimitItem, tuple[str, ...]]:
    item = parse(current_app.config.get("REKINDLE_SECOND_FACTOR_LIMIT", SECOND_FACTOR_LIMIT))
    return item, _keys("second-factor", str(user_id))


def second_factor_blocked(user_id: int) -> bool:
    """True when this account has entered too many wrong codes recently."""
    if not _enabled():
        return False
    item, keys = _second_factor_key(user_id)
    return not _strategy(current_app).test(item, *keys)


def record_second_factor_failure(user_id: int) -> None:
    """Count one wrong second-factor code."""
    if not _enabled():
        return
    item, keys = _second_factor_key(user_id)
    _strategy(current_app).hit(item, *keys)
