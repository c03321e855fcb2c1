"""Demo data of the modules feature: the built-in library and assignments in every status.

What each assignment says (notes, answers, feedback) is in ``data/modules.toml``.

The Rivera couple gets four assignments (reviewed, submitted by one partner, in progress,
not started) with realistic answers, some shared with the partner. Other demo cases, if the
caseload step made any, get one assignment each. Every assignment carries a ``demo-…``
request key, so running the seed again finds it instead of adding another.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.demo.accounts import demo_user
from app.demo.caseload import DEMO_COUPLE_LABEL, demo_couple_case
from app.demo.data import load, with_dates
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    AssignmentStatus,
    Case,
    CaseMember,
    ModuleVersion,
    Response,
    ResponseStatus,
    StrategyModule,
    User,
    Visibility,
    utcnow,
)
from app.services.assignments import assign_module
from app.services.modules import load_builtin_modules

COUNSELOR = Visibility.COUNSELOR


def _version(slug: str) -> ModuleVersion:
    return db.session.scalars(
        sa.select(ModuleVersion)
        .join(StrategyModule, StrategyModule.current_version_id == ModuleVersion.id)
        .where(StrategyModule.slug == slug)
        .options(selectinload(ModuleVersion.exercises))
    ).one()


def _assign(
    case: Case, slug: str, users: list[User], *, days_until_due: int, note: str
) -> tuple[Assignment, dict[int, AssignmentRecipient]] | None:
    """Assign once; None when the seed made this assignment before."""
    key = f"demo-{case.id}-{slug}"
    if db.session.scalar(sa.select(Assignment.id).where(Assignment.request_key == key)):
        return None
    counselor = db.session.get_one(User, case.counselor_id)
    assignment = assign_module(
        case,
        _version(slug),
        users,
        due_date=date.today() + timedelta(days=days_until_due),
        note=note,
        assigned_by=counselor,
        request_key=key,
    )
    recipients = db.session.scalars(
        sa.select(AssignmentRecipient).where(AssignmentRecipient.assignment_id == assignment.id)
    ).all()
    return assignment, {r.user_id: r for r in recipients}


def _answer(
    recipient: AssignmentRecipient,
    version: ModuleVersion,
    position: int,
    answer: dict[str, Any],
    visibility: Visibility = COUNSELOR,
    *,
    sent: bool = True,
) -> None:
    response = Response(
        recipient_id=recipient.id,
        exercise_id=version.exercises[position].id,
        status=ResponseStatus.SUBMITTED if sent else ResponseStatus.DRAFT,
        visibility=visibility,
        submitted_at=utcnow() if sent else None,
        draft_seq=1,
    )
    response.answer = answer
    db.session.add(response)
    if recipient.status is AssignmentStatus.ASSIGNED:
        recipient.status = AssignmentStatus.IN_PROGRESS
        recipient.started_at = utcnow()


def _finish(recipient: AssignmentRecipient, feedback: str | None = None) -> None:
    recipient.status = AssignmentStatus.SUBMITTED
    recipient.submitted_at = utcnow()
    if feedback:
        recipient.feedback = feedback
        recipient.status = AssignmentStatus.REVIEWED
        recipient.reviewed_at = utcnow()


def _seed_assignment(case: Case, spec: dict[str, Any], users: dict[str, User]) -> None:
    """One assignment of ``data/modules.toml`` with its recipients' answers, in file order."""
    made = _assign(
        case,
        spec["slug"],
        list(users.values()),
        days_until_due=spec["days_until_due"],
        note=spec["note"],
    )
    if not made:
        return
    _, by_user = made
    version = _version(spec["slug"])
    for recipient_spec in spec.get("recipient", []):
        recipient = by_user[users[recipient_spec["partner"]].id]
        for item in recipient_spec["answers"]:
            _answer(
                recipient,
                version,
                item["position"],
                with_dates(item["answer"], date.today()),
                Visibility(item.get("visibility", COUNSELOR)),
                sent=item.get("sent", True),
            )
        if recipient_spec.get("finished"):
            _finish(recipient, recipient_spec.get("feedback"))


def _seed_rivera(case: Case, alex: User, sam: User) -> None:
    for spec in load("modules")["rivera"]:
        _seed_assignment(case, spec, {"alex": alex, "sam": sam})


def _seed_other_cases(rivera_id: int) -> None:
    spec = load("modules")["other_cases"]
    cases = db.session.scalars(
        sa.select(Case)
        .where(Case.id != rivera_id, Case.label != DEMO_COUPLE_LABEL)
        .options(selectinload(Case.members).selectinload(CaseMember.user))
        .order_by(Case.id)
    ).all()
    # Gather first: audit events recorded outside a request commit, which expires loaded objects.
    plan = [(case, [m.user for m in case.members if m.erased_at is None]) for case in cases]
    for case, users in plan:
        if not users or case.is_closed:
            continue
        made = _assign(
            case,
            spec["slug"],
            users,
            days_until_due=spec["days_until_due"],
            note=spec["note"],
        )
        if made and len(users) > 0:
            _, r = made
            draft = spec["first_member_draft"]
            _answer(
                r[users[0].id],
                _version(spec["slug"]),
                draft["position"],
                dict(draft["answer"]),
                sent=False,
            )


def seed() -> None:
    """Load the built-in modules, then the demo assignments (idempotent)."""
    load_builtin_modules()
    db.session.commit()
    try:
        case = demo_couple_case()
    except LookupError:
        return
    couple = load("caseload")["couple"]
    _seed_rivera(case, demo_user(couple["partner_a"]), demo_user(couple["partner_b"]))
    db.session.commit()
    _seed_other_cases(case.id)
    db.session.commit()
