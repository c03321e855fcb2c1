"""Sign-in throttling that bounds guessing without being a lock-out tool (docs/security.md AU-2, AU-5).

A failed sign-in is counted in three places, and none of them can shut out a named person or an
office behind one address:

* **account and address pair**: 10 failures per 15 minutes, then that pair waits. Only
  someone typing at this account from this address is slowed down.
* **address**: 100 failures per 15 minutes over all accounts, so one address cannot spray
  guesses at the whole practice. An office behind one NAT shares it, which is why it is high,
  and why accounts that signed in from the address before do not count against it.
* **account, from addresses it never signed in from**: the first 10 failures in a day are
  free; after that every further attempt waits a delay that doubles (1 s, 2 s, 4 s ... up to
  15 minutes). Nothing locks: one attempt per delay always gets through, and a day after the
  first failure the count starts again.

The ways through for the owner: an address the account signed in from in the last 30 days
(a *known* pair) skips the address and account counters, so strangers elsewhere cannot keep
the owner out of their usual places; and anyone can ask for a sign-in link by e-mail
(``/login/email``), which works whatever the counters say.

Guessing stays bounded: at most ``guesses_per_account_per_day()`` (114) wrong passwords per
account in any 24 hours from addresses it never signed in from, plus 10 per 15 minutes from each
known address, and a known address loses that status once its 10 are used, until the owner signs
in there again.

Each attempt takes its place in the counters *before* the password is checked and gives it back
when the password was right, so parallel requests cannot slip past a limit, and successful
sign-ins never count. The counters live in the storage named by ``RATELIMIT_STORAGE_URI``
(``memory://`` in development, Redis in production), shared by every worker that uses the same
Redis; ``RATELIMIT_ENABLED`` and ``RATELIMIT_KEY_PREFIX`` are honoured. Keys hold hashes, never
e-mail addresses or IP addresses. The address is ``app.netaddr.client_address``.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field
from typing import cast

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.netaddr import client_address

MINUTE = 60
DAY = 24 * 60 * MINUTE

PAIR_LIMIT = 10
PAIR_WINDOW = 15 * MINUTE
ADDRESS_LIMIT = 100
ADDRESS_WINDOW = 15 * MINUTE
ACCOUNT_FREE_FAILURES = 10
ACCOUNT_WINDOW = DAY
FIRST_DELAY = 1
LONGEST_DELAY = 15 * MINUTE
KNOWN_PAIR_DAYS = 30

#: Wrong second-factor codes allowed per account within the window.
SECOND_FACTOR_LIMIT = "10 per 15 minutes"
#: E-mailed links (reset, sign-in) per account and per address: enough for a person, not a flood.
LINK_LIMIT_ACCOUNT = "5 per hour"
LINK_LIMIT_ADDRESS = "30 per hour"

_EXTENSION_KEY = "rekindle_throttle"


def account_delay(extra_failures: int) -> int:
    """Seconds the account waits after the ``extra_failures``-th attempt from the last free one."""
    return min(FIRST_DELAY * 2 ** (extra_failures - 1), LONGEST_DELAY)


def guesses_per_account_per_day() -> int:
    """The most wrong passwords one account can be sent in a day from addresses it never used.

    The account's counter starts with its first failure and lasts a day; within it come the free
    failures (the last of which starts the first delay) and one after each delay that ends in
    time. A delay still running when the day ends holds up the next day too.
    """
    guesses, elapsed, extra = ACCOUNT_FREE_FAILURES, 0, 1
    while elapsed + account_delay(extra) < ACCOUNT_WINDOW:
        elapsed += account_delay(extra)
        extra += 1
        guesses += 1
    return guesses


@dataclass(frozen=True)
class Refused:
    """The attempt was not evaluated; ``retry_after`` seconds until the next one is."""

    retry_after: int
    reason: str  # "pair", "address" or "account": for the audit trail only


@dataclass
class LoginAttempt:
    """One attempt that holds its place in the counters it passed."""

    storage: Storage | None
    known_key: str = ""
    reserved: list[tuple[str, int]] = field(default_factory=list)

    def succeeded(self) -> None:
        """The password was right: give the places back and remember this account's address."""
        if self.storage is None:
            return
        for key, expiry in self.reserved:
            self.storage.incr(key, expiry, amount=-1)
        self.storage.clear(self.known_key)
        self.storage.incr(self.known_key, KNOWN_PAIR_DAYS * DAY)

    def failed(self) -> None:
        """The password was wrong: the places taken stay taken (they are the count)."""


def _storage(app: Flask) -> Storage:
    """The app's counter storage, created on first use from its configuration."""
    storage = app.extensions.get(_EXTENSION_KEY)
    if storage is None:
        uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
        options = app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}
        storage = storage_from_string(uri, **options)
        app.extensions[_EXTENSION_KEY] = storage
    return cast(Storage, storage)


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _key(scope: str, *values: str) -> str:
    # Hash the values so that neither emails nor addresses appear in the shared store's keys.
    digest = hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:32]
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "rekindle"
    return f"{prefix}/{scope}/{digest}"


def _retry_after(storage: Storage, key: str) -> int:
    return max(1, math.ceil(storage.get_expiry(key) - time.time()))


def begin_login(account: str, address: str | None = None) -> LoginAttempt | Refused:
    """Take this attempt's places in the counters, or say how long to wait.

    Used for sign-in and for the current-password check of a password change alike.
    """
    if not _enabled():
        return LoginAttempt(storage=None)
    storage = _storage(current_app)
    account = account.strip().lower()
    address = address or client_address()
    pair_key = _key("login-pair", account, address)
    known_key = _key("login-known", account, address)
    attempt = LoginAttempt(storage=storage, known_key=known_key)

    def take(key: str, expiry: int) -> int:
        attempt.reserved.append((key, expiry))
        return storage.incr(key, expiry)

    def refuse(reason: str, wait_key: str) -> Refused:
        wait = _retry_after(storage, wait_key)
        for key, expiry in attempt.reserved:
            storage.incr(key, expiry, amount=-1)
        return Refused(retry_after=wait, reason=reason)

    known = storage.get(known_key) > 0
    if take(pair_key, PAIR_WINDOW) > PAIR_LIMIT:
        # A known address that used up its own failures is an unknown one again.
        storage.clear(known_key)
        return refuse("pair", pair_key)
    if known:
        return attempt
    address_key = _key("login-address", address)
    if take(address_key, ADDRESS_WINDOW) > ADDRESS_LIMIT:
        return refuse("address", address_key)
    extra = take(_key("login-account", account), ACCOUNT_WINDOW) - ACCOUNT_FREE_FAILURES + 1
    if extra > 0:
        # From the last free attempt on, each attempt starts the next delay and any other
        # attempt during it waits; the delay's key expiring is what lets the next one in.
        slot_key = _key("login-account-slot", account)
        if storage.incr(slot_key, account_delay(extra)) > 1:
            return refuse("account", slot_key)
    return attempt


def remember_address(account: str, address: str | None = None) -> None:
    """Mark this account's address as known (after a sign-in by e-mailed link)."""
    if not _enabled():
        return
    LoginAttempt(
        storage=_storage(current_app),
        known_key=_key("login-known", account.strip().lower(), address or client_address()),
    ).succeeded()


# --- second factor and e-mailed links: plain moving windows ---


def _strategy(app: Flask) -> MovingWindowRateLimiter:
    strategy = app.extensions.get(_EXTENSION_KEY + "_windows")
    if strategy is None:
        strategy = MovingWindowRateLimiter(_storage(app))
        app.extensions[_EXTENSION_KEY + "_windows"] = strategy
    return strategy


def _window(limit: str, scope: str, value: str) -> tuple[RateLimitItem, str]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "rekindle"
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return parse(limit), f"{prefix}/{scope}/{digest}"


def _second_factor_window(user_id: int) -> tuple[RateLimitItem, str]:
    limit = current_app.config.get("REKINDLE_SECOND_FACTOR_LIMIT", SECOND_FACTOR_LIMIT)
    return _window(limit, "second-factor", str(user_id))


def second_factor_blocked(user_id: int) -> bool:
    """True when this account has entered too many wrong codes recently."""
    if not _enabled():
        return False
    item, key = _second_factor_window(user_id)
    return not _strategy(current_app).test(item, key)


def record_second_factor_failure(user_id: int) -> None:
    """Count one wrong second-factor code."""
    if not _enabled():
        return
    item, key = _second_factor_window(user_id)
    _strategy(current_app).hit(item, key)


def link_request_allowed(account: str) -> bool:
    """Count one request for an e-mailed link; False when this account or address asked too often.

    The page answers the same either way; only the e-mail is not sent.
    """
    if not _enabled():
        return True
    strategy = _strategy(current_app)
    windows = [
        _window(LINK_LIMIT_ACCOUNT, "link-account", account.strip().lower()),
        _window(LINK_LIMIT_ADDRESS, "link-address", client_address()),
    ]
    if not all(strategy.test(item, key) for item, key in windows):
        return False
    for item, key in windows:
        strategy.hit(item, key)
    return True
