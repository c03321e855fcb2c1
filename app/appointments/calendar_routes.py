"""The counselor's calendar: a week view and a day view, rendered on the server.

Both are plain tables (a caption, one row group per day, headers a screen reader announces),
readable on a tablet without any script. Each page costs the same few statements whatever the
caseload (``appointment_reads.in_range``). Today's agenda on the caseload uses the same read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import render_template, request
from flask_login import current_user

from app.appointments import bp
from app.appointments.forms import STATUS_LABELS
from app.appointments.people import zone_of
from app.authz import roles_required
from app.models import Appointment, AppointmentStatus, Role, User
from app.services import appointment_reads
from app.sessions.forms import MODALITY_LABELS


@dataclass(frozen=True)
class Entry:
    """One appointment as the calendar shows it."""

    appointment: Appointment
    start: datetime  # in the counselor's zone
    end: datetime
    who: str

    @property
    def cancelled(self) -> bool:
        """Cancelled sessions stay listed, struck through, so the gap is explained."""
        return self.appointment.status in (
            AppointmentStatus.CANCELLED,
            AppointmentStatus.LATE_CANCELLED,
        )


def _day_from(arg: str | None, today: date) -> date:
    try:
        return date.fromisoformat(arg) if arg else today
    except ValueError:
        return today


def _entries(viewer: User, first: date, days: int) -> dict[date, list[Entry]]:
    tz = zone_of(viewer)
    start = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(first + timedelta(days=days), time(0), tzinfo=tz).astimezone(UTC)
    by_day: dict[date, list[Entry]] = {first + timedelta(days=n): [] for n in range(days)}
    rows = appointment_reads.in_range(viewer, start, end)
    names = appointment_reads.expected_names([a.id for a in rows])
    for appointment in rows:
        local = appointment.starts_at.astimezone(tz)
        by_day.setdefault(local.date(), []).append(
            Entry(
                appointment=appointment,
                start=local,
                end=local + timedelta(minutes=appointment.duration_minutes),
                who=" & ".join(names.get(appointment.id, [])) or appointment.case.label,
            )
        )
    return by_day


def _common() -> dict[str, Any]:
    return {"status_labels": STATUS_LABELS, "modality_labels": MODALITY_LABELS}


@bp.route("/calendar")
@roles_required(Role.COUNSELOR)
def week():
    """The week (Monday to Sunday) that holds ``?week=YYYY-MM-DD``, this week by default."""
    today = datetime.now(zone_of(current_user)).date()
    chosen = _day_from(request.args.get("week"), today)
    monday = chosen - timedelta(days=chosen.weekday())
    return render_template(
        "appointments/week.html",
        days=_entries(current_user, monday, 7),
        monday=monday,
        today=today,
        previous=monday - timedelta(days=7),
        following=monday + timedelta(days=7),
        **_common(),
    )


@bp.route("/calendar/day")
@roles_required(Role.COUNSELOR)
def day():
    """One day's sessions, ``?date=YYYY-MM-DD``, today by default."""
    today = datetime.now(zone_of(current_user)).date()
    chosen = _day_from(request.args.get("date"), today)
    return render_template(
        "appointments/day.html",
        entries=_entries(current_user, chosen, 1)[chosen],
        chosen=chosen,
        today=today,
        previous=chosen - timedelta(days=1),
        following=chosen + timedelta(days=1),
        **_common(),
    )


def todays_agenda() -> dict[str, Any] | None:
    """Today's sessions for the top of the caseload (a template global; counselors only)."""
    if not current_user.is_authenticated or current_user.role is not Role.COUNSELOR:
        return None
    today = datetime.now(zone_of(current_user)).date()
    return {"entries": _entries(current_user, today, 1)[today], "today": today, **_common()}


@bp.record_once
def _register_globals(state: Any) -> None:
    state.app.jinja_env.globals["appointments_agenda"] = todays_agenda
