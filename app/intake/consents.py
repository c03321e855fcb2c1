"""Consent documents, their versions and each client's signatures (functions flush; views commit).

A document's version is named by the SHA-256 of its canonical text (NFC, ``\\n`` line ends, no
trailing spaces); publishing the same text again changes nothing. What a client signs is the
version's text, and for the couples agreement the case's confidentiality policy after it: the
signature keeps the hash of both (``signed_text_sha256``) and the policy's revision, so a new
version or a changed policy makes each partner sign again at their next visit.
"""

from __future__ import annotations

import hashlib
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import (
    Case,
    CaseConfidentiality,
    CaseMember,
    CaseStatus,
    ConfidentialityPolicy,
    ConsentDocument,
    ConsentKind,
    ConsentSignature,
    ConsentWaiver,
    User,
    utcnow,
)
from app.policy import confidentiality
from app.services.combined_read import Part, Read, read

DEFAULTS_FILE = Path(__file__).parent / "content" / "consents.toml"
KIND_LABELS = {
    ConsentKind.TREATMENT: "Consent to counseling",
    ConsentKind.CONFIDENTIALITY: "Couples confidentiality agreement",
    ConsentKind.ELECTRONIC: "Consent to electronic communication",
}
TEXT_MAX = 20_000


class ConsentError(ValueError):
    """A signature or waiver the rules refuse; the message is shown next to the form."""


def canonical(text: str) -> str:
    """The text a version's hash is taken of."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def sha256(text: str) -> str:
    """The SHA-256 (hex) of a text's canonical form."""
    return hashlib.sha256(canonical(text).encode()).hexdigest()


def current_documents() -> dict[ConsentKind, ConsentDocument]:
    """The newest version of each kind (one statement); empty when none is published."""
    newest = sa.select(sa.func.max(ConsentDocument.id)).group_by(ConsentDocument.kind)
    rows = db.session.scalars(sa.select(ConsentDocument).where(ConsentDocument.id.in_(newest)))
    return {doc.kind: doc for doc in rows}


def publish(kind: ConsentKind, title: str, text: str, by: User | None) -> ConsentDocument:
    """A new version of ``kind`` with this text, unless it is the current one already."""
    body = canonical(text)
    if not body:
        raise ConsentError("Write the text of the document.")
    if len(body) > TEXT_MAX:
        raise ConsentError(f"Keep the text under {TEXT_MAX:,} characters.")
    digest = sha256(body)
    current = current_documents().get(kind)
    if current is not None and current.sha256 == digest and current.title == title.strip():
        return current
    document = ConsentDocument(
        kind=kind,
        title=title.strip() or KIND_LABELS[kind],
        text=body,
        sha256=digest,
        created_by_id=by.id if by else None,
    )
    db.session.add(document)
    db.session.flush()
    audit.record("consent.version_published", document, detail=f"{kind.value} {digest[:12]}")
    return document


def shipped_text(kind: ConsentKind) -> tuple[str, str]:
    """The title and text shipped with the app for ``kind`` (``content/consents.toml``)."""
    data = tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))[kind.value]
    return data["title"], canonical(data["text"])


def load_defaults(by: User | None = None) -> list[ConsentDocument]:
    """Publish the shipped texts of every kind that has no version yet (idempotent)."""
    data = tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    existing = current_documents()
    return [
        publish(kind, data[kind.value]["title"], data[kind.value]["text"], by)
        for kind in ConsentKind
        if kind not in existing
    ]


def case_policy(case_id: int) -> CaseConfidentiality | None:
    """The case's confidentiality policy row (policy and revision), if the counselor set one."""
    return db.session.get(CaseConfidentiality, case_id)


def page_parts(case_id: int) -> dict[str, Part]:
    """The case page's reads of consent: policy, current documents, signatures and waivers.

    Parts of the page's one combined read (``app.services.case_page_read``,
    docs/performance.md T1); ``documents_and_policy`` and ``signatures_and_waivers`` read
    the same parts on their own.
    """
    newest = sa.select(sa.func.max(ConsentDocument.id)).group_by(ConsentDocument.kind)
    members = sa.select(CaseMember.user_id).where(CaseMember.case_id == case_id)
    return {
        "consents.policy": Part((CaseConfidentiality,), CaseConfidentiality.case_id == case_id),
        "consents.documents": Part(
            (ConsentDocument,), ConsentDocument.id.in_(newest), order_by=(ConsentDocument.id,)
        ),
        "consents.signatures": Part(
            (ConsentSignature,),
            sa.and_(ConsentSignature.case_id == case_id, ConsentSignature.user_id.in_(members)),
            order_by=(ConsentSignature.signed_at.desc(),),
        ),
        "consents.waivers": Part(
            (ConsentWaiver,),
            sa.and_(ConsentWaiver.case_id == case_id, ConsentWaiver.user_id.in_(members)),
        ),
    }


def documents_and_policy_from(
    found: Read,
) -> tuple[dict[ConsentKind, ConsentDocument], CaseConfidentiality | None]:
    """``current_documents()`` and the case's policy, from ``page_parts`` read."""
    settings = found.first("consents.policy")
    return {doc.kind: doc for doc in found.first("consents.documents")}, (
        settings[0] if settings else None
    )


def documents_and_policy(
    case_id: int,
) -> tuple[dict[ConsentKind, ConsentDocument], CaseConfidentiality | None]:
    """``current_documents()`` and ``case_policy(case_id)`` in one statement."""
    parts = page_parts(case_id)
    return documents_and_policy_from(
        read({k: parts[k] for k in ("consents.policy", "consents.documents")})
    )


def policy_text(policy: ConfidentialityPolicy | None) -> str:
    """The policy as the couples agreement states it."""
    if policy is None:
        return "Confidentiality policy: not chosen yet. Your counselor chooses it with you."
    effects = "\n".join(f"- {line}" for line in confidentiality.EFFECTS[policy])
    return f"Confidentiality policy: {confidentiality.LABELS[policy]}\n{effects}"


def signed_text(document: ConsentDocument, setting: CaseConfidentiality | None) -> str:
    """Exactly what a client signs for ``document`` in a case with this policy setting."""
    if document.kind is ConsentKind.CONFIDENTIALITY:
        return canonical(document.text + "\n\n" + policy_text(setting.policy if setting else None))
    return canonical(document.text)


@dataclass(frozen=True)
class Requirement:
    """One document a member must sign in a case, and their signature of it if current."""

    document: ConsentDocument
    signature: ConsentSignature | None

    @property
    def signed(self) -> bool:
        """Signed in its current version (and current policy)."""
        return self.signature is not None


def _is_current(
    sig: ConsentSignature, doc: ConsentDocument, setting: CaseConfidentiality | None
) -> bool:
    if sig.document_id != doc.id:
        return False
    if doc.kind is ConsentKind.CONFIDENTIALITY:
        return sig.policy_revision == (setting.revision if setting else 0)
    return True


def requirements(user_id: int, case_id: int) -> list[Requirement]:
    """The current documents for this member of the case, each with its current signature."""
    documents = current_documents()
    if not documents:
        return []
    setting = case_policy(case_id)
    signatures = list(
        db.session.scalars(
            sa.select(ConsentSignature)
            .where(ConsentSignature.case_id == case_id, ConsentSignature.user_id == user_id)
            .order_by(ConsentSignature.signed_at.desc())
        )
    )
    return [
        Requirement(doc, next((s for s in signatures if _is_current(s, doc, setting)), None))
        for kind, doc in sorted(documents.items(), key=lambda kv: list(ConsentKind).index(kv[0]))
    ]


def signatures_and_waivers_from(
    found: Read,
) -> tuple[list[ConsentSignature], dict[int, ConsentWaiver]]:
    """The members' signatures in the case, newest first, and each member's waiver."""
    return found.first("consents.signatures"), {
        w.user_id: w for w in found.first("consents.waivers")
    }


def signatures_and_waivers(
    case_id: int,
) -> tuple[list[ConsentSignature], dict[int, ConsentWaiver]]:
    """The members' signatures in the case, newest first, and each member's waiver (one at most).

    One statement: a member has one waiver at most (``waive`` updates it).
    """
    parts = page_parts(case_id)
    return signatures_and_waivers_from(
        read({k: parts[k] for k in ("consents.signatures", "consents.waivers")})
    )


def waiver_for(user_id: int, case_id: int) -> ConsentWaiver | None:
    """The counselor's waiver for this member of the case, if any."""
    return db.session.scalar(
        sa.select(ConsentWaiver).where(
            ConsentWaiver.case_id == case_id, ConsentWaiver.user_id == user_id
        )
    )


def unsigned_cases(user: User) -> list[int]:
    """Ids of the client's open cases where a current document waits for their signature.

    Two statements while no document is published; the gate is off then.
    """
    if not current_documents():
        return []
    cases = db.session.scalars(
        sa.select(CaseMember.case_id)
        .join(Case, Case.id == CaseMember.case_id)
        .where(
            CaseMember.user_id == user.id,
            CaseMember.erased_at.is_(None),
            Case.status != CaseStatus.CLOSED,
        )
    )
    waiting = []
    for case_id in cases:
        if waiver_for(user.id, case_id) is None and not all(
            r.signed for r in requirements(user.id, case_id)
        ):
            waiting.append(case_id)
    return waiting


def sign(
    user: User,
    case: Case,
    document: ConsentDocument,
    *,
    full_name: str,
    agreed: bool,
    address: str,
    request_key: str | None,
) -> ConsentSignature:
    """Record the member's signature of the current ``document`` (once per request key)."""
    if request_key:
        existing = db.session.scalar(
            sa.select(ConsentSignature).where(ConsentSignature.request_key == request_key)
        )
        if existing is not None and existing.user_id == user.id:
            return existing
    name = " ".join(full_name.split())
    if not name:
        raise ConsentError("Type your full name to sign.")
    if len(name) > 200:
        raise ConsentError("Type your name in under 200 characters.")
    if not agreed:
        raise ConsentError("Tick the box to say you have read and agree to this document.")
    if current_documents().get(document.kind) is not document:
        raise ConsentError("This document has a newer version. Please read it and sign that.")
    setting = case_policy(case.id)
    signature = ConsentSignature(
        case_id=case.id,
        user_id=user.id,
        document_id=document.id,
        version_sha256=document.sha256,
        signed_text_sha256=sha256(signed_text(document, setting)),
        policy=setting.policy if setting and document.kind is ConsentKind.CONFIDENTIALITY else None,
        policy_revision=(setting.revision if setting else 0)
        if document.kind is ConsentKind.CONFIDENTIALITY
        else None,
        request_key=request_key or None,
    )
    signature.full_name = name
    signature.address = address
    db.session.add(signature)
    db.session.flush()
    audit.record(
        "consent.signed",
        signature,
        case_id=case.id,
        detail=f"{document.kind.value} {document.sha256[:12]}",
    )
    return signature


def waive(counselor: User, case: Case, member: CaseMember, reason: str) -> ConsentWaiver:
    """Let one member use the app without signing, with the counselor's reason."""
    reason = reason.strip()
    if not reason:
        raise ConsentError("Write why this client may use the app without signing.")
    waiver = waiver_for(member.user_id, case.id)
    if waiver is None:
        waiver = ConsentWaiver(case_id=case.id, user_id=member.user_id, waived_by_id=counselor.id)
        db.session.add(waiver)
    waiver.reason = reason[:2000]
    db.session.flush()
    audit.record("consent.waived", waiver, case_id=case.id, detail=f"member {member.user_id}")
    return waiver


def set_policy(counselor: User, case: Case, policy: ConfidentialityPolicy) -> CaseConfidentiality:
    """Set or change the case's policy; a change is a new revision both partners sign again."""
    setting = case_policy(case.id)
    if setting is None:
        setting = CaseConfidentiality(case_id=case.id, policy=policy, revision=1)
        db.session.add(setting)
    elif setting.policy is policy:
        return setting
    else:
        setting.policy = policy
        setting.revision += 1
    setting.set_by_id = counselor.id
    setting.set_at = utcnow()
    db.session.flush()
    audit.record(
        "confidentiality.policy_set",
        case,
        case_id=case.id,
        detail=f"{policy.value}, revision {setting.revision}",
    )
    return setting


def signature_of(user: User, signature_id: int) -> ConsentSignature | None:
    """One of the user's own signatures (nobody else's is ever returned)."""
    return db.session.scalar(
        sa.select(ConsentSignature).where(
            ConsentSignature.id == signature_id, ConsentSignature.user_id == user.id
        )
    )


def own_signatures(user: User) -> list[ConsentSignature]:
    """Every signature of the user, newest first (for their export)."""
    return list(
        db.session.scalars(
            sa.select(ConsentSignature)
            .where(ConsentSignature.user_id == user.id)
            .order_by(ConsentSignature.signed_at.desc())
        )
    )


def version_overview() -> list[tuple[ConsentDocument, int]]:
    """Every version with how many signatures it has: metadata only, for the admin."""
    counts = (
        sa.select(ConsentSignature.document_id, sa.func.count().label("n"))
        .group_by(ConsentSignature.document_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ConsentDocument, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.document_id == ConsentDocument.id)
        .order_by(ConsentDocument.kind, ConsentDocument.id.desc())
    )
    return [(doc, int(n)) for doc, n in rows]
