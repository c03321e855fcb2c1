"""E-mailed account links (docs/security.md AU-5, AU-6): reset a password, or sign in without one.

A link is single use, short-lived (``RESET_MINUTES``, ``SIGN_IN_MINUTES``) and stored only as
the sha256 of its token; a new link of the same purpose replaces the older one. Services flush;
views commit. The raw token exists only in the e-mail (or the operator's terminal, for
``flask users reset-password``) and in the browser that opens it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import TypeGuard

import sqlalchemy as sa
from flask import current_app, request, url_for

from app import audit, mail
from app.auth.services import set_password
from app.database import rows_changed
from app.extensions import db
from app.models import AccountLink, User, utcnow

RESET = "reset"
SIGN_IN = "sign-in"
RESET_MINUTES = 60
SIGN_IN_MINUTES = 15
_LIFETIME = {RESET: RESET_MINUTES, SIGN_IN: SIGN_IN_MINUTES}
_ENDPOINT = {RESET: "auth.reset_password", SIGN_IN: "auth.sign_in_link"}


class LinkUnusable(Exception):
    """The link is unknown, used, expired, or its account cannot sign in."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_receive(user: User | None) -> TypeGuard[User]:
    """Only active accounts that have set a password get links (others use their invitation)."""
    return user is not None and user.is_active and user.has_password


def issue(user: User, purpose: str, *, created_by: User | None = None) -> str:
    """A new link token for ``user``; older unused links of the same purpose stop working."""
    now = utcnow()
    db.session.execute(
        sa.delete(AccountLink).where(
            AccountLink.user_id == user.id,
            AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None),
        )
    )
    token = secrets.token_urlsafe(32)
    link = AccountLink(
        token_hash=_hash(token),
        user_id=user.id,
        purpose=purpose,
        created_by_id=created_by.id if created_by else None,
        created_at=now,
        expires_at=now + timedelta(minutes=_LIFETIME[purpose]),
    )
    db.session.add(link)
    db.session.flush()
    audit.record(f"auth.{purpose}_link_issued", user, actor=created_by)
    return token


def usable(token: str, purpose: str) -> tuple[AccountLink, User]:
    """The pending link and its account, or ``LinkUnusable``."""
    link = None
    if token and len(token) <= 200:
        link = db.session.scalar(
            sa.select(AccountLink).where(
                AccountLink.token_hash == _hash(token), AccountLink.purpose == purpose
            )
        )
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise LinkUnusable
    user = db.session.get(User, link.user_id)
    if not may_receive(user):
        raise LinkUnusable
    return link, user


def _use(link: AccountLink) -> None:
    """Mark the link used, once: a second click (or a race) finds it spent."""
    used = db.session.execute(
        sa.update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if rows_changed(used) != 1:
        raise LinkUnusable


def reset_password(token: str, password: str) -> User:
    """Set a new password with a reset link; every session of the account ends. Flushes."""
    link, user = usable(token, RESET)
    set_password(user, password)  # PasswordRejected before the link is spent; ends all sessions
    _use(link)
    # Whatever other link was out there for this account is spent with the old password.
    db.session.execute(
        sa.delete(AccountLink).where(AccountLink.user_id == user.id, AccountLink.used_at.is_(None))
    )
    audit.record("auth.password_reset", user, actor=user)
    return user


def sign_in_with(token: str) -> User:
    """Spend a sign-in link; the caller starts the session. Flushes."""
    link, user = usable(token, SIGN_IN)
    _use(link)
    return user


def url(token: str, purpose: str) -> str:
    """The absolute link, on the public URL when one is configured."""
    path = url_for(_ENDPOINT[purpose], token=token)
    base = current_app.config.get("REKINDLE_PUBLIC_URL")
    if base:
        return base.rstrip("/") + path
    return request.host_url.rstrip("/") + path


def sender(
    user: User, token: str, purpose: str, *, sent_by: str | None = None
) -> Callable[[], bool]:
    """A call that e-mails the link to the account's own address (True when handed over).

    Everything is read now, so the call also works after the request has ended.
    """
    to, name, link = user.email, user.name, url(token, purpose)
    if purpose == RESET:
        return lambda: mail.send_password_reset(
            to, name, link, minutes=RESET_MINUTES, sent_by=sent_by
        )
    return lambda: mail.send_sign_in_link(to, name, link, SIGN_IN_MINUTES)
