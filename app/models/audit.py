"""The append-only audit trail."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.base import UTCDateTime, utcnow


class AuditEvent(Model):
    """Who did what to which record, when, from where, with what outcome.

    ``chain_hash`` is a keyed hash over this event and the previous event's hash, so a
    changed or deleted row is found by ``flask audit verify``.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_actor_at", "actor_id", "at"),
        sa.Index("ix_audit_events_case_at", "case_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.Integer)  # no FK: events outlive users
    actor_role: Mapped[str | None] = mapped_column(sa.String(16))
    action: Mapped[str] = mapped_column(sa.String(64))
    object_type: Mapped[str | None] = mapped_column(sa.String(48))
    object_id: Mapped[int | None] = mapped_column(sa.Integer)
    case_id: Mapped[int | None] = mapped_column(sa.Integer)
    address: Mapped[str | None] = mapped_column(sa.String(64))
    outcome: Mapped[str] = mapped_column(sa.String(16))  # "ok" | "denied" | "failed"
    detail: Mapped[str | None] = mapped_column(sa.String(300))  # never client content
    chain_hash: Mapped[str] = mapped_column(sa.String(64))
