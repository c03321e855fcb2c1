"""Validated measures: what the counselor schedules, each partner's answers, safety flags."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.crypto import EncryptedText
from app.extensions import Model
from app.models.assignment import ResponseStatus
from app.models.base import UTCDateTime, enum_type, utcnow


class MeasureCadence(enum.StrEnum):
    """When a scheduled measure falls due."""

    ONCE = "once"
    WEEKLY = "weekly"
    INTAKE_AND_END = "intake_and_end"
    BEFORE_APPOINTMENT = "before_appointment"


class MeasureSchedule(Model):
    """A measure the counselor gave to a case (every partner) or to one partner."""

    __tablename__ = "measure_schedules"
    __table_args__ = (sa.Index("ix_measure_schedules_case", "case_id", "stopped_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    # None: every client member of the case answers it.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    instrument: Mapped[str] = mapped_column(sa.String(16))
    cadence: Mapped[MeasureCadence] = mapped_column(enum_type(MeasureCadence, 24))
    share_results: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    end_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)


class MeasureResponse(Model):
    """One partner's answers to one occurrence of a measure; answers and score encrypted."""

    __tablename__ = "measure_responses"
    __table_args__ = (
        # One answer sheet per person and occurrence, however often the form is opened.
        sa.UniqueConstraint("schedule_id", "user_id", "occurrence"),
        sa.Index("ix_measure_responses_case_status", "case_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    schedule_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("measure_schedules.id", ondelete="SET NULL")
    )
    instrument: Mapped[str] = mapped_column(sa.String(16))
    instrument_version: Mapped[int] = mapped_column(default=1)
    occurrence: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[ResponseStatus] = mapped_column(
        enum_type(ResponseStatus, 16), default=ResponseStatus.DRAFT
    )
    answers_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    answers = EncryptedText("answers_ct", json_value=True, owner="user_id")
    score_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    score = EncryptedText("score_ct", json_value=True, owner="user_id")
    shared_with_client: Mapped[bool] = mapped_column(default=False)
    entered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    draft_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SafetyFlag(Model):
    """An answer above 0 on PHQ-9 item 9: open until the counselor records what they did."""

    __tablename__ = "measure_safety_flags"
    __table_args__ = (sa.Index("ix_measure_safety_flags_case_open", "case_id", "acknowledged_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("measure_responses.id", ondelete="CASCADE"), unique=True
    )
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # What the counselor did: the practice's clinical record (keyring, not the client's key).
    action_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    action = EncryptedText("action_ct")


class SessionMeasureInclusion(Model):
    """The counselor chose to show the measures in this session's client summary."""

    __tablename__ = "session_measure_inclusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("counseling_sessions.id", ondelete="CASCADE"), unique=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _recent_relationship_scores() -> None:
    """``CaseMember.recent_relationship_scores``: a member's two latest submitted CSI sheets.

    Loaded with the caseload's members (one statement for the whole page, docs/performance.md
    T1) and read only through ``app.measures.results``, which asks the policy; the caseload
    lists the counselor's own cases only.
    """
    from sqlalchemy.orm import aliased, relationship

    from app.models.case import CaseMember

    rank = (
        sa.func.row_number()
        .over(
            partition_by=(MeasureResponse.case_id, MeasureResponse.user_id),
            order_by=(MeasureResponse.submitted_at.desc(), MeasureResponse.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        sa.select(MeasureResponse, rank)
        .where(
            MeasureResponse.status == ResponseStatus.SUBMITTED,
            MeasureResponse.instrument.in_(RELATIONSHIP_MEASURES),
        )
        .subquery("recent_csi")
    )
    recent = aliased(MeasureResponse, ranked)
    setattr(  # noqa: B010 - declarative adds the relationship to the mapped class
        CaseMember,
        "recent_relationship_scores",
        relationship(
            recent,
            primaryjoin=sa.and_(
                sa.orm.foreign(ranked.c.case_id) == CaseMember.case_id,
                sa.orm.foreign(ranked.c.user_id) == CaseMember.user_id,
                ranked.c.rank <= 2,
            ),
            order_by=(ranked.c.submitted_at, ranked.c.id),
            viewonly=True,
            lazy="raise",
        ),
    )


#: The relationship measures (the instrument files with ``audience = "partner"``).
RELATIONSHIP_MEASURES = ("CSI-4", "CSI-16")
_recent_relationship_scores()


def member_recent_scores() -> Any:
    """``CaseMember.recent_relationship_scores`` for loader options (typed code cannot name it)."""
    from app.models.case import CaseMember

    return sa.inspect(CaseMember).relationships["recent_relationship_scores"].class_attribute
