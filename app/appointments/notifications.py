"""The appointment book's kinds of notification: reminders and notices of changes.

Titles are fixed words (no names, no clinical content). Each kind asks the policy again right
before delivery: a reminder of a session that was moved, cancelled, or is no longer one the
person is expected at is dropped (``notices.still_relevant``).
"""

from __future__ import annotations

from flask import url_for

from app.appointments.notices import still_relevant
from app.notifications import NotificationKind, register_kind

REMINDER_24H = "appointment.reminder_24h"
REMINDER_2H = "appointment.reminder_2h"
MOVED = "appointment.moved"
CANCELLED = "appointment.cancelled"
BOOKED = "appointment.booked"
SERIES_BOOKED = "appointment.series_booked"
REMINDERS = (REMINDER_24H, REMINDER_2H)


def _home(_notification: object) -> str:
    return url_for("client.home", _anchor="appointments")


register_kind(
    NotificationKind(
        code=REMINDER_24H,
        audience="client",
        title="Reminder: you have a session tomorrow",
        label="A reminder a day before each session",
        link=_home,
        still_relevant=still_relevant,
    )
)
register_kind(
    NotificationKind(
        code=REMINDER_2H,
        audience="client",
        title="Reminder: your session starts in two hours",
        label="A reminder two hours before each session",
        link=_home,
        still_relevant=still_relevant,
        # The one reminder that matters even at night or early in the morning.
        bypass_quiet_hours=True,
    )
)
register_kind(
    NotificationKind(
        code=MOVED,
        audience="client",
        title="One of your sessions has a new time",
        label="A session is moved",
        link=_home,
        still_relevant=still_relevant,
    )
)
register_kind(
    NotificationKind(
        code=CANCELLED,
        audience="client",
        title="One of your sessions was cancelled",
        label="A session is cancelled",
        link=_home,
        still_relevant=still_relevant,
        can_switch_off=False,
    )
)
register_kind(
    NotificationKind(
        code=BOOKED,
        audience="client",
        title="A session was booked for you",
        label="A session is booked",
        link=_home,
        still_relevant=still_relevant,
    )
)
register_kind(
    NotificationKind(
        code=SERIES_BOOKED,
        audience="client",
        title="A series of sessions was booked for you",
        label="A series of sessions is booked",
        link=_home,
        still_relevant=still_relevant,
    )
)
