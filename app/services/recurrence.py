"""Recurring series as RFC 5545 rules, expanded in the series' own time zone.

The rule is expanded from the first start as a wall-clock time in the series' zone, so a
weekly 18:00 session stays at 18:00 local time on both sides of a daylight-saving change
(its UTC instant moves by an hour instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

#: No series books more than this many occurrences (a year of weekly sessions).
MAX_OCCURRENCES = 52
MAX_SPAN = timedelta(days=366)


@dataclass(frozen=True)
class Repeat:
    """How a series repeats: every ``interval_weeks`` weeks, ``count`` times or until a day."""

    interval_weeks: int
    count: int | None = None
    until: date | None = None


def build_rule(repeat: Repeat, tz: ZoneInfo) -> str:
    """The RRULE value (without ``RRULE:``); UNTIL is in UTC as RFC 5545 asks with a TZID."""
    parts = ["FREQ=WEEKLY", f"INTERVAL={repeat.interval_weeks}"]
    if repeat.count is not None:
        parts.append(f"COUNT={repeat.count}")
    elif repeat.until is not None:
        parts.append(f"UNTIL={until_utc(repeat.until, tz):%Y%m%dT%H%M%SZ}")
    return ";".join(parts)


def until_utc(day: date, tz: ZoneInfo) -> datetime:
    """The last instant of ``day`` in ``tz``, in UTC."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=tz).astimezone(UTC)


def expand(rule: str, local_start: datetime, tz: ZoneInfo) -> list[datetime]:
    """Every occurrence's start, in UTC, from the rule and the naive local first start."""
    start = local_start.replace(tzinfo=tz)
    occurrences: list[datetime] = []
    for when in rrulestr(rule, dtstart=start):
        if len(occurrences) >= MAX_OCCURRENCES or when - start > MAX_SPAN:
            break
        # dateutil keeps the wall-clock fields and the zone; re-attaching the zone picks the
        # offset in force on that day (a nonexistent 02:30 is shifted forward, never lost).
        local = when.replace(tzinfo=None).replace(tzinfo=tz)
        occurrences.append(local.astimezone(UTC))
    return occurrences


def truncated_before(rule: str, instant: datetime) -> str:
    """The rule cut to end just before ``instant`` (UTC): COUNT becomes an UNTIL."""
    parts = [p for p in rule.split(";") if not p.startswith(("COUNT=", "UNTIL="))]
    last = (instant - timedelta(seconds=1)).astimezone(UTC)
    parts.append(f"UNTIL={last:%Y%m%dT%H%M%SZ}")
    return ";".join(parts)


def describe(rule: str) -> str:
    """The rule in the counselor's words: "Every week, 10 times"."""
    fields = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    every = "Every week" if fields.get("INTERVAL", "1") == "1" else "Every two weeks"
    if "COUNT" in fields:
        return f"{every}, {fields['COUNT']} times"
    if "UNTIL" in fields:
        until = datetime.strptime(fields["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return f"{every}, until {until:%d %b %Y}"
    return every
