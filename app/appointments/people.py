"""What the appointment book needs to know about a person: their time zone, discreet mode.

Both come from the person's notification preferences (``app.notifications``); anyone who never
chose a zone sees the practice's.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app

from app.models import User
from app.notifications import preferences_for


def zone_of(user: User) -> ZoneInfo:
    """The person's own time zone (their preference, else the practice's)."""
    return preferences_for(user).zone


def is_discreet(user: User) -> bool:
    """Whether the person asked for discreet mode (no practice name, no details)."""
    return bool(preferences_for(user).discreet)


def practice_zone() -> ZoneInfo:
    """The practice's time zone."""
    return ZoneInfo(current_app.config.get("REKINDLE_TIMEZONE", "UTC"))
