"""Giving module versions to cases, per-partner progress, review and feedback.

``assign_module`` is the one way to create an assignment; the sessions feature calls it from
the session page too, so its signature stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app import audit
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    AssignmentStatus,
    Case,
    CaseMember,
    Exercise,
    MemberRole,
    ModuleVersion,
    Response,
    StrategyModule,
    User,
    utcnow,
)
from app.policy import review as review_policy
from app.policy import safety
from app.practice_dates import practice_today
from app.services import announcements
from app.services.concurrency import create_once


class AssignmentError(Exception):
    """An assignment change the rules refuse; the message is shown next to the form."""


def assign_module(
    case: Case,
    module_version: ModuleVersion,
    recipients: list[User],
    *,
    due_date: date | None,
    note: str,
    assigned_by: User,
    request_key: str | None = None,
) -> Assignment:
    """Give ``module_version`` to some or all clients of ``case`` (once per ``request_key``)."""
    if case.is_closed:
        raise AssignmentError("This case is closed, so nothing new can be assigned.")
    if not recipients:
        raise AssignmentError("Choose at least one person to give this module to.")
    member_ids = set(
        db.session.scalars(
            sa.select(CaseMember.user_id).where(
                CaseMember.case_id == case.id, CaseMember.erased_at.is_(None)
            )
        )
    )
    if any(user.id not in member_ids for user in recipients):
        raise AssignmentError("Modules can only be given to clients of this case.")
    if safety.module_blocked(case.id, module_version.module_id):
        raise AssignmentError(
            "This module's caution is a block for this case. To assign it anyway, "
            "record your reason under “Safety” on the case page."
        )

    def build() -> Assignment:
        return Assignment(
            case_id=case.id,
            module_version_id=module_version.id,
            assigned_by_id=assigned_by.id,
            due_date=due_date,
            note=note.strip(),
        )

    assignment, created = create_once(Assignment, request_key, build)
    if created:
        copies = [
            AssignmentRecipient(assignment_id=assignment.id, user_id=user.id)
            for user in {u.id: u for u in recipients}.values()
        ]
        db.session.add_all(copies)
        db.session.flush()
        announcements.assignment_given(assignment, copies)
        audit.record(
            "assignment.created",
            assignment,
            case_id=case.id,
            detail=f"module version {module_version.id}, {len(recipients)} recipient(s)",
        )
    return assignment


def unassign(assignment: Assignment, by: User) -> None:
    """Take an assignment back. Nothing is deleted: answers stay, the audit says who and when."""
    if assignment.removed_at is not None:
        return
    assignment.removed_at = utcnow()
    assignment.removed_by_id = by.id
    audit.record("assignment.removed", assignment, case_id=assignment.case_id)


def save_feedback(
    assignment: Assignment, recipient: AssignmentRecipient, feedback: str, *, mark_reviewed: bool
) -> None:
    """The counselor's feedback to one partner; optionally mark that partner's work reviewed.

    Feedback opens once the partner has sent an answer: before that it would announce
    "Your counselor left feedback" on work nobody started. Clearing it is always possible.
    """
    if feedback.strip() and not review_policy.has_sent_any(_answers_of(recipient)):
        raise AssignmentError(
            f"Feedback opens once {recipient.user.name} has sent an answer. Until then, keep "
            "your thoughts in a session's process notes."
        )
    before = recipient.feedback
    recipient.feedback = feedback.strip() or None
    if mark_reviewed:
        if recipient.status not in (AssignmentStatus.SUBMITTED, AssignmentStatus.REVIEWED):
            raise AssignmentError("This can be marked reviewed once it has been sent to you.")
        if recipient.status is not AssignmentStatus.REVIEWED:
            recipient.status = AssignmentStatus.REVIEWED
            recipient.reviewed_at = utcnow()
    audit.record(
        "assignment.feedback",
        assignment,
        detail=f"recipient {recipient.id}" + (", reviewed" if mark_reviewed else ""),
    )
    announcements.feedback_given(assignment, recipient, before)


def _answers_of(recipient: AssignmentRecipient) -> list[Response]:
    return list(
        db.session.scalars(
            sa.select(Response)
            .where(Response.recipient_id == recipient.id)
            .options(joinedload(Response.recipient).joinedload(AssignmentRecipient.assignment))
        )
    )


# --- reading -------------------------------------------------------------------------------


def member_roles(case_id: int) -> dict[int, MemberRole]:
    """``{user id: role}`` of every member of the case, erased ones included."""
    return dict(
        db.session.execute(
            sa.select(CaseMember.user_id, CaseMember.role).where(CaseMember.case_id == case_id)
        ).all()
    )


def _with_details(query: sa.Select[Assignment]) -> sa.Select[Assignment]:
    return query.options(
        selectinload(Assignment.recipients).joinedload(AssignmentRecipient.user),
        joinedload(Assignment.module_version).joinedload(ModuleVersion.module),
    )


def case_assignments(case: Case) -> list[Assignment]:
    """The case's current assignments, newest first, with recipients and module versions.

    One statement (the case page's budget, docs/performance.md T1): recipients are joined, a
    case has a handful of assignments with one or two recipients each.
    """
    return list(
        db.session.scalars(
            sa.select(Assignment)
            .where(Assignment.case_id == case.id, Assignment.removed_at.is_(None))
            .options(
                joinedload(Assignment.recipients).joinedload(AssignmentRecipient.user),
                joinedload(Assignment.module_version).joinedload(ModuleVersion.module),
            )
            .order_by(Assignment.created_at.desc(), Assignment.id.desc())
        ).unique()
    )


def newer_version_exists(assignment: Assignment) -> bool:
    """True when the module was edited after this version was assigned."""
    module: StrategyModule = assignment.module_version.module
    return module.current_version_id != assignment.module_version_id


@dataclass
class ClientWork:
    """One of the client's assignments with their own progress."""

    recipient: AssignmentRecipient
    assignment: Assignment
    version: ModuleVersion
    submitted_exercise_ids: set[int]
    started_exercise_ids: set[int]

    @property
    def next_exercise(self) -> Exercise | None:
        """The first exercise not yet sent, or None when all are done."""
        for exercise in self.version.exercises:
            if exercise.id not in self.submitted_exercise_ids:
                return exercise
        return None

    @property
    def overdue(self) -> bool:
        """Past its due date and not yet sent."""
        return (
            self.assignment.due_date is not None
            and self.assignment.due_date < practice_today()
            and self.recipient.status in (AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS)
        )


def client_work(user: User) -> list[ClientWork]:
    """The client's current assignments: unfinished first (by due date), then the rest."""
    from app.models import Response, ResponseStatus

    recipients = db.session.scalars(
        sa.select(AssignmentRecipient)
        .join(Assignment, Assignment.id == AssignmentRecipient.assignment_id)
        .join(
            CaseMember,
            sa.and_(CaseMember.case_id == Assignment.case_id, CaseMember.user_id == user.id),
        )
        .where(
            AssignmentRecipient.user_id == user.id,
            Assignment.removed_at.is_(None),
            CaseMember.erased_at.is_(None),
        )
        .options(
            joinedload(AssignmentRecipient.assignment)
            .joinedload(Assignment.module_version)
            .selectinload(ModuleVersion.exercises)
        )
    ).all()
    states = (
        db.session.execute(
            sa.select(Response.recipient_id, Response.exercise_id, Response.status).where(
                Response.recipient_id.in_([r.id for r in recipients])
            )
        ).all()
        if recipients
        else []
    )
    work = []
    for recipient in recipients:
        mine = [(e, s) for rid, e, s in states if rid == recipient.id]
        work.append(
            ClientWork(
                recipient=recipient,
                assignment=recipient.assignment,
                version=recipient.assignment.module_version,
                submitted_exercise_ids={e for e, s in mine if s is ResponseStatus.SUBMITTED},
                started_exercise_ids={e for e, _ in mine},
            )
        )
    open_states = (AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS)
    work.sort(
        key=lambda w: (
            w.recipient.status not in open_states,
            w.assignment.due_date or date.max,
            -w.assignment.id,
        )
    )
    return work
