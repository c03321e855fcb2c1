"""The scenario's intake records: a published consent text every client has signed, each
case's first partner's sent safety check with a (decided) concern, and a disclosure request."""

from __future__ import annotations

from app.extensions import db
from app.intake import consents
from app.models import (
    Case,
    ConsentKind,
    ConsentSignature,
    DisclosureRequest,
    SafetyCheck,
    SafetyCheckStatus,
    SafetyConcern,
    SafetyDecision,
    User,
    utcnow,
)


def add_intake(world, case1: Case, case2: Case, users: dict[str, User]) -> None:
    """Intake rows for both cases (the gate stays open: everyone signed the one text)."""
    document = consents.publish(ConsentKind.TREATMENT, "Consent", "I agree to counseling.", None)
    world.ids["consent_document"] = document.id
    for key, case in (("A", case1), ("B", case1), ("X", case2), ("Y", case2)):
        signature = ConsentSignature(
            case_id=case.id,
            user_id=users[key].id,
            document_id=document.id,
            version_sha256=document.sha256,
            signed_text_sha256=document.sha256,
        )
        signature.full_name, signature.address = users[key].name, "192.0.2.9"
        db.session.add(signature)
        db.session.flush()
        world.ids[f"{key.lower()}_signature"] = signature.id
    for key, case in (("A", case1), ("X", case2)):
        prefix = key.lower()
        check = SafetyCheck(
            case_id=case.id,
            user_id=users[key].id,
            status=SafetyCheckStatus.SUBMITTED,
            submitted_at=utcnow(),
        )
        check.answers = {"afraid": "Often"}
        db.session.add(check)
        db.session.flush()
        concern = SafetyConcern(
            case_id=case.id,
            user_id=users[key].id,
            check_id=check.id,
            decision=SafetyDecision.CONTINUE_JOINT,
            decided_at=utcnow(),
        )
        db.session.add(concern)
        request = DisclosureRequest(
            case_id=case.id,
            author_id=users[key].id,
            item_kind="assignment",
            item_id=world.ids[f"case{1 if key == 'A' else 2}_assignment"],
        )
        db.session.add(request)
        db.session.flush()
        world.ids[f"{prefix}_check"] = check.id
        world.ids[f"{prefix}_concern"] = concern.id
        world.ids[f"{prefix}_disclosure"] = request.id
