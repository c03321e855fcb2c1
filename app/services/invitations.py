"""Invitations: one-time, expiring links that let someone set a password (and join a case).

Only the sha256 of a token is stored. The raw token exists in three places only: the link the
counselor (or admin) is shown once, the e-mail when one is sent, and the invitee's browser.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request, session, url_for

from app import audit
from app.auth.services import set_password
from app.database import rows_changed
from app.extensions import db
from app.models import Case, CaseMember, Invitation, MemberRole, User, utcnow

#: Where the links created in this request wait until the page that shows them is rendered.
_SHOW_ONCE_KEY = "new_invitation_links"


@dataclass(frozen=True)
class Place:
    """A place in a case as the counselor asked for it: the role, and whom they typed."""

    role: str
    name: str
    email: str


class InvitationUnusable(Exception):
    """The link cannot be used; ``state`` says why (unknown, used, revoked, expired, joined).

    ``answer_signed_in``: an invitation to a case for an account that already has a password;
    it is answered (accepted or declined) on the client's home page after signing in.
    """

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    user: User | None,
    *,
    case_id: int | None,
    created_by: User | None,
    place: Place | None = None,
    sets_password: bool = True,
) -> tuple[Invitation, str]:
    """A new invitation; the pending one it replaces (same account, or same place) is revoked.

    With ``place`` it invites to a place in case ``case_id``: ``user`` is the account that may
    accept it, or None when nobody may (the link then never works).
    """
    now = utcnow()
    if place is not None:
        earlier = sa.and_(Invitation.case_id == case_id, Invitation.member_role == place.role)
    else:
        assert user is not None
        earlier = sa.and_(
            Invitation.user_id == user.id,
            Invitation.case_id.is_(None) if case_id is None else Invitation.case_id == case_id,
        )
    db.session.execute(
        sa.update(Invitation)
        .where(
            earlier,
            Invitation.used_at.is_(None),
            Invitation.declined_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    days = int(current_app.config["REKINDLE_INVITATION_DAYS"])
    invitation = Invitation(
        token_hash=hash_token(token),
        user_id=user.id if user else None,
        case_id=case_id,
        member_role=place.role if place else None,
        invitee_name=place.name if place else None,
        invitee_email=place.email if place else None,
        # Account invitations always set the password; a place invitation only when told.
        sets_password=sets_password if place else True,
        created_by_id=created_by.id if created_by else None,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    # Only the audit trail (the admin's) records that an address could not be invited.
    audit.record(
        "invitation.issued",
        invitation,
        case_id=case_id,
        detail=None if user is not None else "address of no client who could accept",
    )
    return invitation, token


def revoke(invitation: Invitation) -> None:
    """Make a pending link stop working."""
    if invitation.state == "pending":
        invitation.revoked_at = utcnow()
        audit.record("invitation.revoked", invitation, case_id=invitation.case_id)


def find(token: str) -> Invitation | None:
    """The invitation behind a raw token, or None."""
    if not token or len(token) > 200:
        return None
    return db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == hash_token(token))
    )


def usable(token: str) -> tuple[Invitation, User]:
    """The pending invitation and its invitee, or ``InvitationUnusable`` saying why not."""
    invitation = find(token)
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.user_id is None:
        # An address nobody may join from (staff, a deactivated account): the link never works,
        # and answers like a link to an existing account, so opening it tells nothing more.
        raise InvitationUnusable("answer_signed_in" if invitation.member_role else "unknown")
    if invitation.state != "pending":
        raise InvitationUnusable("used" if invitation.state == "declined" else invitation.state)
    user = db.session.get(User, invitation.user_id)
    if user is None or not user.is_active:
        raise InvitationUnusable("revoked")
    if invitation.member_role and (user.has_password or not invitation.sets_password):
        # An invitation to an account that existed before it is answered after signing in.
        raise InvitationUnusable("answer_signed_in")
    if user.has_password:
        # An old link must never reset the password of an account already in use.
        raise InvitationUnusable("joined")
    return invitation, user


def accept(token: str, password: str) -> User:
    """Use the link once: set the password (policy checked) and mark it used; flushes."""
    invitation, user = usable(token)
    set_password(user, password)  # raises PasswordRejected before anything is marked used
    used = db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if rows_changed(used) != 1:  # a second click or a revocation won the race
        raise InvitationUnusable("used")
    # The account is set up: any other pending password link for it is spent too. Invitations
    # to other cases stay open: they wait on the home page, to be accepted or declined there.
    db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.user_id == user.id,
            Invitation.id != invitation.id,
            Invitation.member_role.is_(None),
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    take_place(invitation, user)
    audit.record("invitation.accepted", invitation, case_id=invitation.case_id, actor=user)
    return user


def take_place(invitation: Invitation, user: User) -> CaseMember | None:
    """Make the invitee a member of the invitation's case, in the place it names.

    Called only once the invitee has said yes. None for an invitation to no case, or when the
    place was filled meanwhile (only possible for cases made before invitations held places).
    """
    if invitation.member_role is None or invitation.case_id is None:
        return None
    taken = db.session.scalar(
        sa.select(CaseMember.id).where(
            CaseMember.case_id == invitation.case_id,
            sa.or_(CaseMember.role == invitation.member_role, CaseMember.user_id == user.id),
        )
    )
    if taken is not None:
        return None
    member = CaseMember(
        case_id=invitation.case_id, user_id=user.id, role=MemberRole(invitation.member_role)
    )
    db.session.add(member)
    case = db.session.get(Case, invitation.case_id)
    if case is not None:
        case.updated_at = utcnow()
    db.session.flush()
    return member


def latest_by_user(case_id: int) -> dict[int, Invitation]:
    """The newest invitation of each member of a case, in one query."""
    rows = db.session.scalars(
        sa.select(Invitation).where(Invitation.case_id == case_id).order_by(Invitation.id)
    )
    return {invitation.user_id: invitation for invitation in rows if invitation.user_id}


def latest_of(
    case_invitations: list[Invitation],
) -> tuple[dict[int, Invitation], dict[str, Invitation]]:
    """The newest invitation of each member and of each place, from a case's invitations.

    The same answer as ``latest_by_user`` (and the same for places), from rows already loaded
    with the case (the case page's statement budget, docs/performance.md T1).
    """
    ordered = sorted(case_invitations, key=lambda invitation: invitation.id)
    by_user = {i.user_id: i for i in ordered if i.user_id}
    by_place = {i.member_role or "": i for i in ordered if i.member_role is not None}
    return by_user, by_place


def latest_staff_invitations(user_ids: list[int]) -> dict[int, Invitation]:
    """The newest account invitation (no case) of each given staff user, in one query."""
    if not user_ids:
        return {}
    rows = db.session.scalars(
        sa.select(Invitation)
        .where(Invitation.user_id.in_(user_ids), Invitation.case_id.is_(None))
        .order_by(Invitation.id)
    )
    return {invitation.user_id: invitation for invitation in rows if invitation.user_id}


def link(token: str) -> str:
    """The absolute ``/invite/<token>`` link, on the public URL when one is configured."""
    base: str | None = current_app.config.get("REKINDLE_PUBLIC_URL")
    path = url_for("auth.accept_invitation", token=token)
    if base:
        return base.rstrip("/") + path
    return request.host_url.rstrip("/") + path


def show_once(invitation: Invitation, token: str) -> None:
    """Keep the link for the next page of this browser, which shows it once and forgets it."""
    links = dict(session.get(_SHOW_ONCE_KEY, {}))
    links[str(invitation.id)] = token
    session[_SHOW_ONCE_KEY] = links


def take_shown_once(invitation_ids: list[int]) -> dict[int, str]:
    """Links waiting to be shown for these invitations (removed from the session on reading)."""
    waiting = dict(session.get(_SHOW_ONCE_KEY, {}))
    taken = {i: link(waiting.pop(str(i))) for i in invitation_ids if str(i) in waiting}
    if taken:
        if waiting:
            session[_SHOW_ONCE_KEY] = waiting
        else:
            session.pop(_SHOW_ONCE_KEY, None)
    return taken
