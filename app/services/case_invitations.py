"""Invitations to a place in a case: nobody joins a case without saying yes.

A counselor asks for a person by name and e-mail. Whatever the address belongs to, the answer
the counselor sees is the same: an invitation to that place, with a link. Only the invitee can
turn it into a membership, by choosing a password (a new account) or, for an account already in
use, by accepting it on their home page; they may decline instead. Until then nothing of theirs
reaches the case, and the case reaches nothing of theirs. Flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app import audit
from app.auth.services import find_user, normalise_email
from app.extensions import db
from app.models import Case, CaseStatus, Invitation, Role, User, utcnow
from app.services import invitations
from app.services.invitations import Place


@dataclass(frozen=True)
class PendingInvitation:
    """What the invitee is asked to join: the case and the counselor who asks."""

    invitation: Invitation
    case: Case
    counselor: User


class NotYours(LookupError):
    """No pending invitation with this id for the signed-in client."""


def invitee_for(email: str, name: str) -> tuple[User | None, bool]:
    """The account that may accept an invitation sent to ``email``, and whether it is new.

    An unknown address gets a new client account without a password (the link lets them choose
    one). An address of staff or of a deactivated or erased account gets nobody: its link never
    works and no e-mail is sent to it, so such an account is never tied to the case.
    """
    user = find_user(email)
    if user is None:
        user = User(email=normalise_email(email), name=name.strip(), role=Role.CLIENT)
        db.session.add(user)
        db.session.flush()
        return user, True
    if user.role is not Role.CLIENT or not user.is_active:
        return None, False
    return user, False


def invite(case: Case, place: Place, by: User) -> tuple[Invitation, str]:
    """Invite whoever ``place.email`` belongs to into ``place``; the same for every address.

    Only an account made here may choose its password through the link: for an account that
    existed already (even one still without a password), the link leads to signing in, so the
    counselor holding it can never take that account over.
    """
    place = Place(place.role, place.name.strip(), normalise_email(place.email))
    user, created = invitee_for(place.email, place.name)
    return invitations.issue(
        user, case_id=case.id, created_by=by, place=place, sets_password=created
    )


def reissue(case: Case, old: Invitation, by: User) -> tuple[Invitation, str]:
    """A fresh link for the same place and person; the old one stops working."""
    place = Place(old.member_role or "", old.invitee_name or "", old.invitee_email or "")
    user = db.session.get(User, old.user_id) if old.user_id else None
    if user is not None and (user.role is not Role.CLIENT or not user.is_active):
        user = None
    return invitations.issue(
        user, case_id=case.id, created_by=by, place=place, sets_password=old.sets_password
    )


def pending_for(user: User) -> list[PendingInvitation]:
    """Invitations to a case waiting for this client's answer, newest first."""
    rows = db.session.execute(
        sa.select(Invitation, Case)
        .join(Case, Case.id == Invitation.case_id)
        .where(
            Invitation.user_id == user.id,
            Invitation.member_role.is_not(None),
            Invitation.used_at.is_(None),
            Invitation.declined_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
            Case.status != CaseStatus.CLOSED,
        )
        .options(joinedload(Case.counselor))
        .order_by(Invitation.id.desc())
    ).all()
    return [PendingInvitation(inv, case, case.counselor) for inv, case in rows]


def _pending_of(invitation_id: int, user: User) -> Invitation:
    for pending in pending_for(user):
        if pending.invitation.id == invitation_id:
            return pending.invitation
    raise NotYours(invitation_id)


def accept(invitation_id: int, user: User) -> Case:
    """The client says yes: they become a member of the case in the place they were asked."""
    invitation = _pending_of(invitation_id, user)
    invitation.used_at = utcnow()
    invitations.take_place(invitation, user)
    audit.record("invitation.accepted", invitation, case_id=invitation.case_id, actor=user)
    db.session.flush()
    return db.session.get_one(Case, invitation.case_id)


def decline(invitation_id: int, user: User) -> None:
    """The client says no: the invitation is closed and they never join the case."""
    invitation = _pending_of(invitation_id, user)
    invitation.declined_at = utcnow()
    audit.record("invitation.declined", invitation, case_id=invitation.case_id, actor=user)
    db.session.flush()
