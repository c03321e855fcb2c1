"""Demo intake: the practice's consent texts, the Rivera couple's confidentiality policy, and
every demo client's signatures in their open cases, so the demo logins go straight in
(idempotent)."""

from __future__ import annotations

import sqlalchemy as sa

from app.demo.accounts import demo_user
from app.demo.caseload import demo_couple_case
from app.demo.data import load
from app.extensions import db
from app.intake import consents
from app.models import Case, CaseMember, CaseStatus, ConfidentialityPolicy, User


def seed() -> None:
    """Publish the shipped texts if none are; set the policy; sign for every demo client."""
    consents.load_defaults()
    try:
        case = demo_couple_case()
    except LookupError:
        db.session.commit()
        return
    couple = load("caseload")["couple"]
    counselor = demo_user(couple["counselor"])
    if consents.case_policy(case.id) is None:
        consents.set_policy(counselor, case, ConfidentialityPolicy.LIMITED_SECRETS)
    members = db.session.execute(
        sa.select(CaseMember, User, Case)
        .join(User, User.id == CaseMember.user_id)
        .join(Case, Case.id == CaseMember.case_id)
        .where(
            CaseMember.erased_at.is_(None),
            Case.status != CaseStatus.CLOSED,
            User.password_hash.is_not(None),
            User.email.endswith("@demo.rekindle.test"),  # the demo's own people, nobody else
        )
    ).all()
    for _member, partner, member_case in members:
        for requirement in consents.requirements(partner.id, member_case.id):
            if not requirement.signed:
                consents.sign(
                    partner,
                    member_case,
                    requirement.document,
                    full_name=partner.name,
                    agreed=True,
                    address="demo",
                    request_key=None,
                )
    db.session.commit()
