"""The case's confidentiality policy, as rules (docs/security.md "Who sees what").

A partner's *private items* are what they bring to the counselor alone: their private message
thread (the messages feature), the notes of individual sessions, and the homework given in an
individual session (its assignment and every answer to it). Where such an item may go depends
on the policy the counselor set for the case and both partners signed:

* ``SECRETS_KEPT``: never to joint-session PDFs, the joint thread or the other partner, in any
  form, whatever the author's sharing choice says;
* ``LIMITED_SECRETS``: only once the author agreed to bring that one item into a joint session
  (a ``DisclosureRequest`` answered "agreed", recording who agreed to what, when);
* ``NO_SECRETS``: it may be brought into joint sessions; the private and individual pages
  remind the partner of this before they write. The author's own sharing choice still decides
  whether the other partner reads it in the app.

A case without a policy yet is treated as ``SECRETS_KEPT`` (deny by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import (
    AssignmentRecipient,
    CaseConfidentiality,
    ConfidentialityPolicy,
    CounselingSession,
    DisclosureAnswer,
    DisclosureRequest,
    Response,
    SessionAssignmentLink,
    SessionKind,
)

#: What each policy is called, as both partners read it in the agreement they sign.
LABELS: Mapping[ConfidentialityPolicy, str] = {
    ConfidentialityPolicy.NO_SECRETS: "No secrets",
    ConfidentialityPolicy.LIMITED_SECRETS: "Limited secrets",
    ConfidentialityPolicy.SECRETS_KEPT: "Secrets kept",
}
#: Its effects, in plain words, for the agreement and the case page.
EFFECTS: Mapping[ConfidentialityPolicy, tuple[str, ...]] = {
    ConfidentialityPolicy.NO_SECRETS: (
        "What either of you tells the counselor alone may be brought into your joint sessions.",
        "Before you write in your private thread or for an individual session, "
        "the app reminds you of this.",
    ),
    ConfidentialityPolicy.LIMITED_SECRETS: (
        "What you tell the counselor alone stays between you and the counselor.",
        "The counselor may ask you to bring one private item into a joint session; "
        "it is brought in only if you agree, and your answer is recorded.",
    ),
    ConfidentialityPolicy.SECRETS_KEPT: (
        "What you tell the counselor alone stays between you and the counselor.",
        "It never reaches your partner, your joint sessions or their summaries, in any form.",
    ),
}
DEFAULT = ConfidentialityPolicy.SECRETS_KEPT
ASSIGNMENT = "assignment"


def policy_of(case_id: int) -> ConfidentialityPolicy | None:
    """The policy the counselor set for the case, or None before intake sets it."""
    return db.session.scalar(
        sa.select(CaseConfidentiality.policy).where(CaseConfidentiality.case_id == case_id)
    )


def effective(policy: ConfidentialityPolicy | None) -> ConfidentialityPolicy:
    """The policy the rules follow: the one set, or the most protective."""
    return policy or DEFAULT


def reminds_before_writing(policy: ConfidentialityPolicy | None) -> bool:
    """Whether private and individual pages remind the partner before they write."""
    return effective(policy) is ConfidentialityPolicy.NO_SECRETS


def may_ask_to_disclose(policy: ConfidentialityPolicy | None) -> bool:
    """Whether the counselor may ask an author to bring a private item into a joint session."""
    return effective(policy) is ConfidentialityPolicy.LIMITED_SECRETS


def private_item_may_reach_joint(policy: ConfidentialityPolicy | None, *, agreed: bool) -> bool:
    """Whether a private item may reach joint sessions, their PDFs, the joint thread, the partner."""
    rule = effective(policy)
    if rule is ConfidentialityPolicy.NO_SECRETS:
        return True
    if rule is ConfidentialityPolicy.LIMITED_SECRETS:
        return agreed
    return False


def _individual_homework(case_id: Any) -> sa.Select[Any]:
    return (
        sa.select(SessionAssignmentLink.assignment_id)
        .join(CounselingSession, CounselingSession.id == SessionAssignmentLink.session_id)
        .where(
            SessionAssignmentLink.relation == "homework",
            CounselingSession.kind == SessionKind.INDIVIDUAL,
            CounselingSession.case_id == case_id,
        )
    )


def withheld_assignment_ids(case_id: int) -> set[int]:
    """Assignments of the case that are private items its policy keeps out of joint work."""
    rule = effective(policy_of(case_id))
    if rule is ConfidentialityPolicy.NO_SECRETS:
        return set()
    private = set(db.session.scalars(_individual_homework(case_id)))
    if rule is ConfidentialityPolicy.LIMITED_SECRETS and private:
        private -= agreed_items(case_id, ASSIGNMENT)
    return private


def agreed_items(case_id: int, item_kind: str) -> set[int]:
    """Ids of the case's private items of ``item_kind`` whose author agreed to bring them in."""
    return set(
        db.session.scalars(
            sa.select(DisclosureRequest.item_id).where(
                DisclosureRequest.case_id == case_id,
                DisclosureRequest.item_kind == item_kind,
                DisclosureRequest.answer == DisclosureAnswer.AGREED,
            )
        )
    )


def answers_withheld_from_partner() -> ColumnElement[bool]:
    """Answer rows to individual-session homework the case's policy keeps from the partner.

    Secrets kept (or no policy yet): every such answer; limited secrets: those whose
    assignment the author did not agree to bring in; no secrets: none.
    """
    from app.models import Assignment

    policy = sa.func.coalesce(
        sa.select(CaseConfidentiality.policy)
        .where(CaseConfidentiality.case_id == Assignment.case_id)
        .scalar_subquery(),
        DEFAULT.value,
    )
    agreed = sa.exists().where(
        DisclosureRequest.case_id == Assignment.case_id,
        DisclosureRequest.item_kind == ASSIGNMENT,
        DisclosureRequest.item_id == Assignment.id,
        DisclosureRequest.answer == DisclosureAnswer.AGREED,
    )
    individual = sa.exists().where(
        SessionAssignmentLink.assignment_id == Assignment.id,
        SessionAssignmentLink.relation == "homework",
        CounselingSession.id == SessionAssignmentLink.session_id,
        CounselingSession.kind == SessionKind.INDIVIDUAL,
    )
    withheld_recipients = (
        sa.select(AssignmentRecipient.id)
        .join(Assignment, Assignment.id == AssignmentRecipient.assignment_id)
        .where(
            individual,
            sa.or_(
                policy == ConfidentialityPolicy.SECRETS_KEPT.value,
                sa.and_(policy == ConfidentialityPolicy.LIMITED_SECRETS.value, sa.not_(agreed)),
            ),
        )
    )
    return Response.recipient_id.in_(withheld_recipients)


def withheld_from_partner(kind_name: str) -> ColumnElement[bool]:
    """Rows of a kind that are private items the policy keeps from the other partner."""
    if kind_name == "exercise answer":
        return answers_withheld_from_partner()
    # The journal is not a private item (its author's choice decides); the private message
    # thread is, and its feature wires ``private_message_may_reach_joint``.
    return sa.false()


def private_message_may_reach_joint(case_id: int, message_id: int) -> bool:
    """Hook for the messages feature: may this private-thread message reach joint work?

    The joint thread, joint-session PDFs and the other partner must ask this before showing a
    private-thread message (quoted, moved or summarised) anywhere outside the private thread.
    """
    agreed = message_id in agreed_items(case_id, "message")
    return private_item_may_reach_joint(policy_of(case_id), agreed=agreed)
