"""Who may be told about what: the rules every notification asks right before delivery.

A notification says only that *something* is new (fixed words, a link), yet even that is
knowledge: "your partner shared an entry" tells of the entry. So each row is checked again
just before it is delivered, here:

* ``may_be_told`` — the person may still hear about the case at all: an active, not erased
  account; a case that is not closed; a current member (clients) or the case counselor
  (counselors). The practice admin hears about no case (only about the system: dead letters).
* ``may_know_of_writing`` — the person may read the entry or answer the notification points
  to (``app.policy.may_read``): made private again or withdrawn since means no.
* ``may_know_of_assignment`` — the person is still a recipient of an assignment that is still
  given (not removed) in a case that is not closed.
"""

from __future__ import annotations

import sqlalchemy as sa

from app import policy
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    Case,
    CaseMember,
    JournalEntry,
    Response,
    Role,
    User,
)


def may_be_told(recipient: User | None, case: Case | None) -> bool:
    """Whether ``recipient`` may be notified of anything in ``case`` (None: about no case)."""
    if recipient is None or not recipient.active or recipient.erased_at is not None:
        return False
    if case is None:
        return True
    if case.is_closed:
        return False
    if recipient.role is Role.COUNSELOR:
        return case.counselor_id == recipient.id
    if recipient.role is Role.CLIENT:
        return _is_current_member(recipient.id, case.id)
    return False  # the admin never hears about a case's clinical work


def may_know_of_writing(
    recipient: User | None, case: Case | None, item: JournalEntry | Response | None
) -> bool:
    """Whether ``recipient`` may still know of ``item`` (an entry, or an answer loaded with its
    recipient and assignment): told about the case, and allowed to read the item in it."""
    if item is None or case is None or not may_be_told(recipient, case):
        return False
    assert recipient is not None
    return policy.may_read(recipient, case, item)


def may_know_of_assignment(recipient: User | None, assignment_recipient_id: int | None) -> bool:
    """Whether ``recipient`` still holds the assignment copy ``assignment_recipient_id`` (one
    partner's copy) in a case they may hear about, and the assignment is still given."""
    if recipient is None or assignment_recipient_id is None:
        return False
    row = db.session.execute(
        sa.select(AssignmentRecipient.user_id, Assignment.removed_at, Assignment.case_id)
        .join(Assignment, Assignment.id == AssignmentRecipient.assignment_id)
        .where(AssignmentRecipient.id == assignment_recipient_id)
    ).first()
    if row is None or row.removed_at is not None:
        return False
    if recipient.role is Role.CLIENT and row.user_id != recipient.id:
        return False
    return may_be_told(recipient, db.session.get(Case, row.case_id))


def _is_current_member(user_id: int, case_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(CaseMember.id).where(
                CaseMember.case_id == case_id,
                CaseMember.user_id == user_id,
                CaseMember.erased_at.is_(None),
            )
        )
        is not None
    )
