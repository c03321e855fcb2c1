"""Intake for two: consent documents and signatures, the confidentiality policy of a case,
the private safety check, its concerns and the counselor's decisions.

Revision ID: intake
Revises: messages
"""

from alembic import op
import sqlalchemy as sa


revision = "intake"
down_revision = "messages"
branch_labels = None
depends_on = None


def _enum(*values, name, length):
    return sa.Enum(*values, name=name, native_enum=False, length=length)


KINDS = ("treatment", "confidentiality", "electronic")
POLICIES = ("no_secrets", "limited_secrets", "secrets_kept")


def _user_fk(column, table, ondelete):
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
    )


def _case_fk(table):
    return sa.ForeignKeyConstraint(
        ["case_id"], ["cases.id"], name=op.f(f"fk_{table}_case_id_cases"), ondelete="CASCADE"
    )


def upgrade():
    op.create_table(
        "consent_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(*KINDS, name="consentkind", length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("created_by_id", "consent_documents", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_documents")),
        sa.UniqueConstraint("kind", "sha256", name="uq_consent_documents_kind_hash"),
    )
    op.create_index(op.f("ix_consent_documents_kind"), "consent_documents", ["kind"])
    op.create_table(
        "case_confidentiality",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "policy", _enum(*POLICIES, name="confidentialitypolicy", length=32), nullable=False
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        _case_fk("case_confidentiality"),
        _user_fk("set_by_id", "case_confidentiality", "SET NULL"),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_confidentiality")),
    )
    op.create_table(
        "consent_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_text_sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "policy", _enum(*POLICIES, name="confidentialitypolicy", length=32), nullable=True
        ),
        sa.Column("policy_revision", sa.Integer(), nullable=True),
        sa.Column("full_name_ct", sa.LargeBinary(), nullable=True),
        sa.Column("address_ct", sa.LargeBinary(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_key", sa.String(length=64), nullable=True),
        _case_fk("consent_signatures"),
        _user_fk("user_id", "consent_signatures", "CASCADE"),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["consent_documents.id"],
            name=op.f("fk_consent_signatures_document_id_consent_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_signatures")),
        sa.UniqueConstraint("request_key", name=op.f("uq_consent_signatures_request_key")),
    )
    op.create_index("ix_consent_signatures_case_user", "consent_signatures", ["case_id", "user_id"])
    op.create_index(
        op.f("ix_consent_signatures_document_id"), "consent_signatures", ["document_id"]
    )
    op.create_table(
        "consent_waivers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason_ct", sa.LargeBinary(), nullable=True),
        sa.Column("waived_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _case_fk("consent_waivers"),
        _user_fk("user_id", "consent_waivers", "CASCADE"),
        _user_fk("waived_by_id", "consent_waivers", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_waivers")),
    )
    op.create_index(op.f("ix_consent_waivers_case_id"), "consent_waivers", ["case_id"])
    op.create_table(
        "safety_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("answers_ct", sa.LargeBinary(), nullable=True),
        sa.Column(
            "status",
            _enum("draft", "submitted", name="safetycheckstatus", length=16),
            nullable=False,
        ),
        sa.Column("draft_seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        _case_fk("safety_checks"),
        _user_fk("user_id", "safety_checks", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_checks")),
    )
    op.create_index("ix_safety_checks_case_user", "safety_checks", ["case_id", "user_id"])
    op.create_table(
        "safety_concerns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "decision",
            _enum("continue_joint", "individual_only", "refer", name="safetydecision", length=32),
            nullable=True,
        ),
        sa.Column("decision_note_ct", sa.LargeBinary(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        _case_fk("safety_concerns"),
        _user_fk("user_id", "safety_concerns", "CASCADE"),
        _user_fk("decided_by_id", "safety_concerns", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["safety_checks.id"],
            name=op.f("fk_safety_concerns_check_id_safety_checks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_concerns")),
        sa.UniqueConstraint("check_id", name=op.f("uq_safety_concerns_check_id")),
    )
    op.create_index("ix_safety_concerns_case_open", "safety_concerns", ["case_id", "decided_at"])
    op.create_index(op.f("ix_safety_concerns_user_id"), "safety_concerns", ["user_id"])
    op.create_table(
        "caution_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("reason_ct", sa.LargeBinary(), nullable=True),
        sa.Column("overridden_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _case_fk("caution_overrides"),
        _user_fk("overridden_by_id", "caution_overrides", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["strategy_modules.id"],
            name=op.f("fk_caution_overrides_module_id_strategy_modules"),
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["safety_concerns.id"],
            name=op.f("fk_caution_overrides_concern_id_safety_concerns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caution_overrides")),
    )
    op.create_index(op.f("ix_caution_overrides_case_id"), "caution_overrides", ["case_id"])
    op.create_table(
        "disclosure_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("item_kind", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "answer",
            _enum("agreed", "declined", name="disclosureanswer", length=16),
            nullable=True,
        ),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        _case_fk("disclosure_requests"),
        _user_fk("author_id", "disclosure_requests", "CASCADE"),
        _user_fk("asked_by_id", "disclosure_requests", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_requests")),
        sa.UniqueConstraint(
            "case_id", "author_id", "item_kind", "item_id", name="uq_disclosure_requests_item"
        ),
    )


def downgrade():
    for table in (
        "disclosure_requests",
        "caution_overrides",
        "safety_concerns",
        "safety_checks",
        "consent_waivers",
        "consent_signatures",
        "case_confidentiality",
        "consent_documents",
    ):
        op.drop_table(table)
