"""Use cases of signing in and out. Services flush; views commit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, session
from flask_login import login_user, logout_user

from app.auth.passwords import check_password, hash_password, password_problem
from app.database import defer_write
from app.extensions import db
from app.models import LoginSession, NotificationSettings, Role, User, utcnow
from app.netaddr import client_address

# Refresh last_seen at most this often, so that reading pages does not write on every request.
LAST_SEEN_GRANULARITY = timedelta(seconds=60)


class PasswordRejected(ValueError):
    """The new password breaks the policy; the message is for the form field."""


def normalise_email(email: str) -> str:
    """Emails are compared and stored lower-cased and trimmed."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """The user with this email, whatever its case."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer for every failure)."""
    user = find_user(email)
    if not check_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.is_active:
        return None
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, second_factor_done: bool = False) -> None:
    """Clear whatever session the browser had and sign ``user`` in with a new server-side one.

    ``second_factor_done`` carries a verified second factor over (password change).
    """
    session.clear()
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            token_hash=_token_hash(token),
            user=user,
            address=client_address(),
            second_factor_done=second_factor_done,
        )
    )
    db.session.flush()
    user.session_token = token
    user.second_factor_done = second_factor_done
    login_user(user, remember=False)
    session.permanent = True


def end_session(user: User) -> None:
    """Revoke this browser's login session server-side, then clear the cookie session."""
    if user.session_token:
        db.session.execute(
            sa.delete(LoginSession).where(
                LoginSession.token_hash == _token_hash(user.session_token)
            )
        )
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> None:
    """Revoke every login session of ``user`` (password change, deactivation)."""
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id))


def load_session_user(token: str) -> User | None:
    """Flask-Login's loader: the user of a live login session, enforcing both timeouts."""
    # The person's time zone comes in the same statement (zone_of needs none of its own).
    found = db.session.execute(
        sa.select(LoginSession, NotificationSettings.time_zone)
        .outerjoin(NotificationSettings, NotificationSettings.user_id == LoginSession.user_id)
        .where(LoginSession.token_hash == _token_hash(token))
    ).first()
    if found is None:
        return None
    login, time_zone = found
    user = login.user
    now = utcnow()
    config = current_app.config
    idle = timedelta(
        minutes=config["REKINDLE_STAFF_IDLE_MINUTES"]
        if user.role is not Role.CLIENT
        else config["REKINDLE_CLIENT_IDLE_MINUTES"]
    )
    absolute = timedelta(hours=config["REKINDLE_ABSOLUTE_SESSION_HOURS"])
    if not user.is_active or now - login.last_seen_at > idle or now - login.created_at > absolute:
        # Book-keeping like "last seen": written after the request, never its own commit here.
        login_id = login.id
        defer_write(
            lambda: db.session.execute(sa.delete(LoginSession).where(LoginSession.id == login_id))
        )
        return None
    if now - login.last_seen_at > LAST_SEEN_GRANULARITY:
        login_id = login.id
        defer_write(
            lambda: db.session.execute(
                sa.update(LoginSession).where(LoginSession.id == login_id).values(last_seen_at=now)
            )
        )
    user.session_token = token
    user.second_factor_done = login.second_factor_done
    user.time_zone_loaded = True
    user.time_zone_name = time_zone
    return user


def mark_second_factor_done(user: User) -> None:
    """Record on this browser's login session that the second factor was verified."""
    db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.token_hash == _token_hash(user.get_id()))
        .values(second_factor_done=True)
    )
    user.second_factor_done = True


def set_password(user: User, password: str) -> None:
    """Set a new password after checking the policy; other sessions are signed out."""
    problem = password_problem(password, email=user.email, name=user.name)
    if problem:
        raise PasswordRejected(problem)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_all_sessions(user)


def deactivate_account(user: User) -> None:
    """Stop ``user`` from signing in: sessions end at once and unused invitation links die."""
    from app.models import Invitation

    user.active = False
    end_all_sessions(user)
    db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.user_id == user.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
