"""What a booking says, and the rules it must meet before the book takes it.

``Details`` is a booking as the counselor's form gives it; ``check`` refuses one the rules do
not allow (with the form field the message belongs to) and names the people expected;
``apply`` writes it onto an appointment. ``app.services.appointments`` books, moves and
cancels with these, and re-exports ``Details`` and ``AppointmentRuleError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.models import Appointment, AppointmentAttendee, Case, CaseMember, Modality, SessionKind
from app.practice_dates import practice_zone


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
    return practice_zone().key


def current_member_ids(case_id: int) -> list[int]:
    """The case's current members."""
    return list(
        db.session.scalars(
            sa.select(CaseMember.user_id).where(
                CaseMember.case_id == case_id, CaseMember.erased_at.is_(None)
            )
        )
    )


def check(case: Case, details: Details) -> list[int]:
    """The expected people of a booking of ``case``, or ``AppointmentRuleError``."""
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


def apply(appointment: Appointment, details: Details, expected: list[int]) -> None:
    """Write what ``details`` say onto ``appointment`` (its time, place and people)."""
    appointment.starts_at = details.starts_at
    appointment.timezone = details.timezone
    appointment.duration_minutes = details.duration_minutes
    appointment.modality = details.modality
    appointment.location = (details.location or "").strip() or None
    appointment.video_url = details.video_url if details.modality is Modality.VIDEO else None
    appointment.kind = details.kind
    appointment.expected = [AppointmentAttendee(user_id=uid) for uid in expected]
