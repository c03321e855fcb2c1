"""Demo cases (``data/caseload.toml``). The Rivera couple (Alex and Sam) is the case every
later demo step builds on.

Besides it, counselor@ gets couples and an individual across every status (with history and
a pending invitation), and counselor2@ a few cases of their own. Each case is added only when
its label is missing, so seeding twice changes nothing.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.auth.passwords import hash_password
from app.demo.accounts import demo_user, ensure_user
from app.demo.data import load
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
    utcnow,
)
from app.services.invitations import hash_token

#: The case every later demo step builds on (Alex and Sam).
DEMO_COUPLE_LABEL: str = load("caseload")["couple"]["label"]


def demo_couple_case() -> Case:
    """The demo couple's case (Alex and Sam), made by ``seed``."""
    case = db.session.scalar(sa.select(Case).where(Case.label == DEMO_COUPLE_LABEL))
    if case is None:
        raise LookupError("the demo couple's case is missing; run the caseload demo step first")
    return case


def _seed_rivera() -> None:
    if db.session.scalar(sa.select(Case.id).where(Case.label == DEMO_COUPLE_LABEL)):
        return
    couple = load("caseload")["couple"]
    counselor = demo_user(couple["counselor"])
    case = Case(
        label=DEMO_COUPLE_LABEL,
        kind=CaseKind.COUPLE,
        status=CaseStatus.ACTIVE,
        counselor_id=counselor.id,
    )
    db.session.add(case)
    db.session.flush()
    db.session.add_all(
        [
            CaseMember(
                case_id=case.id,
                user_id=demo_user(couple["partner_a"]).id,
                role=MemberRole.PARTNER_A,
            ),
            CaseMember(
                case_id=case.id,
                user_id=demo_user(couple["partner_b"]).id,
                role=MemberRole.PARTNER_B,
            ),
            CaseStatusChange(
                case_id=case.id,
                from_status=None,
                to_status=CaseStatus.INTAKE,
                changed_by_id=counselor.id,
            ),
            CaseStatusChange(
                case_id=case.id,
                from_status=CaseStatus.INTAKE,
                to_status=CaseStatus.ACTIVE,
                changed_by_id=counselor.id,
                reason=couple["reason"],
            ),
        ]
    )
    db.session.flush()


def _seed_case(
    counselor_email: str,
    label: str,
    kind: CaseKind,
    path: list[CaseStatus],
    members: list[dict],
    password_hash: str,
) -> None:
    if db.session.scalar(sa.select(Case.id).where(Case.label == label)):
        return
    counselor = demo_user(counselor_email)
    now = utcnow()
    # Spread the history over the past weeks so the timeline reads like a real one.
    start = now - timedelta(days=14 * len(path))
    case = Case(
        label=label,
        kind=kind,
        status=path[-1],
        counselor_id=counselor.id,
        created_at=start,
        updated_at=start + timedelta(days=14 * (len(path) - 1)),
    )
    db.session.add(case)
    db.session.flush()
    roles = (
        [MemberRole.PARTNER_A, MemberRole.PARTNER_B]
        if kind is CaseKind.COUPLE
        else [MemberRole.INDIVIDUAL]
    )
    for member, role in zip(members, roles, strict=True):
        user = ensure_user(
            member["email"],
            member["name"],
            Role.CLIENT,
            password_hash if member["joined"] else None,
        )
        if user.has_password:
            db.session.add(CaseMember(case_id=case.id, user_id=user.id, role=role, joined_at=start))
        else:
            # Not a member until they accept: a pending invitation to their place, whose link
            # nobody knows (the counselor can issue a new one).
            db.session.add(
                Invitation(
                    token_hash=hash_token(secrets.token_urlsafe(32)),
                    user_id=user.id,
                    case_id=case.id,
                    member_role=role.value,
                    invitee_name=member["name"],
                    invitee_email=user.email,
                    sets_password=True,
                    created_by_id=counselor.id,
                    created_at=now - timedelta(days=1),
                    expires_at=now + timedelta(days=6),
                )
            )
    reasons = load("caseload")["reasons"]
    previous = None
    for step, status in enumerate(path):
        db.session.add(
            CaseStatusChange(
                case_id=case.id,
                from_status=previous,
                to_status=status,
                reason=reasons.get(status.value) if previous else None,
                changed_by_id=counselor.id,
                changed_at=start + timedelta(days=14 * step),
            )
        )
        previous = status
    db.session.flush()


def seed() -> None:
    """The Rivera couple, then the other demo cases of both demo counselors."""
    _seed_rivera()
    password_hash = None
    for case in load("caseload")["case"]:
        if db.session.scalar(sa.select(Case.id).where(Case.label == case["label"])):
            continue
        if password_hash is None:
            password_hash = hash_password(current_app.config["REKINDLE_DEMO_PASSWORD"])
        _seed_case(
            case["counselor"],
            case["label"],
            CaseKind(case["kind"]),
            [CaseStatus(status) for status in case["statuses"]],
            case["members"],
            password_hash,
        )
    db.session.commit()
