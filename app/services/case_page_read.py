"""The case page's shared read: the lists and counts its sections show, in one statement.

The case page's budget is 8 statements whatever the data (docs/performance.md T1). The
signed-in session, the case with its members, and the audit event are the page's own; the
sections' many short lists (consents, safety checks, flags, the latest CSI, appointments,
sessions, check-ins, reassignments) and single values (since the last session, what is next,
the menu's unread counts) are read here together, once per request (``app.services
.combined_read``), and each section takes its part. Every part is the one its feature's own
read uses, with the predicates ``app.policy`` gives, so nothing here decides who sees what.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context

from app import policy
from app.models import (
    Assignment,
    AssignmentRecipient,
    AssignmentStatus,
    Case,
    CounselingSession,
    JournalEntry,
    NoteStatus,
    Response,
    SessionNote,
    User,
    utcnow,
)
from app.policy import JOURNAL
from app.policy import review as review_policy
from app.services import appointment_reads, menu_counts
from app.services.combined_read import Part, Read, read

#: Sessions listed on the case page (the sessions section's).
RECENT_SESSIONS = 10


def case_page_read(viewer: User, case: Case) -> Read:
    """Everything the case page's sections share, read once per request and viewer."""
    cache: dict[tuple[int, int], Read] = (
        g.setdefault("case_page_read", {}) if has_request_context() else {}
    )
    key = (viewer.id, case.id)
    if key not in cache:
        cache[key] = _read(viewer, case)
    return cache[key]


def _parts(viewer: User, case: Case) -> dict[str, Part]:
    # Imported here: these features' modules import app.services themselves.
    from app.intake import consents, disclosures, safety
    from app.measures import case_reads as measure_reads
    from app.measures import results
    from app.policy import reassignment
    from app.policy import safety as safety_policy
    from app.services import checkins
    from app.services import sessions as session_service

    return {
        **consents.page_parts(case.id),
        "safety": safety.case_safety_part(case.id),
        "blocked": safety_policy.blocked_modules_part(case.id),
        "homework": disclosures.private_homework_part(case.id),
        "disclosure_requests": disclosures.requests_part(case.id),
        "flags": measure_reads.open_flags_part(viewer, case),
        "measure_schedules": measure_reads.schedules_part(viewer, case),
        "measure_sheets": measure_reads.latest_sheets_part(viewer, case),
        "csi": results.latest_for_case_part(viewer, case),
        "appointments": appointment_reads.for_case_part(viewer, case),
        "sessions": session_service.sessions_part(case.id, RECENT_SESSIONS),
        "check_ins": checkins.check_ins_part(case.id),
        "moves": reassignment.moves_part(case.id),
    }


def _lead_facts(viewer: User, case: Case) -> dict[str, sa.ScalarSelect[Any]]:
    """Since the last session and what is next: counts and dates (``app.cases.since_last``)."""
    now = utcnow()
    last_at = (
        sa.select(sa.func.max(CounselingSession.starts_at))
        .where(CounselingSession.case_id == case.id, CounselingSession.starts_at < now)
        .scalar_subquery()
    )
    # "Next session" is the next *booked* appointment (the appointment book decides).
    booked = appointment_reads.next_by_case([case.id])
    since = sa.func.coalesce(last_at, case.created_at)
    recipients = (
        sa.select(AssignmentRecipient.id)
        .join(Assignment, Assignment.id == AssignmentRecipient.assignment_id)
        .where(Assignment.case_id == case.id, Assignment.removed_at.is_(None))
    )
    unsigned = sa.and_(
        CounselingSession.case_id == case.id,
        CounselingSession.starts_at < now,
        sa.or_(SessionNote.id.is_(None), SessionNote.status == NoteStatus.DRAFT),
    )
    unsigned_sessions = sa.select(CounselingSession.id).outerjoin(
        SessionNote, SessionNote.session_id == CounselingSession.id
    )
    return {
        "lead.last": last_at,
        "lead.next": sa.select(booked.c.next_at).scalar_subquery(),
        "lead.entries": sa.select(sa.func.count(JournalEntry.id))
        .where(policy.readable_by_counselor(JOURNAL, viewer, case), JournalEntry.shared_at > since)
        .scalar_subquery(),
        "lead.answers": sa.select(sa.func.count(Response.id))
        .where(
            Response.recipient_id.in_(recipients),
            review_policy.sent_answers(),
            Response.submitted_at > since,
        )
        .scalar_subquery(),
        "lead.waiting": sa.select(sa.func.count(AssignmentRecipient.id))
        .where(
            AssignmentRecipient.id.in_(recipients),
            AssignmentRecipient.status == AssignmentStatus.SUBMITTED,
        )
        .scalar_subquery(),
        "lead.unsigned": sa.select(sa.func.count())
        .select_from(unsigned_sessions.where(unsigned).subquery())
        .scalar_subquery(),
        "lead.unsigned_latest": unsigned_sessions.where(unsigned)
        .order_by(CounselingSession.starts_at.desc(), CounselingSession.id.desc())
        .limit(1)
        .scalar_subquery(),
    }


def _read(viewer: User, case: Case) -> Read:
    facts = {**_lead_facts(viewer, case), **menu_counts.page_facts(viewer, case.id)}
    found = read(_parts(viewer, case), facts)
    # The menu shows the bell and the messages badge: they came with this read.
    menu_counts.remember(viewer, case.id, found.facts)
    return found
