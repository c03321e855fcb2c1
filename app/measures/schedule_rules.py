"""Which occurrence of a schedule is due now (pure rules, no queries)."""

from __future__ import annotations

from datetime import datetime

from app.models import MeasureCadence, MeasureSchedule


def week_key(moment: datetime) -> str:
    """The ISO week of a moment, e.g. ``2026-W49``."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def current_occurrence(schedule: MeasureSchedule, now: datetime) -> str | None:
    """The occurrence due now, or None (stopped, or nothing due before the next appointment)."""
    if schedule.stopped_at is not None:
        return None
    if schedule.cadence is MeasureCadence.ONCE:
        return "once"
    if schedule.cadence is MeasureCadence.WEEKLY:
        return week_key(now)
    if schedule.cadence is MeasureCadence.INTAKE_AND_END:
        return "end" if schedule.end_requested_at is not None else "intake"
    # Before each appointment needs the appointment book (the appointments feature); until
    # that is merged, such a schedule cannot be created (see CADENCES_OFFERED).
    return None


#: The cadences the counselor can choose today.
CADENCES_OFFERED = {
    MeasureCadence.ONCE: "Once",
    MeasureCadence.WEEKLY: "Every week",
    MeasureCadence.INTAKE_AND_END: "At intake and at the end",
}
