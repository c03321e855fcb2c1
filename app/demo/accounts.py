"""Demo accounts, as README's "Demo logins" lists them (``data/accounts.toml``)."""

from __future__ import annotations

from flask import current_app

from app.auth.passwords import hash_password
from app.auth.services import find_user
from app.demo.data import load
from app.extensions import db
from app.models import Role, User


def demo_user(email: str) -> User:
    """A demo account that ``seed_accounts`` created."""
    user = find_user(email)
    if user is None:
        raise LookupError(f"demo account {email} is missing; run seed_accounts first")
    return user


def ensure_user(email: str, name: str, role: Role, password_hash: str | None) -> User:
    """Create the account unless it exists; an existing one is left as it is."""
    user = find_user(email)
    if user is None:
        user = User(email=email, name=name, role=role, password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
    return user


def seed() -> None:
    """The five named demo accounts, all with the demo password."""
    password_hash = hash_password(current_app.config["REKINDLE_DEMO_PASSWORD"])
    for account in load("accounts")["account"]:
        ensure_user(account["email"], account["name"], Role(account["role"]), password_hash)
    db.session.commit()
