"""Password policy (docs/security.md AU-1): length, not composition; common passwords refused."""

from __future__ import annotations

from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 256
HASH_METHOD = "scrypt"
# A constant hash to compare against when the email is unknown, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("rekindle-timing-equaliser", method=HASH_METHOD)


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(
    password: str, *, email: str | None = None, name: str | None = None
) -> str | None:
    """Why this password is refused, in words for the person typing it; None when acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few unrelated words work well."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in _common_passwords() or lowered.rstrip("0123456789!") in _common_passwords():
        return "This password is one of the most common ones. Please choose another."
    if email and lowered == email.lower():
        return "Your password must not be your email address."
    if len(set(password)) < 3:
        return "This password is too repetitive. Please choose another."
    return None


def hash_password(password: str) -> str:
    """Hash with scrypt."""
    return generate_password_hash(password, method=HASH_METHOD)


def check_password(stored_hash: str | None, password: str) -> bool:
    """Constant-effort check; an account without a password never matches."""
    if not stored_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(stored_hash, password)
