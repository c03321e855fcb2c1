"""Counseling sessions, their notes, amendments, process notes and check-ins."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.crypto import EncryptedText
from app.extensions import Model
from app.models.base import UTCDateTime, enum_type, uid_column, utcnow
from app.models.case import Case
from app.models.user import NoteFormat, User


class Modality(enum.StrEnum):
    """How the session took place."""

    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"


class SessionKind(enum.StrEnum):
    """Both partners together, or one of them."""

    JOINT = "joint"
    INDIVIDUAL = "individual"


class CounselingSession(Model):
    """A meeting of a case."""

    __tablename__ = "counseling_sessions"
    __table_args__ = (sa.Index("ix_counseling_sessions_case_starts", "case_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    counselor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=50)
    modality: Mapped[Modality] = mapped_column(enum_type(Modality, 16), default=Modality.IN_PERSON)
    kind: Mapped[SessionKind] = mapped_column(enum_type(SessionKind, 16), default=SessionKind.JOINT)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(lazy="raise")
    attendees: Mapped[list[SessionAttendee]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )
    note: Mapped[SessionNote | None] = relationship(
        back_populates="session", lazy="raise", uselist=False, cascade="all, delete-orphan"
    )


class SessionAttendee(Model):
    """A case member who attended."""

    __tablename__ = "session_attendees"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("counseling_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)

    user: Mapped[User] = relationship(lazy="raise")


class NoteStatus(enum.StrEnum):
    """A note is a draft until signed; a signed note only takes amendments."""

    DRAFT = "draft"
    SIGNED = "signed"


class SessionNote(Model):
    """The clinical note of a session. ``sections`` is encrypted JSON keyed by section name.

    Besides the format's sections (S/O/A/P, D/A/P or B/I/R/P) it holds the client-facing
    ``focus`` and ``next_steps`` used in the client copy of the summary.
    """

    __tablename__ = "session_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("counseling_sessions.id", ondelete="CASCADE"), unique=True
    )
    format: Mapped[NoteFormat] = mapped_column(enum_type(NoteFormat, 8))
    sections_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    sections = EncryptedText("sections_ct", json_value=True)
    status: Mapped[NoteStatus] = mapped_column(enum_type(NoteStatus, 16), default=NoteStatus.DRAFT)
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    draft_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    session: Mapped[CounselingSession] = relationship(back_populates="note", lazy="raise")
    signed_by: Mapped[User | None] = relationship(lazy="raise")
    amendments: Mapped[list[NoteAmendment]] = relationship(
        order_by="NoteAmendment.created_at", lazy="raise", cascade="all, delete-orphan"
    )


class NoteAmendment(Model):
    """A dated change to a signed note; the original stays as it was."""

    __tablename__ = "note_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    note_id: Mapped[int] = mapped_column(
        sa.ForeignKey("session_notes.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    body = EncryptedText("body_ct")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="raise")


class ProcessNote(Model):
    """Private psychotherapy notes: stored apart, readable by their author only."""

    __tablename__ = "process_notes"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "author_id", name="uq_process_notes_author"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("counseling_sessions.id", ondelete="CASCADE")
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    body = EncryptedText("body_ct")
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SessionAssignmentLink(Model):
    """An assignment given as homework in a session, or reviewed in it."""

    __tablename__ = "session_assignment_links"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("counseling_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    assignment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True
    )
    relation: Mapped[str] = mapped_column(
        sa.String(16), primary_key=True
    )  # "homework" | "reviewed"


class SessionJournalPick(Model):
    """A shared journal entry discussed in a session (quoted in the clinician copy)."""

    __tablename__ = "session_journal_picks"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("counseling_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("journal_entries.id", ondelete="CASCADE"), primary_key=True
    )


class _Score:
    """One answer of a check-in, kept in the encrypted ``scores`` (``CheckIn(hope=7)`` works)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name

    def __get__(self, obj: CheckIn | None, objtype: type | None = None) -> int | None | _Score:
        if obj is None:
            return self
        return (obj.scores or {}).get(self.key)

    def __set__(self, obj: CheckIn, value: int) -> None:
        obj.scores = {**(obj.scores or {}), self.key: int(value)}


class CheckIn(Model):
    """One partner's four 0–10 answers before a session."""

    __tablename__ = "check_ins"
    __table_args__ = (sa.Index("ix_check_ins_case_created", "case_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: ``{"satisfaction": 0-10, "communication": …, "closeness": …, "hope": …}``, encrypted under
    #: the client's data key; trends are computed in Python after a case-scoped query.
    scores_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    scores = EncryptedText("scores_ct", json_value=True, owner="user_id")
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="raise")

    satisfaction = _Score()
    communication = _Score()
    closeness = _Score()
    hope = _Score()
