"""Cases: creating them with their members, status changes and reassignment. Flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app import audit
from app.auth.services import normalise_email
from app.extensions import db
from app.models import (
    Case,
    CaseKind,
    CaseMember,
    CaseStatus,
    CaseStatusChange,
    Invitation,
    MemberRole,
    Role,
    User,
    utcnow,
)
from app.services import case_invitations, invitations, read_handover
from app.services.concurrency import create_once
from app.services.invitations import Place
from app.services.listing import SEARCH_LENGTH, contains, one_page

#: Where a case may go from each status; reopening a closed case is its own use case.
TRANSITIONS: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    CaseStatus.INTAKE: (CaseStatus.ACTIVE, CaseStatus.CLOSED),
    CaseStatus.ACTIVE: (CaseStatus.PAUSED, CaseStatus.CLOSED),
    CaseStatus.PAUSED: (CaseStatus.ACTIVE, CaseStatus.CLOSED),
    CaseStatus.CLOSED: (),
}


class CaseRuleError(ValueError):
    """A rule refused the change; ``field`` names the form field the message belongs next to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class NewMember:
    """A member as the counselor typed them: name and e-mail, and the form field prefix."""

    name: str
    email: str
    field_prefix: str


@dataclass
class CreatedCase:
    """A new case and the links to show once (invitation, raw token)."""

    case: Case
    created: bool
    new_links: list[tuple[Invitation, str]]


def create_case(
    counselor: User,
    *,
    label: str,
    kind: CaseKind,
    members: list[NewMember],
    request_key: str | None,
) -> CreatedCase:
    """A new case in intake; each person named gets an invitation to their place in it."""
    expected = 2 if kind is CaseKind.COUPLE else 1
    if len(members) != expected:
        raise CaseRuleError("kind", "A couple has two partners; an individual case has one person.")
    if len({normalise_email(m.email) for m in members}) != len(members):
        raise CaseRuleError(
            f"{members[-1].field_prefix}_email", "Each partner needs their own e-mail address."
        )
    new_links: list[tuple[Invitation, str]] = []

    def build() -> Case:
        return Case(
            label=label.strip(),
            kind=kind,
            status=CaseStatus.INTAKE,
            counselor_id=counselor.id,
        )

    if request_key:
        existing = db.session.scalar(sa.select(Case).where(Case.request_key == request_key))
        if existing is not None:  # a double click: the first submit already made the case
            return CreatedCase(existing, False, [])
    case, created = create_once(Case, request_key, build)
    if not created:
        return CreatedCase(case, False, [])
    roles = (
        [MemberRole.PARTNER_A, MemberRole.PARTNER_B]
        if kind is CaseKind.COUPLE
        else [MemberRole.INDIVIDUAL]
    )
    db.session.add(
        CaseStatusChange(
            case_id=case.id,
            from_status=None,
            to_status=CaseStatus.INTAKE,
            changed_by_id=counselor.id,
        )
    )
    db.session.flush()
    # Nobody is made a member here: each person gets an invitation to their place and joins
    # only by accepting it. Every address is answered alike (see services.case_invitations).
    for member, role in zip(members, roles, strict=True):
        place = Place(role.value, member.name, member.email)
        new_links.append(case_invitations.invite(case, place, counselor))
    audit.record("case.created", case, detail=f"kind={kind.value} invited={len(members)}")
    return CreatedCase(case, True, new_links)


def case_for_request_key(request_key: str | None, counselor: User) -> Case | None:
    """The case an earlier submit of the same form created for this counselor, if any."""
    if not request_key:
        return None
    return db.session.scalar(
        sa.select(Case).where(Case.request_key == request_key, Case.counselor_id == counselor.id)
    )


def allowed_statuses(case: Case) -> tuple[CaseStatus, ...]:
    """The statuses the case can move to now."""
    return TRANSITIONS[case.status]


def change_status(case: Case, to_status: CaseStatus, by: User, reason: str | None = None) -> None:
    """Move the case along ``intake → active ⇄ paused → closed`` and record who did it."""
    if to_status not in TRANSITIONS[case.status]:
        raise CaseRuleError(
            "status", f"A case that is {case.status.value} cannot become {to_status.value}."
        )
    _record_change(case, to_status, by, reason)


def reopen(case: Case, by: User, reason: str) -> None:
    """Reopen a closed case (it becomes active again); the reason is required."""
    if case.status is not CaseStatus.CLOSED:
        raise CaseRuleError("reason", "Only a closed case can be reopened.")
    if not reason or not reason.strip():
        raise CaseRuleError("reason", "Please say why the case is reopened.")
    _record_change(case, CaseStatus.ACTIVE, by, reason)


def _record_change(case: Case, to_status: CaseStatus, by: User, reason: str | None) -> None:
    db.session.add(
        CaseStatusChange(
            case_id=case.id,
            from_status=case.status,
            to_status=to_status,
            reason=(reason or "").strip() or None,
            changed_by_id=by.id,
        )
    )
    audit.record("case.status_changed", case, detail=f"{case.status.value}->{to_status.value}")
    case.status = to_status
    case.updated_at = utcnow()
    db.session.flush()


def reissue_invitation(case: Case, member: CaseMember, by: User) -> tuple[Invitation, str]:
    """A fresh link for a member who has not joined yet; the old one stops working."""
    user = db.session.get(User, member.user_id)
    if user is None or user.has_password:
        raise CaseRuleError("member", "This person has already joined; they sign in as usual.")
    if not user.is_active:
        raise CaseRuleError("member", "This account is deactivated; ask the practice admin.")
    return invitations.issue(user, case_id=case.id, created_by=by)


def reissue_place_invitation(
    case: Case, invitation: Invitation, by: User
) -> tuple[Invitation, str]:
    """A fresh link for a place nobody has taken yet; the old one stops working."""
    if invitation.state in ("used", "declined"):
        raise CaseRuleError("member", "This invitation has been answered; it cannot be renewed.")
    return case_invitations.reissue(case, invitation, by)


def revoke_place_invitation(invitation: Invitation) -> None:
    """Withdraw a pending invitation to a place in the case."""
    if invitation.state != "pending":
        raise CaseRuleError("member", "There is no open invitation to withdraw.")
    invitations.revoke(invitation)


def revoke_invitation(case: Case, member: CaseMember) -> None:
    """Stop the member's pending link from working."""
    invitation = invitations.latest_by_user(case.id).get(member.user_id)
    if invitation is None or invitation.state != "pending":
        raise CaseRuleError("member", "There is no open invitation to withdraw.")
    invitations.revoke(invitation)


def reassign(case: Case, counselor_id: int) -> User:
    """Give the case to another active counselor; the previous one loses access at once."""
    counselor = db.session.get(User, counselor_id)
    if counselor is None or counselor.role is not Role.COUNSELOR or not counselor.is_active:
        raise CaseRuleError("counselor", "Choose an active counselor.")
    if counselor.id == case.counselor_id:
        raise CaseRuleError("counselor", "This counselor already holds the case.")
    audit.record("case.reassigned", case, detail=f"counselor {case.counselor_id}->{counselor.id}")
    # In the same transaction: the move and what the new counselor has already read.
    read_handover.carry_over(case.id, case.counselor_id, counselor.id)
    case.counselor_id = counselor.id
    case.updated_at = utcnow()
    db.session.flush()
    return counselor


def names_of(user_ids: set[int]) -> dict[int, str]:
    """``{user id: name}`` of some accounts (staff names for a case's history)."""
    if not user_ids:
        return {}
    return dict(
        db.session.execute(sa.select(User.id, User.name).where(User.id.in_(user_ids))).all()
    )


def active_counselors() -> list[User]:
    """Counselors who can take a case."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.COUNSELOR, User.active.is_(True), User.erased_at.is_(None))
            .order_by(User.name)
        )
    )


def case_members(case: Case, *, erased: bool = False) -> list[CaseMember]:
    """The case's current (or, with ``erased``, erased) members with their users, partner A first.

    The case page loads members once with the case; its sections reuse them instead of asking
    the database again (docs/performance.md T1). Elsewhere they are queried.
    """
    from sqlalchemy.orm import joinedload

    if "members" not in sa.inspect(case).unloaded:
        members = list(case.members)
    else:
        members = list(
            db.session.scalars(
                sa.select(CaseMember)
                .where(CaseMember.case_id == case.id)
                .options(joinedload(CaseMember.user))
            )
        )
    chosen = [m for m in members if (m.erased_at is not None) == erased]
    return sorted(chosen, key=lambda m: (m.erased_at, m.role) if erased else m.role)


def client_memberships(user: User) -> list[CaseMember]:
    """The client's current memberships with their cases and counselors, newest first."""
    from sqlalchemy.orm import joinedload

    return list(
        db.session.scalars(
            sa.select(CaseMember)
            .where(CaseMember.user_id == user.id, CaseMember.erased_at.is_(None))
            .options(joinedload(CaseMember.case).joinedload(Case.counselor))
            .order_by(CaseMember.joined_at.desc())
        )
    )


def case_list(
    *, search: str = "", counselor_id: int | None = None, status: str = "", page: int = 1
) -> tuple[list[Case], int, int]:
    """A page of the practice's cases for the admin: ``(cases, page, pages)``.

    Searched by label or counselor name, filtered by counselor and status; metadata only.
    """
    from sqlalchemy.orm import joinedload

    filters = []
    search = search.strip()[:SEARCH_LENGTH]
    if search:
        by_name = sa.select(User.id).where(contains(User.name, search))
        filters.append(sa.or_(contains(Case.label, search), Case.counselor_id.in_(by_name)))
    if counselor_id:
        filters.append(Case.counselor_id == counselor_id)
    if status in {s.value for s in CaseStatus}:
        filters.append(Case.status == CaseStatus(status))
    query = (
        sa.select(Case)
        .where(*filters)
        .options(joinedload(Case.counselor))
        .order_by(Case.label, Case.id)
    )
    return one_page(query, page)


def all_cases() -> list[Case]:
    """Every case of the practice with its counselor, by label (metadata for the admin)."""
    from sqlalchemy.orm import joinedload

    return list(
        db.session.scalars(
            sa.select(Case).options(joinedload(Case.counselor)).order_by(Case.label, Case.id)
        )
    )
