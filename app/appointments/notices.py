"""Announcing reminders and changes of appointments to each person expected at them.

Called by ``app.services.appointments`` in the transaction of the change. Every key names the
appointment, the person and the appointment's SEQUENCE, so a moved session gets fresh
reminders and the old ones no longer match (``still_relevant`` drops them at delivery).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Appointment, AppointmentStatus, utcnow
from app.policy import appointments as rules

REMINDER_OFFSETS = {
    "appointment.reminder_24h": timedelta(hours=24),
    "appointment.reminder_2h": timedelta(hours=2),
}


def _expected_ids(appointment: Appointment) -> list[int]:
    return [a.user_id for a in appointment.expected]


def _recipients(appointment: Appointment) -> list[int]:
    from app.services.appointment_details import current_member_ids

    return rules.reminder_recipients(
        appointment, _expected_ids(appointment), current_member_ids(appointment.case_id)
    )


def _announce(appointment: Appointment, kind: str, user_id: int, due_at: datetime | None) -> None:
    from app.notifications import announce

    announce(
        recipient=user_id,
        kind=kind,
        case=appointment.case_id,
        about=("appointment", appointment.id),
        key=f"{kind}:{appointment.id}:{user_id}:{appointment.sequence}",
        due_at=due_at,
    )


def _schedule_reminders(appointment: Appointment) -> None:
    now = utcnow()
    for user_id in _recipients(appointment):
        for kind, before in REMINDER_OFFSETS.items():
            due = appointment.starts_at - before
            if due > now:  # booked later than the reminder's time: the person was just told
                _announce(appointment, kind, user_id, due)


def booked(appointment: Appointment) -> None:
    """A new booking: its reminders wait in the outbox until their time."""
    _schedule_reminders(appointment)


def announce_booking(first: Appointment, *, series: bool) -> None:
    """Tell each expected person of a new booking, once: a series is one notice, about its
    first occurrence (its later ones are announced by their reminders)."""
    if first.starts_at <= utcnow():
        return  # demo data or a session written up after the fact: nothing to look forward to
    kind = "appointment.series_booked" if series else "appointment.booked"
    for user_id in _recipients(first):
        _announce(first, kind, user_id, None)


def moved(appointment: Appointment, before: datetime | None) -> None:
    """A changed booking: a notice now (if still ahead), and reminders for the new time."""
    from app.notifications import cancel_about

    cancel_about(("appointment", appointment.id), kinds=list(REMINDER_OFFSETS))
    if appointment.starts_at > utcnow():
        for user_id in _recipients(appointment):
            _announce(appointment, "appointment.moved", user_id, None)
    _schedule_reminders(appointment)


def cancelled(appointment: Appointment) -> None:
    """A cancellation: the reminders are withdrawn and each expected person is told."""
    from app.notifications import cancel_about
    from app.services.appointment_details import current_member_ids

    cancel_about(("appointment", appointment.id), kinds=list(REMINDER_OFFSETS))
    if appointment.starts_at <= utcnow():
        return
    members = current_member_ids(appointment.case_id)
    for user_id in sorted(set(_expected_ids(appointment)) & set(members)):
        _announce(appointment, "appointment.cancelled", user_id, None)


def still_relevant(notification: Any) -> bool:
    """Asked right before delivery: may this notice still reach its recipient, as it is?"""
    from app.services.appointment_details import current_member_ids

    appointment = db.session.scalar(
        sa.select(Appointment)
        .where(Appointment.id == notification.about_id)
        .options(selectinload(Appointment.expected))
    )
    if appointment is None:
        return False
    members = current_member_ids(appointment.case_id)
    expected = [a.user_id for a in appointment.expected]
    if not rules.may_receive(notification.recipient_id, appointment, expected, members):
        return False
    if notification.kind == "appointment.cancelled":
        return appointment.status is not AppointmentStatus.BOOKED
    sequence = str(notification.key).rsplit(":", 1)[-1]
    return (
        appointment.status is AppointmentStatus.BOOKED
        and sequence == str(appointment.sequence)
        and appointment.starts_at > utcnow()
    )
