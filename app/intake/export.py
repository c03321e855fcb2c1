"""What a client's own copy of their data holds from intake, and what erasure removes.

The export holds the client's own signatures (what they signed, when, from where) and their own
sent safety checks; never the other partner's. Erasure removes the client's signatures, waivers,
checks (with their concerns) and disclosure answers; the other partner's stay as they are.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.intake import consents, safety
from app.models import (
    ConsentDocument,
    ConsentSignature,
    ConsentWaiver,
    DisclosureRequest,
    SafetyCheck,
    User,
)


def export_of(user: User) -> dict[str, Any]:
    """The client's own signatures and checks, in the export's shape."""
    signatures = consents.own_signatures(user)
    titles = dict(
        db.session.execute(
            sa.select(ConsentDocument.id, ConsentDocument.title).where(
                ConsentDocument.id.in_({s.document_id for s in signatures})
            )
        ).all()
    )
    questions = {q.key: q.text for q in safety.content().questions}
    return {
        "signed_consents": [
            {
                "document": titles.get(s.document_id),
                "version_sha256": s.version_sha256,
                "signed_text_sha256": s.signed_text_sha256,
                "confidentiality_policy": s.policy.value if s.policy else None,
                "full_name_typed": s.full_name,
                "address": s.address,
                "signed_at": s.signed_at.isoformat(),
            }
            for s in signatures
        ],
        "safety_checks": [
            {
                "sent_at": c.submitted_at.isoformat() if c.submitted_at else None,
                "answers": {questions.get(k, k): v for k, v in (c.answers or {}).items()},
            }
            for c in safety.own_checks(user)
        ],
    }


def erase_intake_rows(user_id: int) -> None:
    """Remove the erased client's intake rows; nothing of the partner's is touched."""
    for model, column in (
        (ConsentSignature, ConsentSignature.user_id),
        (ConsentWaiver, ConsentWaiver.user_id),
        (SafetyCheck, SafetyCheck.user_id),  # their concerns go with them (cascade)
        (DisclosureRequest, DisclosureRequest.author_id),
    ):
        db.session.execute(sa.delete(model).where(column == user_id))
