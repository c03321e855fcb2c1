"""What the case page reads of measures, as parts of its shared read (docs/performance.md T1):
open safety flags, and the running schedules with each person's latest sheet, from which
``due_count`` tells how many measures still wait for an answer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.measures import schedule_rules
from app.measures.schedule_rules import NextAppointment
from app.models import Case, MeasureSchedule, User
from app.models.measure import MeasureResponse, SafetyFlag
from app.policy import measures as rules
from app.services.combined_read import Part

#: The latest sheets, a second look at the answer sheets beside the latest CSI.
_LatestSheet = aliased(MeasureResponse, name="latest_sheets")


def open_flags_part(viewer: User, case: Case) -> Part:
    """Flags of the case still waiting for the counselor's note (none for anyone else)."""
    mine = rules.may_see_flags(viewer, case)
    return Part(
        (SafetyFlag,),
        sa.and_(
            sa.true() if mine else sa.false(),
            SafetyFlag.case_id == case.id,
            SafetyFlag.acknowledged_at.is_(None),
        ),
        order_by=(SafetyFlag.raised_at, SafetyFlag.id),
    )


def schedules_part(viewer: User, case: Case) -> Part:
    """The case's running schedules, for its counselor only."""
    mine = rules.is_case_counselor(viewer, case)
    return Part(
        (MeasureSchedule,),
        sa.and_(
            sa.true() if mine else sa.false(),
            MeasureSchedule.case_id == case.id,
            MeasureSchedule.stopped_at.is_(None),
        ),
        order_by=(MeasureSchedule.id,),
    )


def latest_sheets_part(viewer: User, case: Case) -> Part:
    """Each person's latest submitted sheet of each schedule of the case (a window)."""
    ranked = (
        sa.select(
            MeasureResponse.id.label("id"),
            sa.func.row_number()
            .over(
                partition_by=(MeasureResponse.schedule_id, MeasureResponse.user_id),
                order_by=(MeasureResponse.submitted_at.desc(), MeasureResponse.id.desc()),
            )
            .label("rank"),
        )
        .where(rules.counselor_reads(viewer, case), MeasureResponse.schedule_id.is_not(None))
        .subquery()
    )
    return Part(
        (_LatestSheet,),
        _LatestSheet.id.in_(sa.select(ranked.c.id).where(ranked.c.rank == 1)),
        order_by=(_LatestSheet.id,),
    )


def due_count(
    schedules: Iterable[MeasureSchedule],
    latest: Iterable[Any],
    member_ids: list[int],
    next_appointment: NextAppointment | None,
    now: datetime,
) -> int:
    """How many (schedule, person) pairs owe an answer to the occurrence due now."""
    answered = {(s.schedule_id, s.user_id): s.occurrence for s in latest}
    due = 0
    for schedule in schedules:
        occurrence = schedule_rules.current_occurrence(schedule, now, next_appointment)
        if occurrence is None:
            continue
        people = [schedule.user_id] if schedule.user_id else member_ids
        due += sum(1 for uid in people if answered.get((schedule.id, uid)) != occurrence)
    return due
