"""The appointment book: booking, moving, cancelling and marking appointments.

Functions check the rules, write the history and flush; the view commits. Every change raises
the appointment's SEQUENCE (calendars replace their copy) and tells the expected people
through ``app.appointments.notices`` (in the same transaction).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
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
    CaseMember,
    CounselingSession,
    Modality,
    SessionKind,
    User,
    utcnow,
)
from app.services import recurrence
from app.services.recurrence import Repeat

#: Marks that say how a past appointment went.
OUTCOMES = (AppointmentStatus.ATTENDED, AppointmentStatus.LATE_CANCELLED, AppointmentStatus.NO_SHOW)


class AppointmentRuleError(ValueError):
    """A booking the rules refuse; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str = "date") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Details:
    """What a booking says: when (wall clock in ``timezone``), how long, how, and who."""

    local_start: datetime  # naive, in ``timezone``
    timezone: str
    duration_minutes: int
    modality: Modality
    location: str | None
    video_url: str | None
    kind: SessionKind
    expected_ids: list[int]

    @property
    def starts_at(self) -> datetime:
        """The start in UTC."""
        return self.local_start.replace(tzinfo=ZoneInfo(self.timezone)).astimezone(UTC)


def practice_timezone() -> str:
    """The practice's time zone name (``REKINDLE_TIMEZONE``)."""
    return str(current_app.config.get("REKINDLE_TIMEZONE", "UTC"))


def new_uid() -> str:
    """A stable, meaningless calendar UID (no ids, no names)."""
    return f"{secrets.token_hex(16)}@rekindle"


def current_member_ids(case_id: int) -> list[int]:
    """The case's current members."""
    return list(
        db.session.scalars(
            sa.select(CaseMember.user_id).where(
                CaseMember.case_id == case_id, CaseMember.erased_at.is_(None)
            )
        )
    )


def _check(case: Case, details: Details) -> list[int]:
    members = current_member_ids(case.id)
    expected = sorted(set(details.expected_ids))
    if details.kind is SessionKind.JOINT:
        expected = sorted(members)
    if not expected:
        raise AppointmentRuleError("Choose who is expected at this session.", "expected")
    if not set(expected) <= set(members):
        raise AppointmentRuleError("Only members of this case can be expected.", "expected")
    if details.kind is SessionKind.INDIVIDUAL and len(expected) != 1:
        raise AppointmentRuleError(
            "An individual session is with one person: choose one.", "expected"
        )
    if details.modality is Modality.VIDEO and not (details.video_url or "").startswith("https://"):
        raise AppointmentRuleError("A video session needs its https:// link.", "video_url")
    if details.modality is Modality.IN_PERSON and not (details.location or "").strip():
        raise AppointmentRuleError("Say where the session takes place.", "location")
    return expected


def _apply(appointment: Appointment, details: Details, expected: list[int]) -> None:
    appointment.starts_at = details.starts_at
    appointment.timezone = details.timezone
    appointment.duration_minutes = details.duration_minutes
    appointment.modality = details.modality
    appointment.location = (details.location or "").strip() or None
    appointment.video_url = details.video_url if details.modality is Modality.VIDEO else None
    appointment.kind = details.kind
    appointment.expected = [AppointmentAttendee(user_id=uid) for uid in expected]


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
    expected = _check(case, details)
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
                _apply(appointment, _at(details, local), expected)
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


def _at(details: Details, local_start: datetime) -> Details:
    return Details(
        local_start=local_start,
        timezone=details.timezone,
        duration_minutes=details.duration_minutes,
        modality=details.modality,
        location=details.location,
        video_url=details.video_url,
        kind=details.kind,
        expected_ids=details.expected_ids,
    )


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
    expected = _check(case, details)
    if not all_following or appointment.series_id is None:
        before = appointment.starts_at
        _apply(appointment, details, expected)
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
        _apply(item, _at(details, local), expected)
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
