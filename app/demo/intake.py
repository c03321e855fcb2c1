"""Demo intake: the practice's consent texts, the Rivera couple's confidentiality policy, and
both partners' signatures, so the demo logins go straight in (idempotent)."""

from __future__ import annotations

from app.demo.accounts import demo_user
from app.demo.caseload import demo_couple_case
from app.demo.data import load
from app.extensions import db
from app.intake import consents
from app.models import ConfidentialityPolicy


def seed() -> None:
    """Publish the shipped texts if none are; set the policy; sign for Alex and Sam."""
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
    for key in ("partner_a", "partner_b"):
        partner = demo_user(couple[key])
        for requirement in consents.requirements(partner.id, case.id):
            if not requirement.signed:
                consents.sign(
                    partner,
                    case,
                    requirement.document,
                    full_name=partner.name,
                    agreed=True,
                    address="demo",
                    request_key=None,
                )
    db.session.commit()
