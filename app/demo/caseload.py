"""Demo cases. The Rivera couple (Alex and Sam) is the case every later demo step builds on."""

from __future__ import annotations

import sqlalchemy as sa

from app.demo.accounts import demo_user
from app.extensions import db
from app.models import Case, CaseKind, CaseMember, CaseStatus, CaseStatusChange, MemberRole

DEMO_COUPLE_LABEL = "Rivera couple"


def demo_couple_case() -> Case:
    """The demo couple's case (Alex and Sam), made by ``seed``."""
    case = db.session.scalar(sa.select(Case).where(Case.label == DEMO_COUPLE_LABEL))
    if case is None:
        raise LookupError("the demo couple's case is missing; run the caseload demo step first")
    return case


def seed() -> None:
    """The demo couple's case with its history; other demo cases are added by the caseload feature."""
    if db.session.scalar(sa.select(Case.id).where(Case.label == DEMO_COUPLE_LABEL)):
        return
    counselor = demo_user("counselor@demo.rekindle.test")
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
                user_id=demo_user("alex@demo.rekindle.test").id,
                role=MemberRole.PARTNER_A,
            ),
            CaseMember(
                case_id=case.id,
                user_id=demo_user("sam@demo.rekindle.test").id,
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
                reason="Intake completed; both partners want to continue.",
            ),
        ]
    )
    db.session.commit()
