"""What the appointment book needs to know about a person: their time zone, discreet mode.

Both are the person's notification preferences (``app.notifications``); anyone who never chose
a zone sees the practice's. The zone is read once per request (one small statement), since
the calendar pages and the caseload's agenda must stay within their statement budgets; for
the signed-in person it comes with the login-session lookup and costs no statement.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask import g, has_request_context

from app.extensions import db
from app.models import NotificationSettings, User
from app.notifications import preferences_for
from app.practice_dates import practice_zone


def zone_of(user: User) -> ZoneInfo:
    """The person's own time zone (their preference, else the practice's)."""
    cache = g.setdefault("appointment_zones", {}) if has_request_context() else {}
    if user.id not in cache:
        if user.time_zone_loaded:  # read with the login session (app.auth.services)
            name = user.time_zone_name
        else:
            name = db.session.scalar(
                sa.select(NotificationSettings.time_zone).where(
                    NotificationSettings.user_id == user.id
                )
            )
        try:
            cache[user.id] = ZoneInfo(name) if name else practice_zone()
        except (ZoneInfoNotFoundError, ValueError):
            cache[user.id] = practice_zone()
    return cache[user.id]


def is_discreet(user: User) -> bool:
    """Whether the person asked for discreet mode (no practice name, no details)."""
    return bool(preferences_for(user).discreet)
