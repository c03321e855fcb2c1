"""The case page's lead: what changed since the last session and what is next.

A busy counselor opens a case to prepare the next session; this section answers first
"what is new since we last met, and when do we meet next" (issue ux-pass, item 7). Counts
only, read through ``app.policy``: shared entries the counselor may read and answers sent
(their being sent, not their content) since the last session, and work waiting for review.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app import policy
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    AssignmentStatus,
    Case,
    CounselingSession,
    JournalEntry,
    Response,
    User,
    utcnow,
)
from app.policy import JOURNAL
from app.policy import review as review_policy
from app.services import appointment_reads

TEMPLATE = "cases/_since_last.html"


def since_last_section(viewer: User, case: Case) -> dict[str, Any] | None:
    """Counts of what is new since the last session, and the next session; one statement."""
    now = utcnow()
    last_at = (
        sa.select(sa.func.max(CounselingSession.starts_at))
        .where(CounselingSession.case_id == case.id, CounselingSession.starts_at < now)
        .scalar_subquery()
    )
    # "Next session" is the next *booked* appointment (the appointment book decides).
    booked = appointment_reads.next_by_case([case.id])
    next_at = sa.select(booked.c.next_at).scalar_subquery()
    since = sa.func.coalesce(last_at, case.created_at)
    recipients = (
        sa.select(AssignmentRecipient.id)
        .join(Assignment, Assignment.id == AssignmentRecipient.assignment_id)
        .where(Assignment.case_id == case.id, Assignment.removed_at.is_(None))
    )
    entries = (
        sa.select(sa.func.count(JournalEntry.id))
        .where(policy.readable_by_counselor(JOURNAL, viewer, case), JournalEntry.shared_at > since)
        .scalar_subquery()
    )
    answers = (
        sa.select(sa.func.count(Response.id))
        .where(
            Response.recipient_id.in_(recipients),
            review_policy.sent_answers(),
            Response.submitted_at > since,
        )
        .scalar_subquery()
    )
    waiting = (
        sa.select(sa.func.count(AssignmentRecipient.id))
        .where(
            AssignmentRecipient.id.in_(recipients),
            AssignmentRecipient.status == AssignmentStatus.SUBMITTED,
        )
        .scalar_subquery()
    )
    last, upcoming, n_entries, n_answers, n_waiting = db.session.execute(
        sa.select(last_at, next_at, entries, answers, waiting)
    ).one()
    return {
        "case": case,
        "last": _aware(last),
        "next": _aware(upcoming),
        "entries": int(n_entries or 0),
        "answers": int(n_answers or 0),
        "waiting": int(n_waiting or 0),
    }


def _aware(value: datetime | None) -> datetime | None:
    # A bare scalar subquery comes back without the column's type on SQLite: naive UTC.
    if value is None or value.tzinfo is not None:
        return value
    from datetime import UTC

    return value.replace(tzinfo=UTC)
