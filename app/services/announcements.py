"""What the existing features announce, called by their services in the event's transaction.

Each function here is one event: it asks ``app.policy.announcements`` whether the person may
be told, then puts one row in the outbox (``app.notifications.announce``) with an idempotency
key, so a retried request or a double click announces once. The kinds and their words are in
``app/notification_centre/kinds.py``. Nothing here reads or passes on client writing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    Case,
    CheckIn,
    JournalComment,
    JournalEntry,
    Response,
    utcnow,
)
from app.notification_centre import kinds
from app.notifications import announce, cancel_about
from app.policy.announcements import may_be_told


def _tell(user_id: int, case: Case, kind: str, about: tuple[str, int], key: str) -> int | None:
    """Announce ``kind`` to ``user_id`` if the policy lets them know of ``about`` now."""
    db.session.flush()  # the policy reads the event's rows as this transaction left them
    if not may_be_told(user_id, case.id, about[0], about[1]):
        return None
    return announce(recipient=user_id, kind=kind, case=case, about=about, key=key)


def _moment(at: datetime | None) -> str:
    # A key part that tells one sharing (or one feedback) from the next one.
    return f"{(at or utcnow()).timestamp():.6f}"


def _case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:  # the event's own case: it exists in this transaction
        raise LookupError(f"case {case_id}")
    return case


# --- clients --------------------------------------------------------------------------------


def assignment_given(assignment: Assignment, copies: Iterable[AssignmentRecipient]) -> None:
    """Each client given the assignment hears of their own copy (never of the partner's)."""
    case = _case(assignment.case_id)
    for copy in copies:
        _tell(
            copy.user_id,
            case,
            kinds.NEW_ASSIGNMENT,
            ("assignment_recipient", copy.id),
            f"{kinds.NEW_ASSIGNMENT}:{copy.id}",
        )


def feedback_given(assignment: Assignment, copy: AssignmentRecipient, before: str | None) -> None:
    """The client hears that the counselor wrote new feedback for them (not a mere re-save)."""
    if not copy.feedback or copy.feedback == (before or None):
        return
    _tell(
        copy.user_id,
        _case(assignment.case_id),
        kinds.FEEDBACK,
        ("assignment_feedback", copy.id),
        f"{kinds.FEEDBACK}:{copy.id}:{_moment(None)}",
    )


def comment_added(entry: JournalEntry, comment: JournalComment) -> None:
    """The entry's author hears that the counselor commented on it."""
    _tell(
        entry.author_id,
        _case(entry.case_id),
        kinds.COMMENT,
        ("journal_entry", entry.id),
        f"{kinds.COMMENT}:{comment.id}",
    )


# --- counselors -----------------------------------------------------------------------------


def entry_shared(entry: JournalEntry) -> None:
    """The case counselor hears of an entry that has just become readable by them."""
    case = _case(entry.case_id)
    _tell(
        case.counselor_id,
        case,
        kinds.ENTRY_SHARED,
        ("journal_entry", entry.id),
        f"{kinds.ENTRY_SHARED}:{entry.id}:{_moment(entry.shared_at)}",
    )


def entry_unshared(entry: JournalEntry) -> None:
    """The entry was taken back from the counselor: what they were not yet told is cancelled.

    Delivery would ask the policy and cancel it anyway; this also takes an unread in-app item
    out of the counselor's list at once. The author's own comment notifications stay.
    """
    cancel_about(("journal_entry", entry.id), kinds=[kinds.ENTRY_SHARED])


def answer_sent(response: Response, case_id: int) -> None:
    """The case counselor hears of an answer sent to them (a private answer tells nobody)."""
    case = _case(case_id)
    _tell(
        case.counselor_id,
        case,
        kinds.ANSWER_SENT,
        ("response", response.id),
        f"{kinds.ANSWER_SENT}:{response.id}",
    )


def answer_shared(response: Response, case_id: int) -> None:
    """The case counselor hears of a sent answer that was kept from them until now."""
    case = _case(case_id)
    _tell(
        case.counselor_id,
        case,
        kinds.ANSWER_SHARED,
        ("response", response.id),
        f"{kinds.ANSWER_SHARED}:{response.id}:{_moment(None)}",
    )


def answer_unshared(response: Response) -> None:
    """The answer was taken back from the counselor: cancel what they were not yet told."""
    cancel_about(("response", response.id), kinds=[kinds.ANSWER_SENT, kinds.ANSWER_SHARED])


def check_in_recorded(check_in: CheckIn) -> None:
    """The case counselor hears that a client checked in (the scores stay on the case page)."""
    case = _case(check_in.case_id)
    _tell(
        case.counselor_id,
        case,
        kinds.CHECK_IN,
        ("check_in", check_in.id),
        f"{kinds.CHECK_IN}:{check_in.id}",
    )


__all__ = [
    "answer_sent",
    "answer_shared",
    "answer_unshared",
    "assignment_given",
    "check_in_recorded",
    "comment_added",
    "entry_shared",
    "entry_unshared",
    "feedback_given",
]
