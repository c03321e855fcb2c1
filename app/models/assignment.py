"""Assignments of module versions to cases, per-partner progress, and exercise responses."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.crypto import EncryptedText
from app.extensions import Model
from app.models.base import UTCDateTime, enum_type, uid_column, utcnow
from app.models.case import Case
from app.models.module import Exercise, ModuleVersion
from app.models.user import User


class AssignmentStatus(enum.StrEnum):
    """Per-partner progress: ``assigned → in_progress → submitted → reviewed``."""

    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"


class Visibility(enum.StrEnum):
    """Who besides the author may read a journal entry or an answer."""

    PRIVATE = "private"
    COUNSELOR = "counselor"
    COUNSELOR_AND_PARTNER = "counselor_and_partner"

    # What each level means is decided in app.policy alone; these only ask it.

    @property
    def reaches_counselor(self) -> bool:
        """The case counselor may read sent writing at this level."""
        from app import policy

        return policy.reaches_counselor(self)

    @property
    def reaches_partner(self) -> bool:
        """The partner may read sent writing at this level."""
        from app import policy

        return policy.reaches_partner(self)

    @property
    def is_shared(self) -> bool:
        """Someone besides the author may read writing at this level."""
        from app import policy

        return policy.is_shared(self)

    def widens(self, old: Visibility) -> bool:
        """Moving from ``old`` to this level lets someone read who could not before."""
        from app import policy

        return policy.widens(self, old)

    def narrows(self, old: Visibility) -> bool:
        """Moving from ``old`` to this level takes the writing away from someone."""
        from app import policy

        return policy.narrows(self, old)


class ResponseStatus(enum.StrEnum):
    """An answer is a draft until its author submits it."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class Assignment(Model):
    """A module version given to a case, for both partners or one."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    module_version_id: Mapped[int] = mapped_column(sa.ForeignKey("module_versions.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    note_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    note = EncryptedText("note_ct")  # the counselor's note to the clients, under the keyring
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    request_key: Mapped[str | None] = mapped_column(
        sa.String(64), unique=True
    )  # double-submit guard

    case: Mapped[Case] = relationship(lazy="raise")
    module_version: Mapped[ModuleVersion] = relationship(lazy="raise")
    recipients: Mapped[list[AssignmentRecipient]] = relationship(
        back_populates="assignment", lazy="raise", cascade="all, delete-orphan"
    )


class AssignmentRecipient(Model):
    """One partner's copy of an assignment, with that partner's progress and feedback."""

    __tablename__ = "assignment_recipients"
    __table_args__ = (
        sa.UniqueConstraint("assignment_id", "user_id", name="uq_assignment_recipients_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_type(AssignmentStatus, 16), default=AssignmentStatus.ASSIGNED
    )
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feedback_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    feedback = EncryptedText("feedback_ct")

    assignment: Mapped[Assignment] = relationship(back_populates="recipients", lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")
    responses: Mapped[list[Response]] = relationship(
        back_populates="recipient", lazy="raise", cascade="all, delete-orphan"
    )


class Response(Model):
    """One partner's answer to one exercise. ``answer`` is encrypted JSON."""

    __tablename__ = "responses"
    __table_args__ = (
        sa.UniqueConstraint("recipient_id", "exercise_id", name="uq_responses_recipient_exercise"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    recipient_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assignment_recipients.id", ondelete="CASCADE")
    )
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercises.id"), index=True)
    answer_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    answer = EncryptedText("answer_ct", json_value=True, owner=lambda r, c: _answer_author(r, c))
    status: Mapped[ResponseStatus] = mapped_column(
        enum_type(ResponseStatus, 16), default=ResponseStatus.DRAFT
    )
    visibility: Mapped[Visibility] = mapped_column(
        enum_type(Visibility, 32), default=Visibility.COUNSELOR
    )
    draft_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # autosave ordering
    version: Mapped[int] = mapped_column(default=1)  # optimistic locking
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[AssignmentRecipient] = relationship(back_populates="responses", lazy="raise")
    exercise: Mapped[Exercise] = relationship(lazy="raise")


def _answer_author(response: Response, conn: sa.Connection) -> int | None:
    """An answer is its recipient's writing: encrypted under that client's data key."""
    recipients = AssignmentRecipient.__table__
    return conn.scalar(
        sa.select(recipients.c.user_id).where(recipients.c.id == response.recipient_id)
    )
