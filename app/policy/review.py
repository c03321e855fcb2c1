"""What the case counselor may know about a partner's answers they cannot read.

The review page must say *why* an answer is not shown (issue ux-pass, item 8): "not sent
yet" and "kept private" are different things for a busy counselor. Both are facts about the
answer's state, never its content: the counselor already sees each partner's progress
(started, sent), and an answer sent but not shown can only be one its author kept to
themselves. Nobody else learns even that: for anyone but the case counselor the answer to
"why" is None.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy.sql.elements import ColumnElement

from app.models import Case, Response, ResponseStatus, Role, User
from app.policy import facts_of, may_read, reaches_counselor


class Unread(Enum):
    """Why the case counselor does not see an answer."""

    NOT_SENT = "not sent yet"
    KEPT_PRIVATE = "kept private"


def why_unread(viewer: User, case: Case, answer: Response) -> Unread | None:
    """Why ``viewer`` (the case counselor) cannot read ``answer``; None if they can, or if
    they are not the case counselor (then they learn nothing about it)."""
    if viewer.role is not Role.COUNSELOR or case.counselor_id != viewer.id:
        return None
    facts = facts_of(answer)
    if facts.case_id != case.id or may_read(viewer, case, facts):
        return None
    if not facts.sent:
        return Unread.NOT_SENT
    if not reaches_counselor(facts.visibility):
        return Unread.KEPT_PRIVATE
    return None


def has_sent_any(answers: list[Response]) -> bool:
    """Whether a partner sent at least one of ``answers`` (their own, of one assignment).

    Feedback opens then: before it, "Your counselor left feedback" would be about work
    nobody started.
    """
    return any(facts_of(a).sent for a in answers)


def sent_answers() -> ColumnElement[bool]:
    """Answers whose being sent (not their content) the case counselor may count.

    The caseload counts "exercises answered of exercises assigned, per partner" with it: a
    sent answer counts whoever its audience is, as the review page says "kept private".
    """
    return Response.status == ResponseStatus.SUBMITTED
