"""A client's copy of their own data (docs/security.md GD-1, GDPR articles 15 and 20).

The export holds everything the client wrote (journal entries and drafts, exercise answers,
check-ins), what the counselor addressed to them (comments on their entries, feedback on their
exercises, assignment notes), and what they may see of their partner's writing (entries and
answers shared with "counselor and partner", never drafts). It leaves out the partner's private
items, session notes and process notes: those are the counselor's clinical record.

The same dictionary feeds the JSON download and the PDF. A fixed number of queries builds it,
whatever the amount of data.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app import policy
from app.extensions import db
from app.intake import export as intake_export
from app.measures import export as measure_export
from app.messages import lifecycle as message_lifecycle
from app.models import (
    Assignment,
    AssignmentRecipient,
    Case,
    CaseMember,
    CheckIn,
    CounselingSession,
    Exercise,
    JournalComment,
    JournalEntry,
    Response,
    SessionAttendee,
    User,
    utcnow,
)
from app.policy import ANSWER, EVERY_CASE, JOURNAL, reassignment
from app.services import appointment_reads

FORMAT = "rekindle-export/1"


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _entry(entry: JournalEntry, *, with_comments: bool) -> dict[str, Any]:
    data = {
        "title": entry.title,
        "text": entry.body,
        "tags": entry.tags or [],
        "mood": entry.mood,
        "visibility": entry.visibility.value,
        "status": entry.status.value,
        "written_at": _when(entry.created_at),
        "updated_at": _when(entry.updated_at),
        "shared_at": _when(entry.shared_at),
    }
    if with_comments:
        data["comments_from_your_counselor"] = [
            {"from": c.author.name, "text": c.body, "written_at": _when(c.created_at)}
            for c in entry.comments
        ]
    return data


def _answer(response: Response) -> dict[str, Any]:
    exercise = response.exercise
    return {
        "module": response.recipient.assignment.module_version.title,
        "exercise": exercise.title,
        "prompt": exercise.prompt,
        "answer": response.answer,
        "status": response.status.value,
        "visibility": response.visibility.value,
        "updated_at": _when(response.updated_at),
        "submitted_at": _when(response.submitted_at),
    }


def build_export(user: User) -> dict[str, Any]:
    """Everything ``user`` (a client) may take with them, as plain JSON-ready data."""
    memberships = db.session.scalars(
        sa.select(CaseMember)
        .where(CaseMember.user_id == user.id, CaseMember.erased_at.is_(None))
        .options(joinedload(CaseMember.case).joinedload(Case.counselor))
        .order_by(CaseMember.joined_at)
    ).all()
    case_ids = [m.case_id for m in memberships]

    own_entries = db.session.scalars(
        sa.select(JournalEntry)
        .where(policy.readable_by_author(JOURNAL, user, EVERY_CASE))
        .options(selectinload(JournalEntry.comments).joinedload(JournalComment.author))
        .order_by(JournalEntry.created_at, JournalEntry.id)
    ).all()
    partner_entries = db.session.execute(
        sa.select(JournalEntry, User.name)
        .join(User, User.id == JournalEntry.author_id)
        .where(policy.readable_by_partner(JOURNAL, user, case_ids))
        .order_by(JournalEntry.created_at, JournalEntry.id)
    ).all()

    response_options = (
        joinedload(Response.exercise),
        joinedload(Response.recipient)
        .joinedload(AssignmentRecipient.assignment)
        .joinedload(Assignment.module_version),
    )
    own_answers = db.session.scalars(
        sa.select(Response)
        .join(AssignmentRecipient, AssignmentRecipient.id == Response.recipient_id)
        .join(Exercise, Exercise.id == Response.exercise_id)
        .where(policy.readable_by_author(ANSWER, user, EVERY_CASE))
        .options(*response_options)
        .order_by(AssignmentRecipient.id, Exercise.position)
    ).all()
    partner_answers = db.session.execute(
        sa.select(Response, User.name)
        .join(AssignmentRecipient, AssignmentRecipient.id == Response.recipient_id)
        .join(Assignment, Assignment.id == AssignmentRecipient.assignment_id)
        .join(User, User.id == AssignmentRecipient.user_id)
        .where(
            policy.readable_by_partner(ANSWER, user, case_ids),
            Assignment.removed_at.is_(None),
        )
        .options(*response_options)
        .order_by(Response.submitted_at, Response.id)
    ).all()

    recipients = db.session.scalars(
        sa.select(AssignmentRecipient)
        .where(policy.feedback_readable_by(user, EVERY_CASE))
        .options(joinedload(AssignmentRecipient.assignment).joinedload(Assignment.module_version))
        .order_by(AssignmentRecipient.id)
    ).all()
    check_ins = db.session.scalars(
        sa.select(CheckIn).where(CheckIn.user_id == user.id).order_by(CheckIn.created_at)
    ).all()
    sessions = db.session.scalars(
        sa.select(CounselingSession)
        .join(SessionAttendee, SessionAttendee.session_id == CounselingSession.id)
        .where(SessionAttendee.user_id == user.id)
        .order_by(CounselingSession.starts_at)
    ).all()

    return {
        "format": FORMAT,
        "generated_at": _when(utcnow()),
        "account": {
            "name": user.name,
            "email": user.email,
            "created_at": _when(user.created_at),
        },
        "cases": [
            {
                "label": m.case.label,
                "kind": m.case.kind.value,
                "status": m.case.status.value,
                "your_role": m.role.value,
                "counselor": m.case.counselor.name,
                # After a reassignment the counselor is new: say since when they have it.
                "counselor_since": _when(reassignment.holds_since(m.case)),
                "joined_at": _when(m.joined_at),
            }
            for m in memberships
        ],
        "journal_entries": [_entry(e, with_comments=True) for e in own_entries],
        "exercise_answers": [_answer(r) for r in own_answers],
        "assignments": [
            {
                "module": r.assignment.module_version.title,
                "status": r.status.value,
                "note_from_your_counselor": r.assignment.note or None,
                "due_date": _when(r.assignment.due_date),
                "feedback_from_your_counselor": r.feedback,
                "submitted_at": _when(r.submitted_at),
                "reviewed_at": _when(r.reviewed_at),
            }
            for r in recipients
            if r.assignment.removed_at is None
        ],
        "check_ins": [
            {
                "satisfaction": c.satisfaction,
                "communication": c.communication,
                "closeness": c.closeness,
                "hope": c.hope,
                "answered_at": _when(c.created_at),
            }
            for c in check_ins
        ],
        "sessions_attended": [
            {
                "starts_at": _when(s.starts_at),
                "duration_minutes": s.duration_minutes,
                "modality": s.modality.value,
                "kind": s.kind.value,
            }
            for s in sessions
        ],
        # Booked sessions this person is expected at (the first is their "next session").
        "upcoming_sessions": [
            {
                "starts_at": _when(a.starts_at),
                "duration_minutes": a.duration_minutes,
                "modality": a.modality.value,
                "kind": a.kind.value,
            }
            for a in appointment_reads.upcoming_for(user, limit=20)
        ],
        "measures": measure_export.own_measures(user),
        "messages": message_lifecycle.export_for(user),
        "shared_with_you_by_your_partner": {
            "journal_entries": [
                {"author": name, **_entry(e, with_comments=False)} for e, name in partner_entries
            ],
            "exercise_answers": [{"author": name, **_answer(r)} for r, name in partner_answers],
        },
        **intake_export.export_of(user),  # own signed consents and safety checks only
    }


#: ``{visibility value: label}`` in the export's words (the policy's wording).
VISIBILITY_LABELS = {v.value: label for v, label in policy.EXPORT_LABELS.items()}


def pdf_context(export: dict[str, Any], practice: str) -> dict[str, Any]:
    """What ``templates/pdf/export.html`` needs besides the data."""
    from app.templating import local_time

    def when(value: str | None) -> str:
        return local_time(datetime.fromisoformat(value)) if value else ""

    return {
        "data": export,
        "practice": practice,
        "when": when,
        "visibility_labels": VISIBILITY_LABELS,
    }


def summary(export: dict[str, Any]) -> str:
    """Counts for the audit detail (never content)."""
    shared = export["shared_with_you_by_your_partner"]
    return (
        f"entries={len(export['journal_entries'])} answers={len(export['exercise_answers'])} "
        f"check_ins={len(export['check_ins'])} partner_items="
        f"{len(shared['journal_entries']) + len(shared['exercise_answers'])}"
    )
