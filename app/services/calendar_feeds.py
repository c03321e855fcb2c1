"""Private calendar feeds: a long random token per person, kept only as its sha256.

Turning a feed on (or replacing it) makes a new token and revokes the old one at once; the
token is shown once, in the feed's address. A revoked or unknown token answers 404.
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from app.extensions import db
from app.models import CalendarFeed, User, utcnow

TOKEN_BYTES = 32  # 256 bits, ~43 characters in the address


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_feed(user: User) -> CalendarFeed | None:
    """The person's feed that works now, if any."""
    return db.session.scalars(
        sa.select(CalendarFeed).where(
            CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)
        )
    ).first()


def revoke(user: User) -> bool:
    """Stop the person's feed; True when there was one."""
    result = db.session.execute(
        sa.update(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


def turn_on(user: User) -> str:
    """A new feed token for the person (any older feed stops working); shown once."""
    revoke(user)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(CalendarFeed(user_id=user.id, token_hash=_hash(token)))
    db.session.flush()
    return token


def owner_of(token: str) -> User | None:
    """The active account whose live feed this token opens, or None."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(
            CalendarFeed.token_hash == _hash(token),
            CalendarFeed.revoked_at.is_(None),
            User.active.is_(True),
            User.erased_at.is_(None),
        )
    )
