"""The signed-consent PDF: a ``PdfKind`` of the job queue, rebuilt from the signature row.

It shows exactly the text the client signed (the version's text, and for the couples
agreement the policy they signed it with), then the signature: typed name, time, address and
both hashes. Only the signer may download it.
"""

from __future__ import annotations

from flask import abort, current_app, url_for
from flask_login import current_user

from app.extensions import db
from app.intake import consents
from app.models import (
    Case,
    CaseConfidentiality,
    ConfidentialityPolicy,
    ConsentDocument,
    ConsentKind,
    ConsentSignature,
    PdfJob,
    Role,
)
from app.pdf import PdfError
from app.pdf.jobs import Built, PdfKind, register
from app.templating import local_time

CONSENT = "consent"


def _signature(job: PdfJob) -> ConsentSignature:
    signature = db.session.get(ConsentSignature, int(job.variant or 0))
    if signature is None or signature.user_id != job.user_id:
        raise PdfError("This signature no longer exists.")
    return signature


def text_signed(signature: ConsentSignature) -> tuple[ConsentDocument, str]:
    """The document and the exact text this signature was given to."""
    document = db.session.get_one(ConsentDocument, signature.document_id)
    setting = None
    if document.kind is ConsentKind.CONFIDENTIALITY:
        # The policy as it was signed, not as it may be now.
        setting = (
            CaseConfidentiality(
                case_id=signature.case_id,
                policy=ConfidentialityPolicy(signature.policy),
                revision=signature.policy_revision or 0,
            )
            if signature.policy is not None
            else None
        )
    return document, consents.signed_text(document, setting)


def _build(job: PdfJob) -> Built:
    signature = _signature(job)
    document, text = text_signed(signature)
    case = db.session.get(Case, signature.case_id)
    return Built(
        "pdf/consent.html",
        {
            "document": document,
            "text": text,
            "signature": signature,
            "case_label": case.label if case else "",
            "practice": current_app.config["REKINDLE_PRACTICE_NAME"],
            "local_time": local_time,
            "title": document.title,
        },
        detail=f"{document.kind.value} {document.sha256[:12]}",
        audit_object=signature,
        case_id=signature.case_id,
    )


def _authorize(job: PdfJob) -> ConsentSignature:
    if current_user.role is not Role.CLIENT or job.user_id != current_user.id:
        abort(404)
    signature = consents.signature_of(current_user, int(job.variant or 0))
    if signature is None:
        abort(404)
    return signature


register(
    PdfKind(
        CONSENT,
        "consent.pdf",
        build=_build,
        authorize=_authorize,
        retry_url=lambda job: url_for("intake.signature_pdf", signature_id=int(job.variant or 0)),
    )
)
