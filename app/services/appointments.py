"""The appointment book: booking, moving, cancelling and marking appointments.

Functions check the rules, write the history and flush; the view commits. Every change raises
the appointment's SEQUENCE (calendars replace their copy) and tells the expected people
through ``app.appointments.notices`` (in the same transaction). What a booking says and the
rules it must meet are in ``app.services.appointment_details`` (re-exported here).
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Appointment,
    AppointmentAttendee,
    AppointmentChange,
    AppointmentSeries,
    AppointmentStatus,
    Case,
    CounselingSession,
    User,
    utcnow,
)
from app.services import recurrence
from app.services.appointment_details import (
    AppointmentRuleError,
    Details,
    apply,
    check,
    current_member_ids,
    practice_timezone,
)
from app.services.recurrence import Repeat

__all__ = [
    "OUTCOMES",
    "AppointmentRuleError",
    "Details",
    "book",
    "cancel",
    "following",
    "load",
    "mark",
    "overlaps",
    "practice_timezone",
    "record_session",
    "reschedule",
]

#: Marks that say how a past appointment went.
OUTCOMES = (AppointmentStatus.ATTENDED, AppointmentStatus.LATE_CANCELLED, AppointmentStatus.NO_SHOW)


def new_uid() -> str:
    """A stable, meaningless calendar UID (no ids, no names)."""
    return f"{secrets.token_hex(16)}@rekindle"


def _history(
    appointment: Appointment,
    by: User | None,
    action: str,
    *,
    before: datetime | None = None,
    reason: str | None = None,
) -> None:
    appointment.changes.append(
        AppointmentChange(
            changed_by_id=by.id if by else None,
            action=action,
            from_starts_at=before,
            to_starts_at=appointment.starts_at,
            reason=reason,
        )
    )


def book(
    case: Case,
    counselor: User,
    details: Details,
    *,
    repeat: Repeat | None = None,
    request_key: str | None = None,
    allow_past: bool = False,
) -> list[Appointment]:
    """Book one appointment, or every occurrence of a series; once per ``request_key``.

    ``allow_past`` is for demo data only (a series that started weeks ago).
    """
    from app.appointments import notices

    if request_key:
        first = _booked_with(request_key)
        if first is not None:
            return [first]
    expected = check(case, details)
    if not allow_past and details.starts_at < utcnow() - timedelta(days=1):
        raise AppointmentRuleError("Book a time from today on.", "date")
    starts = [details.starts_at]
    try:
        # Inside a savepoint: when two identical submissions race, the unique request key lets
        # one win, and the loser rolls back only its own rows and reads the winner's booking.
        with db.session.begin_nested():
            series = None
            tz = ZoneInfo(details.timezone)
            if repeat is not None:
                rule = recurrence.build_rule(repeat, tz)
                starts = recurrence.expand(rule, details.local_start, tz)
                if len(starts) < 2:
                    raise AppointmentRuleError("This repeats fewer than two times.", "until")
                series = AppointmentSeries(
                    uid=new_uid(),
                    case_id=case.id,
                    counselor_id=counselor.id,
                    rrule=rule,
                    local_start=details.local_start,
                    timezone=details.timezone,
                )
                db.session.add(series)
                db.session.flush()
            booked = []
            for n, start in enumerate(starts):
                local = start.astimezone(tz).replace(tzinfo=None)
                appointment = Appointment(
                    uid=new_uid(),
                    case_id=case.id,
                    counselor_id=counselor.id,
                    series_id=series.id if series else None,
                    original_start=start if series else None,
                    request_key=request_key if n == 0 else None,
                )
                apply(appointment, replace(details, local_start=local), expected)
                _history(appointment, counselor, "booked")
                db.session.add(appointment)
                booked.append(appointment)
            db.session.flush()
    except IntegrityError:
        winner = _booked_with(request_key) if request_key else None
        if winner is None:
            raise
        return [winner]
    for appointment in booked:
        notices.booked(appointment)
    notices.announce_booking(booked[0], series=series is not None)
    return booked


def _booked_with(request_key: str) -> Appointment | None:
    """The first appointment booked by the submission with this key, if any."""
    return db.session.scalar(sa.select(Appointment).where(Appointment.request_key == request_key))


def overlaps(
    counselor: User, starts_at: datetime, minutes: int, *, exclude: list[int] | None = None
) -> list[Appointment]:
    """The counselor's booked appointments that overlap ``[starts_at, +minutes)``."""
    ends_at = starts_at + timedelta(minutes=minutes)
    # Appointments last at most 600 minutes, so only those starting in that window can overlap.
    rows = db.session.scalars(
        sa.select(Appointment)
        .where(
            Appointment.counselor_id == counselor.id,
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at < ends_at,
            Appointment.starts_at > starts_at - timedelta(minutes=600),
            Appointment.id.not_in(exclude or []),
        )
        .options(selectinload(Appointment.case))
        .order_by(Appointment.starts_at)
    ).all()
    return [a for a in rows if a.starts_at + timedelta(minutes=a.duration_minutes) > starts_at]


def following(appointment: Appointment) -> list[Appointment]:
    """This occurrence and every later booked one of its series (or just this one)."""
    if appointment.series_id is None:
        return [appointment]
    return list(
        db.session.scalars(
            sa.select(Appointment)
            .where(
                Appointment.series_id == appointment.series_id,
                Appointment.starts_at >= appointment.starts_at,
                Appointment.status == AppointmentStatus.BOOKED,
            )
            .options(selectinload(Appointment.expected), selectinload(Appointment.changes))
            .order_by(Appointment.starts_at)
        )
    )


def reschedule(
    appointment: Appointment,
    by: User,
    details: Details,
    *,
    reason: str | None = None,
    all_following: bool = False,
) -> list[Appointment]:
    """Move or change one appointment, or this and every following one of its series.

    Changing the following ones splits the series: the old rule ends before this occurrence
    and a new series (new rule, new UID) starts here, carrying the moved appointments along.
    """
    from app.appointments import notices

    if appointment.status is not AppointmentStatus.BOOKED:
        raise AppointmentRuleError("Only a booked session can be moved.", "date")
    case = db.session.get_one(Case, appointment.case_id)
    expected = check(case, details)
    if not all_following or appointment.series_id is None:
        before = appointment.starts_at
        apply(appointment, details, expected)
        appointment.sequence += 1
        _history(appointment, by, "moved", before=before, reason=reason)
        db.session.flush()
        notices.moved(appointment, before)
        return [appointment]

    old = db.session.get_one(AppointmentSeries, appointment.series_id)
    moved = following(appointment)
    remaining = len(moved)
    old.rrule = recurrence.truncated_before(old.rrule, appointment.original_start or utcnow())
    old.sequence += 1
    rule = ";".join(p for p in old.rrule.split(";") if not p.startswith(("UNTIL=", "COUNT=")))
    rule += f";COUNT={remaining}"
    tz = ZoneInfo(details.timezone)
    series = AppointmentSeries(
        uid=new_uid(),
        case_id=case.id,
        counselor_id=old.counselor_id,
        rrule=rule,
        local_start=details.local_start,
        timezone=details.timezone,
    )
    db.session.add(series)
    db.session.flush()
    starts = recurrence.expand(rule, details.local_start, tz)
    for item, start in zip(moved, starts, strict=False):
        before = item.starts_at
        local = start.astimezone(tz).replace(tzinfo=None)
        apply(item, replace(details, local_start=local), expected)
        item.series_id = series.id
        item.original_start = start
        item.sequence += 1
        _history(item, by, "moved", before=before, reason=reason)
    db.session.flush()
    for item in moved:
        notices.moved(item, None)
    return moved


def cancel(
    appointment: Appointment,
    by: User,
    *,
    reason: str,
    late: bool = False,
    all_following: bool = False,
) -> list[Appointment]:
    """Cancel one appointment (or it and the following ones), keeping the reason."""
    from app.appointments import notices

    if appointment.status is not AppointmentStatus.BOOKED:
        raise AppointmentRuleError("This session is not booked any more.", "reason")
    items = following(appointment) if all_following else [appointment]
    for item in items:
        item.status = AppointmentStatus.LATE_CANCELLED if late else AppointmentStatus.CANCELLED
        item.cancel_reason = reason.strip() or None
        item.sequence += 1
        _history(item, by, "cancelled", reason=item.cancel_reason)
    db.session.flush()
    for item in items:
        notices.cancelled(item)
    return items


def mark(appointment: Appointment, by: User, status: AppointmentStatus) -> None:
    """Record how a session went: attended, late-cancelled or no-show."""
    if status not in OUTCOMES:
        raise AppointmentRuleError("Choose attended, late-cancelled or no-show.", "status")
    if appointment.starts_at > utcnow() + timedelta(minutes=15):
        raise AppointmentRuleError("A session can be marked once it has started.", "status")
    appointment.status = status
    appointment.sequence += 1
    _history(appointment, by, status.value)
    db.session.flush()


def load(case_id: int, appointment_id: int) -> Appointment | None:
    """One appointment of a case with its people, history and series."""
    return db.session.scalar(
        sa.select(Appointment)
        .where(Appointment.id == appointment_id, Appointment.case_id == case_id)
        .options(
            selectinload(Appointment.expected).selectinload(AppointmentAttendee.user),
            selectinload(Appointment.changes),
            selectinload(Appointment.series),
        )
    )


def record_session(appointment: Appointment, case: Case, counselor: User) -> CounselingSession:
    """The session record of this appointment: made once, from its time, length and people.

    The appointment is marked attended (once it has started) and keeps a link to the record.
    """
    from app.services import sessions as session_service

    if appointment.session_id is not None:
        return db.session.get_one(CounselingSession, appointment.session_id)
    if appointment.status in (AppointmentStatus.CANCELLED, AppointmentStatus.LATE_CANCELLED):
        raise AppointmentRuleError("A cancelled session cannot be recorded.", "status")
    members = set(current_member_ids(case.id))
    session, _created = session_service.create_session(
        case,
        counselor,
        starts_at=appointment.starts_at,
        duration_minutes=appointment.duration_minutes,
        modality=appointment.modality,
        kind=appointment.kind,
        attendee_ids=[a.user_id for a in appointment.expected if a.user_id in members],
        request_key=f"appointment-{appointment.id}",
    )
    appointment.session_id = session.id
    if appointment.starts_at <= utcnow() + timedelta(minutes=15):
        appointment.status = AppointmentStatus.ATTENDED
    appointment.sequence += 1
    _history(appointment, counselor, "recorded")
    db.session.flush()
    return session
