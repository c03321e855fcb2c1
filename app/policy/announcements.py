"""Who may be told about what: the rule behind every notification (docs/security.md NT-1).

A notification says only that something happened and links to it, yet being told is a read
too: "a client shared an entry with you" tells its recipient that the entry exists. So a
notification about a thing goes only to someone this module lets know of it, when it is
announced *and* again right before it is delivered (every kind's ``still_relevant`` is
``may_be_told``), so an entry made private again, an answer withdrawn, an assignment taken
back, a person erased or a case closed since cancels it.

What each kind of thing allows (``about_type`` of the notification):

* ``assignment_recipient`` (a new assignment): the client whose own copy it is, while the
  assignment stands and they are a current member of the case;
* ``assignment_feedback``: the same client, while the copy carries feedback;
* ``journal_entry``: the entry's author (a counselor's comment on it), or the case counselor
  while ``may_read`` lets them read it (it was shared with them). Never the partner: a partner
  is told nothing of the other partner's writing, shared or not;
* ``response`` (an exercise answer): the case counselor while ``may_read`` lets them read it;
* ``check_in``: the case counselor, while its author is a current member of the case.

Nobody is told anything about a closed case, and the practice admin is told nothing of
clinical work at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    Case,
    CaseMember,
    CheckIn,
    JournalEntry,
    Response,
    Role,
    User,
    Visibility,
)
from app.policy import may_read, reaches_counselor


def newly_reaches_counselor(new: Visibility, old: Visibility) -> bool:
    """Whether moving an item from ``old`` to ``new`` lets the counselor read it for the first time.

    Widening an entry from "counselor" to "counselor and partner" tells the counselor nothing
    new, so it announces nothing.
    """
    return reaches_counselor(new) and not reaches_counselor(old)


def no_longer_reaches_counselor(new: Visibility, old: Visibility) -> bool:
    """Whether moving an item from ``old`` to ``new`` takes it away from the counselor."""
    return newly_reaches_counselor(old, new)


def _is_current_member(user: User, case: Case) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count(CaseMember.id)).where(
                CaseMember.case_id == case.id,
                CaseMember.user_id == user.id,
                CaseMember.erased_at.is_(None),
            )
        )
        or 0
    ) > 0


def _own_assignment_copy(user: User, case: Case, copy_id: int) -> AssignmentRecipient | None:
    if user.role is not Role.CLIENT:
        return None
    copy = db.session.get(AssignmentRecipient, copy_id)
    if copy is None or copy.user_id != user.id:
        return None
    assignment = db.session.get(Assignment, copy.assignment_id)
    if assignment is None or assignment.case_id != case.id or assignment.removed_at is not None:
        return None
    return copy if _is_current_member(user, case) else None


def _assignment(user: User, case: Case, copy_id: int) -> bool:
    return _own_assignment_copy(user, case, copy_id) is not None


def _feedback(user: User, case: Case, copy_id: int) -> bool:
    copy = _own_assignment_copy(user, case, copy_id)
    return copy is not None and copy.feedback_ct is not None


def _journal_entry(user: User, case: Case, entry_id: int) -> bool:
    entry = db.session.get(JournalEntry, entry_id)
    if entry is None or entry.case_id != case.id:
        return False
    if user.role is Role.CLIENT:
        # Only the author hears about their entry (a comment on it); the partner never does.
        return entry.author_id == user.id and _is_current_member(user, case)
    return user.role is Role.COUNSELOR and may_read(user, case, entry)


def _response(user: User, case: Case, response_id: int) -> bool:
    if user.role is not Role.COUNSELOR:
        return False
    response = db.session.scalar(
        sa.select(Response)
        .where(Response.id == response_id)
        .options(joinedload(Response.recipient).joinedload(AssignmentRecipient.assignment))
    )
    if response is None or response.recipient.assignment.removed_at is not None:
        return False
    return may_read(user, case, response)


def _check_in(user: User, case: Case, check_in_id: int) -> bool:
    check_in = db.session.get(CheckIn, check_in_id)
    if check_in is None or check_in.case_id != case.id:
        return False
    if user.role is not Role.COUNSELOR or case.counselor_id != user.id:
        return False
    author = db.session.get(User, check_in.user_id)
    return author is not None and _is_current_member(author, case)


_JUDGES: Mapping[str, Callable[[User, Case, int], bool]] = {
    "assignment_recipient": _assignment,
    "assignment_feedback": _feedback,
    "journal_entry": _journal_entry,
    "response": _response,
    "check_in": _check_in,
}

#: The kinds of thing a notification of this package may be about.
ABOUT_TYPES = frozenset(_JUDGES)


def may_be_told(
    recipient_id: int, case_id: int | None, about_type: str | None, about_id: int | None
) -> bool:
    """Whether the person may be told (now) that something happened to this thing.

    Deny by default: an unknown kind of thing, a missing case, an inactive or erased
    recipient or a closed case all answer False.
    """
    judge = _JUDGES.get(about_type or "")
    if case_id is None or about_id is None or judge is None:
        return False
    user = db.session.get(User, recipient_id)
    case = db.session.get(Case, case_id)
    if user is None or case is None or not user.active or user.erased_at is not None:
        return False
    if case.is_closed:
        return False
    return judge(user, case, about_id)
