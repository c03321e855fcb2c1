"""Limited secrets: the counselor asks an author to bring one private item into joint work.

Only the author's recorded answer allows it: the request names the item, who asked and when;
the answer records who agreed (the author, on their own login), to what, and when. The item
reaches joint sessions, their PDFs and the partner only after "agreed"
(``app.policy.confidentiality``). Functions flush; views commit.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    Case,
    CounselingSession,
    DisclosureAnswer,
    DisclosureRequest,
    SessionAssignmentLink,
    SessionKind,
    User,
    utcnow,
)
from app.policy import confidentiality
from app.services.combined_read import Part, read


class DisclosureError(ValueError):
    """A request the rules refuse; the message is shown to the counselor."""


def private_homework_part(case_id: int) -> Part:
    """Homework given in the case's individual sessions, with its (one) recipient."""
    homework = (
        sa.select(SessionAssignmentLink.assignment_id)
        .join(CounselingSession, CounselingSession.id == SessionAssignmentLink.session_id)
        .where(
            SessionAssignmentLink.relation == "homework",
            CounselingSession.kind == SessionKind.INDIVIDUAL,
        )
    )
    return Part(
        (Assignment, AssignmentRecipient),
        sa.and_(
            Assignment.case_id == case_id,
            Assignment.removed_at.is_(None),
            Assignment.id.in_(homework),
        ),
        joins=((AssignmentRecipient, AssignmentRecipient.assignment_id == Assignment.id),),
        order_by=(Assignment.id, AssignmentRecipient.id),
    )


def private_homework_from(rows: list[tuple[Any, ...]]) -> list[tuple[Assignment, int]]:
    """``private_homework`` from the rows of ``private_homework_part``."""
    return [(assignment, r.user_id) for assignment, r in rows if r is not None]


def private_homework(case_id: int) -> list[tuple[Assignment, int]]:
    """Homework given in the case's individual sessions, with its (one) recipient's user id."""
    return private_homework_from(read({"h": private_homework_part(case_id)}).rows["h"])


def ask(counselor: User, case: Case, assignment_id: int) -> DisclosureRequest:
    """Ask the author of a private homework to bring it into a joint session (once)."""
    if not confidentiality.may_ask_to_disclose(confidentiality.policy_of(case.id)):
        raise DisclosureError(
            "Only under “Limited secrets” can you ask to bring a private item in."
        )
    item = next(((a, u) for a, u in private_homework(case.id) if a.id == assignment_id), None)
    if item is None:
        raise DisclosureError("That is not a private item of this case.")
    assignment, author_id = item
    existing = db.session.scalar(
        sa.select(DisclosureRequest).where(
            DisclosureRequest.case_id == case.id,
            DisclosureRequest.author_id == author_id,
            DisclosureRequest.item_kind == confidentiality.ASSIGNMENT,
            DisclosureRequest.item_id == assignment.id,
        )
    )
    if existing is not None:
        return existing
    request = DisclosureRequest(
        case_id=case.id,
        author_id=author_id,
        item_kind=confidentiality.ASSIGNMENT,
        item_id=assignment.id,
        asked_by_id=counselor.id,
    )
    db.session.add(request)
    db.session.flush()
    audit.record("confidentiality.disclosure_asked", request, case_id=case.id)
    return request


def pending_for(user: User) -> list[tuple[DisclosureRequest, str]]:
    """Requests waiting for the user's answer, with the module title they are about."""
    from app.models import ModuleVersion

    rows = db.session.execute(
        sa.select(DisclosureRequest, ModuleVersion.title)
        .join(Assignment, Assignment.id == DisclosureRequest.item_id)
        .join(ModuleVersion, ModuleVersion.id == Assignment.module_version_id)
        .where(
            DisclosureRequest.author_id == user.id,
            DisclosureRequest.item_kind == confidentiality.ASSIGNMENT,
            DisclosureRequest.answer.is_(None),
        )
        .order_by(DisclosureRequest.asked_at)
    )
    return [(request, title) for request, title in rows]


def answer(user: User, request_id: int, agreed: bool) -> DisclosureRequest | None:
    """The author's own answer (None when the request is not theirs or was answered)."""
    request = db.session.get(DisclosureRequest, request_id)
    if request is None or request.author_id != user.id:
        return None
    if request.answer is None:
        request.answer = DisclosureAnswer.AGREED if agreed else DisclosureAnswer.DECLINED
        request.answered_at = utcnow()
        db.session.flush()
        audit.record(
            "confidentiality.disclosure_answered",
            request,
            case_id=request.case_id,
            detail=request.answer.value,
        )
    return request


def requests_part(case_id: int) -> Part:
    """The case's requests to disclose homework (the counselor's view)."""
    return Part(
        (DisclosureRequest,),
        sa.and_(
            DisclosureRequest.case_id == case_id,
            DisclosureRequest.item_kind == confidentiality.ASSIGNMENT,
        ),
        order_by=(DisclosureRequest.id,),
    )


def requests_from(requests: list[DisclosureRequest]) -> dict[int, DisclosureRequest]:
    """The requests by item id."""
    return {r.item_id: r for r in requests}


def requests_of_case(case_id: int) -> dict[int, DisclosureRequest]:
    """The case's requests by item id (the counselor's view)."""
    return requests_from(read({"r": requests_part(case_id)}).first("r"))
