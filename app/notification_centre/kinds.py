"""The kinds of notification the existing features announce (app/services/announcements.py).

Every title is fixed text: no clinical content, never a name, so neither partner learns
anything of the other from it, and a partner reading over a shoulder learns only that the
counselor wrote. Every kind asks ``app.policy.announcements.may_be_told`` again right before
delivery (``still_relevant``), so an entry made private again, an assignment taken back, an
erased person or a closed case cancels what was not delivered yet.

``link`` builds a path without a query (the in-app list builds one per row); ``target`` is
where opening the notification in the list goes, which may ask the database once (an
answer's review page needs its assignment).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import url_for

from app.extensions import db
from app.models import AssignmentRecipient, Notification, Response
from app.notifications import NotificationKind, get_kind, register_kind
from app.policy.announcements import may_be_told

NEW_ASSIGNMENT = "assignments.new"
FEEDBACK = "assignments.feedback"
COMMENT = "journal.comment"
ANSWER_SENT = "assignments.answer_sent"
ANSWER_SHARED = "assignments.answer_shared"
ENTRY_SHARED = "journal.shared"
CHECK_IN = "sessions.check_in"


def still_relevant(n: Notification) -> bool:
    """The one question every kind here asks before delivery (see the module docstring)."""
    return may_be_told(n.recipient_id, n.case_id, n.about_type, n.about_id)


def _case_page(n: Notification, anchor: str) -> str:
    return url_for("cases.detail", case_id=n.case_id) + anchor


def _own_assignment(n: Notification) -> str:
    return url_for("exercises.assignment", recipient_id=n.about_id)


def _answer_review(n: Notification) -> str:
    assignment_id = db.session.scalar(
        sa.select(AssignmentRecipient.assignment_id)
        .join(Response, Response.recipient_id == AssignmentRecipient.id)
        .where(Response.id == n.about_id)
    )
    if assignment_id is None:
        return _case_page(n, "")
    return url_for("assignments.review", case_id=n.case_id, assignment_id=assignment_id)


#: Where opening a notification of a kind goes when that differs from its ``link``.
TARGETS: dict[str, Callable[[Notification], str]] = {
    ANSWER_SENT: _answer_review,
    ANSWER_SHARED: _answer_review,
}

KINDS = [
    # Clients: about their own work only, never about the partner's.
    NotificationKind(
        code=NEW_ASSIGNMENT,
        audience="client",
        title="Your counselor gave you a new exercise",
        label="A new exercise from my counselor",
        link=_own_assignment,
        still_relevant=still_relevant,
    ),
    NotificationKind(
        code=FEEDBACK,
        audience="client",
        title="Your counselor left feedback on your exercise",
        label="Feedback on my exercises",
        link=_own_assignment,
        still_relevant=still_relevant,
    ),
    NotificationKind(
        code=COMMENT,
        audience="client",
        title="Your counselor commented on your journal entry",
        label="A comment on my journal entry",
        link=lambda n: url_for("journal.entry", entry_id=n.about_id),
        still_relevant=still_relevant,
    ),
    # Counselors.
    NotificationKind(
        code=ANSWER_SENT,
        audience="counselor",
        title="A client sent you an exercise answer",
        label="A client sends an exercise answer",
        link=lambda n: _case_page(n, "#assignments-heading"),
        still_relevant=still_relevant,
    ),
    NotificationKind(
        code=ANSWER_SHARED,
        audience="counselor",
        title="A client shared an earlier exercise answer with you",
        label="A client shares an earlier answer with me",
        link=lambda n: _case_page(n, "#assignments-heading"),
        still_relevant=still_relevant,
        default_timing="digest",
    ),
    NotificationKind(
        code=ENTRY_SHARED,
        audience="counselor",
        title="A client shared a journal entry with you",
        label="A client shares a journal entry with me",
        link=lambda n: url_for("journal.counselor_entry", entry_id=n.about_id),
        still_relevant=still_relevant,
        default_timing="digest",
    ),
    NotificationKind(
        code=CHECK_IN,
        audience="counselor",
        title="A client checked in before their session",
        label="A client checks in",
        link=lambda n: _case_page(n, "#checkins"),
        still_relevant=still_relevant,
    ),
]

for _kind in KINDS:
    register_kind(_kind)


def target_of(n: Notification) -> str:
    """Where opening ``n`` in the list goes."""
    build = TARGETS.get(n.kind) or get_kind(n.kind).link
    return build(n)
