"""Which occurrence of a schedule is due now (pure rules: the caller supplies the appointment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.models import MeasureCadence, MeasureSchedule

#: A measure "before each appointment" opens this long before the appointment starts.
BEFORE_APPOINTMENT_WINDOW = timedelta(days=3)


@dataclass(frozen=True)
class NextAppointment:
    """The case's next booked appointment (id and start)."""

    id: int
    starts_at: datetime


def week_key(moment: datetime) -> str:
    """The ISO week of a moment, e.g. ``2026-W49``."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def current_occurrence(
    schedule: MeasureSchedule, now: datetime, next_appointment: NextAppointment | None = None
) -> str | None:
    """The occurrence due now, or None (stopped, or no appointment within the window)."""
    if schedule.stopped_at is not None:
        return None
    if schedule.cadence is MeasureCadence.ONCE:
        return "once"
    if schedule.cadence is MeasureCadence.WEEKLY:
        return week_key(now)
    if schedule.cadence is MeasureCadence.INTAKE_AND_END:
        return "end" if schedule.end_requested_at is not None else "intake"
    if next_appointment is None:
        return None
    if next_appointment.starts_at - BEFORE_APPOINTMENT_WINDOW <= now < next_appointment.starts_at:
        return f"appt:{next_appointment.id}"
    return None


#: The cadences the counselor can choose.
CADENCES_OFFERED = {
    MeasureCadence.BEFORE_APPOINTMENT: "Before each appointment",
    MeasureCadence.WEEKLY: "Every week",
    MeasureCadence.ONCE: "Once",
    MeasureCadence.INTAKE_AND_END: "At intake and at the end",
}
