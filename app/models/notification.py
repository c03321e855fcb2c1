"""The notification outbox and each person's notification preferences.

A ``Notification`` row is written in the same transaction as the event that causes it
(``app.notifications.announce``); the job queue only ever delivers such rows, so a lost queue
message, a stopped Redis or a refusing SMTP server delays a notification and never loses it.
No row holds client writing: the kind's title is fixed text, and ``about_type``/``about_id``
only point at the thing (docs/security.md, "Columns that stay plain").
"""

from __future__ import annotations

import enum
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.base import UTCDateTime, enum_type, utcnow


class NotificationState(enum.StrEnum):
    """Where a notification is on its way.

    ``pending`` waits for its time (due, after quiet hours, after a failed attempt);
    ``sending`` is claimed by a worker that is handing the e-mail to the mail server;
    ``digest`` waits for the person's daily digest; ``sent`` is done (e-mail handed over, or
    no e-mail wanted: in-app only); ``cancelled`` was no longer relevant; ``dead`` gave up
    after too many failed attempts (or was interrupted mid-send) and waits for the admin.
    """

    PENDING = "pending"
    SENDING = "sending"
    DIGEST = "digest"
    SENT = "sent"
    CANCELLED = "cancelled"
    DEAD = "dead"


class Notification(Model):
    """One notification for one person about one thing (the outbox row)."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_recipient_id_id", "recipient_id", "id"),
        sa.Index("ix_notifications_state_next", "state", "next_attempt_at"),
        sa.Index("ix_notifications_about", "about_type", "about_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The idempotency key: announcing the same key twice makes one notification.
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(64))
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    about_type: Mapped[str | None] = mapped_column(sa.String(32))
    about_id: Mapped[int | None] = mapped_column(sa.Integer)
    state: Mapped[NotificationState] = mapped_column(
        enum_type(NotificationState, 16), default=NotificationState.PENDING
    )
    #: When the event wants to be told (now, or later for a reminder).
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When a worker should look at it next (quiet hours and retries move this, not due_at).
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When it was last handed to the queue (the sweep re-queues rows nobody delivered).
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(200))
    #: The sending claim: set (with ``message_id``) in its own commit before the e-mail leaves.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[str | None] = mapped_column(sa.String(200))
    shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # in the in-app list since
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # in-app
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The digest e-mail (itself a notification row) that carried this one.
    digest_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("notifications.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} {self.state}>"


class NotificationSettings(Model):
    """A person's notification choices that hold for every kind."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: An IANA name such as "Europe/Helsinki"; empty means the practice's time zone.
    time_zone: Mapped[str | None] = mapped_column(sa.String(64))
    quiet_start: Mapped[time] = mapped_column(sa.Time, default=time(21, 0))
    quiet_end: Mapped[time] = mapped_column(sa.Time, default=time(8, 0))
    digest_time: Mapped[time] = mapped_column(sa.Time, default=time(8, 0))
    #: Clients: neutral sender, neutral subject, no practice name (a partner may read the mail).
    discreet: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class NotificationKindSetting(Model):
    """A person's choice for one kind: on or off, at once or in the daily digest."""

    __tablename__ = "notification_kind_settings"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", name="uq_notification_kind_settings_user_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(64))
    enabled: Mapped[bool] = mapped_column(default=True)
    timing: Mapped[str] = mapped_column(sa.String(16), default="immediate")  # or "digest"
