"""Intake for two: consent documents and signatures, the case's confidentiality policy, the
private safety check, the concerns it raises and what the counselor decides about them."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.crypto import EncryptedText
from app.extensions import Model
from app.models.base import UTCDateTime, enum_type, utcnow


class ConsentKind(enum.StrEnum):
    """The three documents every client signs before using the app."""

    TREATMENT = "treatment"
    CONFIDENTIALITY = "confidentiality"
    ELECTRONIC = "electronic"


class ConfidentialityPolicy(enum.StrEnum):
    """What happens to what one partner tells the counselor alone."""

    NO_SECRETS = "no_secrets"
    LIMITED_SECRETS = "limited_secrets"
    SECRETS_KEPT = "secrets_kept"


class ConsentDocument(Model):
    """One version of a consent text; a new text is a new row, named by its SHA-256."""

    __tablename__ = "consent_documents"
    __table_args__ = (sa.UniqueConstraint("kind", "sha256", name="uq_consent_documents_kind_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ConsentKind] = mapped_column(enum_type(ConsentKind, 32), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    # The practice's own form, the same for every client: not client writing.
    text: Mapped[str] = mapped_column(sa.Text)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseConfidentiality(Model):
    """The confidentiality policy the counselor chose for a case; each change is a revision."""

    __tablename__ = "case_confidentiality"

    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    policy: Mapped[ConfidentialityPolicy] = mapped_column(enum_type(ConfidentialityPolicy, 32))
    revision: Mapped[int] = mapped_column(default=1)
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConsentSignature(Model):
    """One client's signature of one document version in one case."""

    __tablename__ = "consent_signatures"
    __table_args__ = (sa.Index("ix_consent_signatures_case_user", "case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("consent_documents.id"), index=True)
    version_sha256: Mapped[str] = mapped_column(sa.String(64))
    #: The hash of exactly what was shown and signed (the version's text, plus the case's
    #: confidentiality policy for the couples agreement).
    signed_text_sha256: Mapped[str] = mapped_column(sa.String(64))
    policy: Mapped[ConfidentialityPolicy | None] = mapped_column(
        enum_type(ConfidentialityPolicy, 32)
    )
    policy_revision: Mapped[int | None] = mapped_column()
    full_name_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    full_name = EncryptedText("full_name_ct", owner="user_id")
    address_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    address = EncryptedText("address_ct", owner="user_id")
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)


class ConsentWaiver(Model):
    """The counselor let one client use the app without signing, and said why."""

    __tablename__ = "consent_waivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    reason_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    reason = EncryptedText("reason_ct")
    waived_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SafetyCheckStatus(enum.StrEnum):
    """Answers autosave as a draft; sending makes them the counselor's to read."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class SafetyCheck(Model):
    """One partner's answers to the private safety check (theirs and the counselor's only)."""

    __tablename__ = "safety_checks"
    __table_args__ = (sa.Index("ix_safety_checks_case_user", "case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    answers_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    answers = EncryptedText("answers_ct", json_value=True, owner="user_id")
    status: Mapped[SafetyCheckStatus] = mapped_column(
        enum_type(SafetyCheckStatus, 16), default=SafetyCheckStatus.DRAFT
    )
    draft_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SafetyDecision(enum.StrEnum):
    """What the counselor decided after a concern."""

    CONTINUE_JOINT = "continue_joint"
    INDIVIDUAL_ONLY = "individual_only"
    REFER = "refer"


class SafetyConcern(Model):
    """A concern a safety check raised; open until the counselor records a decision."""

    __tablename__ = "safety_concerns"
    __table_args__ = (sa.Index("ix_safety_concerns_case_open", "case_id", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    check_id: Mapped[int] = mapped_column(
        sa.ForeignKey("safety_checks.id", ondelete="CASCADE"), unique=True
    )
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[SafetyDecision | None] = mapped_column(enum_type(SafetyDecision, 32))
    decision_note_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    decision_note = EncryptedText("decision_note_ct")
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CautionOverride(Model):
    """The counselor assigns a module its caution blocks for this case, and says why."""

    __tablename__ = "caution_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("strategy_modules.id"))
    concern_id: Mapped[int] = mapped_column(sa.ForeignKey("safety_concerns.id", ondelete="CASCADE"))
    reason_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    reason = EncryptedText("reason_ct")
    overridden_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DisclosureAnswer(enum.StrEnum):
    """The author's answer to bringing a private item into a joint session."""

    AGREED = "agreed"
    DECLINED = "declined"


class DisclosureRequest(Model):
    """Limited secrets: the counselor asks the author to bring one private item into joint work.

    ``item_kind`` is ``"assignment"`` (homework given in an individual session) today; the
    private message thread adds its own kind.
    """

    __tablename__ = "disclosure_requests"
    __table_args__ = (
        sa.UniqueConstraint(
            "case_id", "author_id", "item_kind", "item_id", name="uq_disclosure_requests_item"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    item_kind: Mapped[str] = mapped_column(sa.String(32))
    item_id: Mapped[int] = mapped_column()
    asked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[DisclosureAnswer | None] = mapped_column(enum_type(DisclosureAnswer, 16))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
