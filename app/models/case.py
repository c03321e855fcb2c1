"""Cases, their members and their status history."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import UTCDateTime, enum_type, utcnow
from app.models.user import Invitation, User


class CaseKind(enum.StrEnum):
    """A couple (two partners) or one individual."""

    COUPLE = "couple"
    INDIVIDUAL = "individual"


class CaseStatus(enum.StrEnum):
    """``intake → active ⇄ paused → closed``; a closed case can be reopened."""

    INTAKE = "intake"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


class MemberRole(enum.StrEnum):
    """A member's place in the case."""

    PARTNER_A = "partner_a"
    PARTNER_B = "partner_b"
    INDIVIDUAL = "individual"


class Case(Model):
    """A couple or an individual in the care of one primary counselor."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[CaseKind] = mapped_column(enum_type(CaseKind, 16))
    status: Mapped[CaseStatus] = mapped_column(
        enum_type(CaseStatus, 16), default=CaseStatus.INTAKE, index=True
    )
    counselor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    counselor: Mapped[User] = relationship(lazy="raise")
    members: Mapped[list[CaseMember]] = relationship(
        back_populates="case",
        order_by="CaseMember.role",
        lazy="raise",
        cascade="all, delete-orphan",
    )
    status_changes: Mapped[list[CaseStatusChange]] = relationship(
        order_by="CaseStatusChange.changed_at", lazy="raise", cascade="all, delete-orphan"
    )
    # Read-only: the case page loads a case's invitations with it (docs/performance.md T1);
    # invitations are made and changed through app.services.invitations.
    invitations: Mapped[list[Invitation]] = relationship(
        primaryjoin="Case.id == foreign(Invitation.case_id)",
        order_by="Invitation.id",
        viewonly=True,
        lazy="raise",
    )

    @property
    def is_closed(self) -> bool:
        """A closed case is read-only."""
        return self.status is CaseStatus.CLOSED

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.kind} {self.status}>"


class CaseMember(Model):
    """Links a client to a case as partner A, partner B or the individual."""

    __tablename__ = "case_members"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "user_id", name="uq_case_members_case_user"),
        sa.UniqueConstraint("case_id", "role", name="uq_case_members_case_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[MemberRole] = mapped_column(enum_type(MemberRole, 16))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="members", lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")


class CaseStatusChange(Model):
    """Who moved a case from one status to another, when and why."""

    __tablename__ = "case_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[CaseStatus | None] = mapped_column(enum_type(CaseStatus, 16))
    to_status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus, 16))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by: Mapped[User | None] = relationship(lazy="raise")
