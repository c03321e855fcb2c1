"""Each person decides: per kind on/off and at once/digest, time zone, quiet hours, discreet.

Nobody has rows until they change something: ``preferences_for`` fills in the defaults (quiet
hours 21:00-08:00 in the practice's time zone, each kind's default timing, not discreet).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import NotificationKindSetting, NotificationSettings, Role, User
from app.notifications.kinds import NotificationKind, Timing, find_kind, kinds_for

DEFAULT_QUIET_START = time(21, 0)
DEFAULT_QUIET_END = time(8, 0)
DEFAULT_DIGEST_TIME = time(8, 0)


class PreferenceError(ValueError):
    """A choice that cannot be saved (the message says why, for the field it names)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class KindPreference:
    """One kind as a person chose it (or its default)."""

    code: str
    name: str
    enabled: bool
    timing: Timing
    can_switch_off: bool


@dataclass(frozen=True)
class Preferences:
    """A person's notification choices, defaults filled in."""

    time_zone: str
    quiet_start: time
    quiet_end: time
    digest_time: time
    discreet: bool
    kinds: dict[str, KindPreference] = field(default_factory=dict)
    #: Discreet mode is offered to clients only (staff mail goes to work addresses).
    discreet_allowed: bool = False

    @property
    def zone(self) -> ZoneInfo:
        """The time zone as an object (UTC when the stored name is no longer known)."""
        return zone_of(self.time_zone)

    def kind(self, code: str) -> KindPreference | None:
        """The choice for ``code`` (None for a kind this person is not the audience of)."""
        return self.kinds.get(code)

    def in_quiet_hours(self, at: datetime) -> bool:
        """Whether ``at`` (aware) falls in this person's quiet hours."""
        local = at.astimezone(self.zone).time().replace(tzinfo=None)
        start, end = self.quiet_start, self.quiet_end
        if start == end:
            return False  # no quiet hours
        if start < end:
            return start <= local < end
        return local >= start or local < end  # over midnight (the default)

    def quiet_hours_end(self, at: datetime) -> datetime:
        """The first moment at or after ``at`` outside quiet hours (UTC)."""
        if not self.in_quiet_hours(at):
            return at
        return next_local_time(at, self.quiet_end, self.zone)


def zone_of(name: str | None) -> ZoneInfo:
    """``name`` as a ZoneInfo; the practice's zone when empty, UTC when unknown."""
    try:
        return ZoneInfo(name or current_app.config.get("REKINDLE_TIMEZONE") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def next_local_time(at: datetime, wanted: time, zone: ZoneInfo) -> datetime:
    """The first instant after ``at`` when the wall clock in ``zone`` shows ``wanted`` (UTC).

    A wall time that a DST change skips resolves to the instant just after the gap.
    """
    local = at.astimezone(zone)
    candidate = datetime.combine(local.date(), wanted, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), wanted, tzinfo=zone)
    # Round-trip through UTC so a non-existent local time lands on a real instant.
    return candidate.astimezone(UTC)


def _audience(user: User) -> str:
    return user.role.value


def preferences_for(user: User) -> Preferences:
    """``user``'s choices with the defaults filled in (two statements)."""
    settings = db.session.get(NotificationSettings, user.id)
    chosen = {
        row.kind: row
        for row in db.session.scalars(
            sa.select(NotificationKindSetting).where(NotificationKindSetting.user_id == user.id)
        )
    }
    kinds = {}
    for kind in kinds_for(_audience(user)):
        row = chosen.get(kind.code)
        kinds[kind.code] = _kind_preference(kind, row)
    return Preferences(
        time_zone=(settings.time_zone if settings and settings.time_zone else "")
        or current_app.config.get("REKINDLE_TIMEZONE")
        or "UTC",
        quiet_start=settings.quiet_start if settings else DEFAULT_QUIET_START,
        quiet_end=settings.quiet_end if settings else DEFAULT_QUIET_END,
        digest_time=settings.digest_time if settings else DEFAULT_DIGEST_TIME,
        discreet=bool(settings and settings.discreet and user.role is Role.CLIENT),
        kinds=kinds,
        discreet_allowed=user.role is Role.CLIENT,
    )


def _kind_preference(kind: NotificationKind, row: NotificationKindSetting | None) -> KindPreference:
    enabled = True if row is None else row.enabled
    timing: Timing = kind.default_timing
    if row is not None and row.timing in ("immediate", "digest"):
        timing = "digest" if row.timing == "digest" else "immediate"
    if not kind.can_switch_off:
        enabled = True
        timing = "immediate"  # safety flags are never held back for a digest
    return KindPreference(kind.code, kind.name, enabled, timing, kind.can_switch_off)


def set_preferences(
    user: User,
    *,
    time_zone: str | None = None,
    quiet_start: time | None = None,
    quiet_end: time | None = None,
    digest_time: time | None = None,
    discreet: bool | None = None,
    kinds: Mapping[str, Mapping[str, object]] | None = None,
) -> Preferences:
    """Save the choices given (None leaves one as it is); the caller commits.

    ``kinds`` maps a kind's code to ``{"enabled": bool, "timing": "immediate"|"digest"}``
    (either key may be left out). Raises ``PreferenceError`` naming the field for a choice that
    cannot be saved: an unknown time zone or kind, switching off a kind that cannot be, or
    discreet mode for staff.
    """
    if time_zone is not None and time_zone and time_zone not in _zones():
        raise PreferenceError("time_zone", "Choose a time zone from the list.")
    if discreet and user.role is not Role.CLIENT:
        raise PreferenceError("discreet", "Discreet e-mails are for clients.")
    own = {k.code for k in kinds_for(_audience(user))}
    for code, choice in (kinds or {}).items():
        kind = find_kind(code)
        if kind is None or code not in own:
            raise PreferenceError(code, "This kind of notification is not one of yours.")
        if choice.get("enabled") is False and not kind.can_switch_off:
            raise PreferenceError(code, "This notification cannot be switched off.")
        if choice.get("timing") not in (None, "immediate", "digest"):
            raise PreferenceError(code, "Choose at once or in the daily digest.")

    settings = db.session.get(NotificationSettings, user.id)
    if settings is None:
        settings = NotificationSettings(
            user_id=user.id,
            quiet_start=DEFAULT_QUIET_START,
            quiet_end=DEFAULT_QUIET_END,
            digest_time=DEFAULT_DIGEST_TIME,
            discreet=False,
        )
        db.session.add(settings)
    if time_zone is not None:
        settings.time_zone = time_zone or None
        # The copy read with the login session (app.auth.services) follows the new choice.
        user.time_zone_name = settings.time_zone
    if quiet_start is not None:
        settings.quiet_start = quiet_start.replace(tzinfo=None, second=0, microsecond=0)
    if quiet_end is not None:
        settings.quiet_end = quiet_end.replace(tzinfo=None, second=0, microsecond=0)
    if digest_time is not None:
        settings.digest_time = digest_time.replace(tzinfo=None, second=0, microsecond=0)
    if discreet is not None:
        settings.discreet = bool(discreet)

    existing = {
        row.kind: row
        for row in db.session.scalars(
            sa.select(NotificationKindSetting).where(NotificationKindSetting.user_id == user.id)
        )
    }
    for code, choice in (kinds or {}).items():
        kind = find_kind(code)
        assert kind is not None  # checked above
        row = existing.get(code)
        if row is None:
            row = NotificationKindSetting(
                user_id=user.id, kind=code, enabled=True, timing=kind.default_timing
            )
            db.session.add(row)
        if choice.get("enabled") is not None:
            row.enabled = bool(choice["enabled"])
        if choice.get("timing") is not None:
            row.timing = str(choice["timing"])
    db.session.flush()
    return preferences_for(user)


_zone_names: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _zone_names
    if _zone_names is None:
        _zone_names = frozenset(available_timezones())
    return _zone_names


def time_zone_names() -> list[str]:
    """Every time zone a person may choose, sorted (for the preferences page)."""
    return sorted(_zones())
