"""Demo data of the modules feature: the built-in library and assignments in every status.

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

SHARED = Visibility.COUNSELOR_AND_PARTNER
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


def _seed_rivera(case: Case, alex: User, sam: User) -> None:
    made = _assign(
        case,
        "reflect-on-the-relationship",
        [alex, sam],
        days_until_due=-10,
        note="Answer on your own, at your own pace. We will talk about what you choose to share.",
    )
    if made:
        _, r = made
        v = _version("reflect-on-the-relationship")
        _answer(
            r[alex.id],
            v,
            0,
            {
                "text": "Our first year in the flat on Elm Street. Cooking late, laughing at nothing."
            },
            SHARED,
        )
        _answer(
            r[alex.id],
            v,
            1,
            {
                "text": "After the move for my job. I was tired all the time and stopped asking about Sam's day."
            },
        )
        _answer(
            r[alex.id],
            v,
            2,
            {
                "checked": [
                    "I withdrew or went quiet instead of saying what I felt",
                    "I put work, friends or screens before time together",
                ],
                "note": "The quiet part is the one I want to work on.",
            },
            SHARED,
        )
        _answer(
            r[alex.id],
            v,
            3,
            {"text": "I went silent when I was hurt. I want to say 'I need a minute' instead."},
        )
        _finish(
            r[alex.id],
            "Thank you, Alex. Naming the silence is a real step; let's practise the 'I need a minute' phrase next session.",
        )
        _answer(
            r[sam.id],
            v,
            0,
            {"text": "Weekend walks by the river, and how easy it was to talk back then."},
            SHARED,
        )
        _answer(
            r[sam.id],
            v,
            1,
            {
                "text": "When we stopped planning anything together and just passed each other in the hall."
            },
        )
        _answer(
            r[sam.id],
            v,
            2,
            {
                "checked": [
                    "I raised my voice or said things I later regretted",
                    "I found it hard to accept an apology",
                ],
                "note": "",
            },
        )
        _answer(
            r[sam.id],
            v,
            3,
            {
                "text": "I kept bringing up old arguments. I would like to let Alex finish before I answer."
            },
        )
        _finish(
            r[sam.id],
            "Sam, your honesty about old arguments will help both of you. We'll try the listening exercise together.",
        )

    made = _assign(
        case,
        "give-each-other-space",
        [alex, sam],
        days_until_due=-2,
        note="Use the dates we agreed on in our last session.",
    )
    if made:
        _, r = made
        v = _version("give-each-other-space")
        start = date.today() - timedelta(days=12)
        _answer(
            r[alex.id], v, 0, {"value": 6, "note": "Some distance helps, but I miss our routines."}
        )
        _answer(
            r[alex.id],
            v,
            1,
            {"checked": ["Regular sleep and meals", "Writing in my journal"], "note": ""},
        )
        _answer(
            r[alex.id],
            v,
            2,
            {
                "start_date": start.isoformat(),
                "end_date": (start + timedelta(days=14)).isoformat(),
                "checkin": "Day 1: strange but calm.\nDay 2: long walk, slept well.\nDay 3: wanted to text, wrote in my journal instead.",
            },
            SHARED,
        )
        _answer(
            r[alex.id],
            v,
            3,
            {
                "text": "I can be on my own without panicking. I also noticed how much I rely on Sam to plan things."
            },
        )
        _finish(r[alex.id])
        _answer(r[sam.id], v, 0, {"value": 8, "note": ""})
        _answer(
            r[sam.id],
            v,
            2,
            {
                "start_date": start.isoformat(),
                "end_date": "",
                "checkin": "Day 1: relieved, then sad.",
            },
            sent=False,
        )

    made = _assign(
        case,
        "focus-on-personal-growth",
        [alex, sam],
        days_until_due=9,
        note="Pick something small that is just for you.",
    )
    if made:
        _, r = made
        v = _version("focus-on-personal-growth")
        _answer(
            r[alex.id],
            v,
            0,
            {"checked": ["Being outdoors", "Learning something new"], "note": ""},
            SHARED,
        )
        _answer(
            r[alex.id],
            v,
            2,
            {
                "goal": "Join the Thursday pottery class",
                "steps": "Look up the community centre",
                "target_date": "",
            },
            sent=False,
        )

    _assign(
        case,
        "work-on-yourselves-as-a-couple",
        [alex, sam],
        days_until_due=21,
        note="For later: we will start this together in session.",
    )


def _seed_other_cases(rivera_id: int) -> None:
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
            "focus-on-personal-growth",
            users,
            days_until_due=7,
            note="Something small and just for you.",
        )
        if made and len(users) > 0:
            _, r = made
            v = _version("focus-on-personal-growth")
            _answer(
                r[users[0].id],
                v,
                1,
                {"value": 4, "note": "Getting there."},
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
    _seed_rivera(case, demo_user("alex@demo.rekindle.test"), demo_user("sam@demo.rekindle.test"))
    db.session.commit()
    _seed_other_cases(case.id)
    db.session.commit()
