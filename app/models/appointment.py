"""The appointment book: booked sessions, recurring series, their history and calendar feeds.

An appointment is a *future* meeting of a case (a recorded session is ``CounselingSession``).
A recurring series keeps its RFC 5545 rule and its first start in local time, so every
occurrence keeps its wall-clock time across daylight-saving changes; each occurrence is also a
row here (``original_start`` is its RECURRENCE-ID), so a single occurrence can be moved or
cancelled and every list reads plain rows.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import UTCDateTime, enum_type, utcnow
from app.models.case import Case
from app.models.session import Modality, SessionKind
from app.models.user import User


class AppointmentStatus(enum.StrEnum):
    """Booked until it happens; then attended, or one of the ways it did not."""

    BOOKED = "booked"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    LATE_CANCELLED = "late_cancelled"
    NO_SHOW = "no_show"


class AppointmentSeries(Model):
    """A recurring booking: the rule and the local start its occurrences follow."""

    __tablename__ = "appointment_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    counselor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    rrule: Mapped[str] = mapped_column(sa.String(200))
    #: The first occurrence's wall-clock start in ``timezone`` (naive, as DTSTART;TZID=...).
    local_start: Mapped[datetime] = mapped_column(sa.DateTime(timezone=False))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Appointment(Model):
    """One booked meeting of a case (on its own or an occurrence of a series)."""

    __tablename__ = "appointments"
    __table_args__ = (
        sa.Index("ix_appointments_counselor_starts", "counselor_id", "starts_at"),
        sa.Index("ix_appointments_case_starts", "case_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    counselor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    series_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("appointment_series.id", ondelete="SET NULL"), index=True
    )
    #: For an occurrence of a series: the start its rule gave it (its RECURRENCE-ID).
    original_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    duration_minutes: Mapped[int] = mapped_column(default=50)
    modality: Mapped[Modality] = mapped_column(enum_type(Modality, 16), default=Modality.IN_PERSON)
    location: Mapped[str | None] = mapped_column(sa.String(200))
    video_url: Mapped[str | None] = mapped_column(sa.String(500))
    kind: Mapped[SessionKind] = mapped_column(enum_type(SessionKind, 16), default=SessionKind.JOINT)
    status: Mapped[AppointmentStatus] = mapped_column(
        enum_type(AppointmentStatus, 16), default=AppointmentStatus.BOOKED
    )
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(300))
    #: Raised on every change, so calendars replace their copy (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("counseling_sessions.id", ondelete="SET NULL"), unique=True
    )
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship(lazy="raise")
    series: Mapped[AppointmentSeries | None] = relationship(lazy="raise")
    expected: Mapped[list[AppointmentAttendee]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )
    changes: Mapped[list[AppointmentChange]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="AppointmentChange.id"
    )


class AppointmentAttendee(Model):
    """A case member expected at an appointment."""

    __tablename__ = "appointment_attendees"

    appointment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    user: Mapped[User] = relationship(lazy="raise")


class AppointmentChange(Model):
    """One entry of an appointment's history: booked, moved, cancelled, marked."""

    __tablename__ = "appointment_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(sa.String(32))
    from_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    to_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(sa.String(300))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarFeed(Model):
    """A person's private calendar feed: only the hash of its secret token is kept."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
