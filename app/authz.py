"""Authorization in one place: who may reach which endpoint and which objects.

* ``PUBLIC_ENDPOINTS`` is the allowlist for anonymous requests; everything else needs a
  signed-in user (``require_login`` runs before every request).
* ``roles_required`` guards a view by role.
* The ``*_for_*`` helpers fetch an object only when it is in the signed-in user's scope and
  answer 404 otherwise, so ids outside one's scope are indistinguishable from missing ones.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import NoReturn, TypeVar

import sqlalchemy as sa
from flask import abort, request
from flask_login import current_user

from app import audit
from app.extensions import db, login_manager
from app.models import Case, CaseMember, CaseStatus, Role

PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "bootstrap.static",
        "auth.login",
        "auth.accept_invitation",
        "auth.forgot_password",
        "auth.reset_password",
        "auth.request_sign_in_link",
        "auth.sign_in_link",
        "main.healthz",
        "appointments.feed",  # calendar apps fetch it with its secret token, no sign-in
        "intake.neutral",  # the quick exit's neutral page
    }
)

F = TypeVar("F", bound=Callable)


def require_login():
    """``before_request``: deny by default; only allowlisted endpoints are anonymous."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Let only the given roles through; others get 404 (they have no such page)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                deny(f"role {current_user.role} at {request.endpoint}")
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def record_denial(detail: str, *, case_id: int | None = None) -> None:
    """Write the one audit event of a refusal (AUD-1) when the refusal answers by itself."""
    audit.record("access.denied", case_id=case_id, outcome="denied", detail=detail)


def deny(detail: str, *, case_id: int | None = None, code: int = 404) -> NoReturn:
    """Record a denial in the audit trail and answer 404 (or ``code``)."""
    record_denial(detail, case_id=case_id)
    abort(code)


def case_for_counselor(case_id: int, *, writable: bool = False) -> Case:
    """A case of the signed-in counselor, or 404. ``writable`` also refuses closed cases."""
    case = db.session.get(Case, case_id)
    if (
        case is None
        or current_user.role is not Role.COUNSELOR
        or case.counselor_id != current_user.id
    ):
        deny(f"case {case_id}", case_id=case_id)
    if writable:
        ensure_open(case)
    return case


def membership_for_client(case_id: int | None = None) -> CaseMember:
    """The signed-in client's membership in ``case_id`` (or their most recent case), or 404."""
    query = sa.select(CaseMember).where(
        CaseMember.user_id == current_user.id, CaseMember.erased_at.is_(None)
    )
    if case_id is not None:
        query = query.where(CaseMember.case_id == case_id)
    member = db.session.scalars(query.order_by(CaseMember.joined_at.desc()).limit(1)).first()
    if member is None or current_user.role is not Role.CLIENT:
        deny(f"membership of case {case_id}", case_id=case_id)
    return member


def client_case_ids() -> list[int]:
    """Ids of every case the signed-in client belongs to."""
    return list(
        db.session.scalars(
            sa.select(CaseMember.case_id).where(
                CaseMember.user_id == current_user.id, CaseMember.erased_at.is_(None)
            )
        )
    )


def ensure_open(case: Case) -> None:
    """A closed case is read-only: refuse changes with 409 and a clear page."""
    if case.status is CaseStatus.CLOSED:
        abort(
            409, description="This case is closed, so it can no longer be changed. Reopen it first."
        )


def session_for_counselor(case_id: int, session_id: int, *, writable: bool = False):
    """``(case, session)`` when the session belongs to a case of the signed-in counselor, or 404.

    The session comes with attendees, note, signer and amendments loaded.
    """
    from app.services.sessions import load_session

    case = case_for_counselor(case_id, writable=writable)
    session = load_session(case.id, session_id)
    if session is None:
        deny(f"session {session_id} of case {case_id}", case_id=case_id)
    return case, session


# --- data protection: the admin's erasure of a client account ---


def client_for_erasure(user_id: int):
    """A client account the signed-in admin may erase (not erased yet), or 404."""
    from app.models import User

    user = db.session.get(User, user_id)
    if (
        user is None
        or current_user.role is not Role.ADMIN
        or user.role is not Role.CLIENT
        or user.erased_at is not None
    ):
        deny(f"user {user_id} (erasure)")
    return user


# --- caseload: members of a counselor's case, and the admin's view of accounts and cases ---


def member_for_counselor(case: Case, member_id: int) -> CaseMember:
    """A member of ``case`` (already scoped to the counselor), or 404."""
    member = db.session.get(CaseMember, member_id)
    if member is None or member.case_id != case.id:
        deny(f"member {member_id} of case {case.id}", case_id=case.id)
    return member


def place_invitation_for_counselor(case: Case, invitation_id: int):
    """An invitation to a place in ``case`` (already scoped to the counselor), or 404."""
    from app.models import Invitation

    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.case_id != case.id or invitation.member_role is None:
        deny(f"invitation {invitation_id} of case {case.id}", case_id=case.id)
    return invitation


def user_for_admin(user_id: int):
    """Any account other than the signed-in admin's own, for account management; else 404."""
    from app.models import User

    user = db.session.get(User, user_id)
    if (
        user is None
        or current_user.role is not Role.ADMIN
        or user.id == current_user.id
        or user.erased_at is not None
    ):
        deny(f"user {user_id}")
    return user


def case_for_admin(case_id: int) -> Case:
    """A case's metadata for the practice admin (never its clinical content), or 404."""
    case = db.session.get(Case, case_id)
    if case is None or current_user.role is not Role.ADMIN:
        deny(f"case {case_id}", case_id=case_id)
    return case


def entry_for_author(entry_id: int, *, writable: bool = False):
    """The signed-in client's own journal entry (with its case), or 404.

    ``writable`` also refuses entries of closed cases.
    """
    from sqlalchemy.orm import joinedload

    from app import policy
    from app.models import JournalEntry

    entry = db.session.scalar(
        sa.select(JournalEntry)
        .join(CaseMember, CaseMember.case_id == JournalEntry.case_id)
        .where(
            JournalEntry.id == entry_id,
            policy.readable_by_author(policy.JOURNAL, current_user, policy.EVERY_CASE),
            CaseMember.user_id == current_user.id,
            CaseMember.erased_at.is_(None),
        )
        .options(joinedload(JournalEntry.case))
    )
    if entry is None or current_user.role is not Role.CLIENT:
        deny(f"journal entry {entry_id} (author)")
    if writable:
        ensure_open(entry.case)
    return entry


def entry_for_reader(entry_id: int):
    """A journal entry someone else shared with the signed-in user, or 404.

    The case counselor reads what ``app.policy`` lets the counselor read; a client reads what
    it lets the partner read (their own entries go through ``entry_for_author``).
    """
    from sqlalchemy.orm import joinedload

    from app import policy
    from app.models import JournalEntry

    if current_user.role is Role.COUNSELOR:
        readable = policy.readable_by_counselor(policy.JOURNAL, current_user, policy.EVERY_CASE)
    else:
        readable = policy.readable_by_partner(policy.JOURNAL, current_user, policy.EVERY_CASE)
    entry = db.session.scalar(
        sa.select(JournalEntry)
        .where(JournalEntry.id == entry_id, readable)
        .options(joinedload(JournalEntry.case), joinedload(JournalEntry.author))
    )
    if entry is None:
        deny(f"journal entry {entry_id} (reader)")
    return entry


# --- modules: the library, assignments and clients' exercises ---


def module_for_counselor(module_id: int):
    """A built-in module or one of the signed-in counselor's own, or 404."""
    from app.models import StrategyModule

    module = db.session.get(StrategyModule, module_id)
    if (
        module is None
        or current_user.role is not Role.COUNSELOR
        or not (module.is_builtin or module.owner_id == current_user.id)
    ):
        deny(f"module {module_id}")
    return module


def assignment_for_counselor(case_id: int, assignment_id: int, *, writable: bool = False):
    """A current assignment of one of the counselor's cases, with its details loaded, or 404."""
    from sqlalchemy.orm import joinedload, selectinload

    from app.models import Assignment, AssignmentRecipient, ModuleVersion

    case = case_for_counselor(case_id, writable=writable)
    assignment = db.session.scalar(
        sa.select(Assignment)
        .where(
            Assignment.id == assignment_id,
            Assignment.case_id == case.id,
            Assignment.removed_at.is_(None),
        )
        .options(
            joinedload(Assignment.case),
            selectinload(Assignment.recipients).joinedload(AssignmentRecipient.user),
            joinedload(Assignment.module_version).selectinload(ModuleVersion.exercises),
            joinedload(Assignment.module_version).joinedload(ModuleVersion.module),
        )
    )
    if assignment is None:
        deny(f"assignment {assignment_id} of case {case_id}", case_id=case_id)
    return assignment


def recipient_for_client(recipient_id: int, *, writable: bool = False):
    """The signed-in client's own copy of a current assignment, or 404.

    ``writable`` also refuses closed cases.
    """
    from sqlalchemy.orm import joinedload

    from app.models import Assignment, AssignmentRecipient, ModuleVersion

    recipient = db.session.scalar(
        sa.select(AssignmentRecipient)
        .join(Assignment, Assignment.id == AssignmentRecipient.assignment_id)
        .join(
            CaseMember,
            sa.and_(
                CaseMember.case_id == Assignment.case_id,
                CaseMember.user_id == AssignmentRecipient.user_id,
            ),
        )
        .where(
            AssignmentRecipient.id == recipient_id,
            AssignmentRecipient.user_id == current_user.id,
            Assignment.removed_at.is_(None),
            CaseMember.erased_at.is_(None),
        )
        .options(
            joinedload(AssignmentRecipient.assignment).joinedload(Assignment.case),
            joinedload(AssignmentRecipient.assignment)
            .joinedload(Assignment.module_version)
            .selectinload(ModuleVersion.exercises),
        )
    )
    if recipient is None or current_user.role is not Role.CLIENT:
        deny(f"assignment recipient {recipient_id}")
    if writable:
        ensure_open(recipient.assignment.case)
    return recipient


def case_for_counselor_loaded(case_id: int, *options) -> Case:
    """Like ``case_for_counselor``, but loads the case with ``options`` in the same query."""
    case = (
        db.session.scalars(
            sa.select(Case)
            .where(Case.id == case_id, Case.counselor_id == current_user.id)
            .options(*options)
            .execution_options(populate_existing=True)
        )
        .unique()
        .first()
    )
    if case is None or current_user.role is not Role.COUNSELOR:
        deny(f"case {case_id}", case_id=case_id)
    return case
