"""Demo accounts, exactly as PRODUCT.md names them."""

from __future__ import annotations

from flask import current_app

from app.auth.passwords import hash_password
from app.auth.services import find_user
from app.extensions import db
from app.models import Role, User

DEMO_ACCOUNTS = [
    ("admin@demo.rekindle.test", "Avery Admin", Role.ADMIN),
    ("counselor@demo.rekindle.test", "Dr. Morgan Lee", Role.COUNSELOR),
    ("counselor2@demo.rekindle.test", "Jordan Ellis", Role.COUNSELOR),
    ("alex@demo.rekindle.test", "Alex Rivera", Role.CLIENT),
    ("sam@demo.rekindle.test", "Sam Rivera", Role.CLIENT),
]


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
    for email, name, role in DEMO_ACCOUNTS:
        ensure_user(email, name, role, password_hash)
    db.session.commit()
