"""PDF jobs: big PDFs render in the job queue and wait here, encrypted, until downloaded.

The queue only carries a job's id; the row says what to render for whom, and keeps the result
(AES-GCM, bound to the row's id and owner) until the owner downloads it or it expires.

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pdf_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("variant", sa.String(length=16), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "ready", "failed", name="pdfjobstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.Column("size_chars", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("pdf_ct", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("downloaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_pdf_jobs_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["counseling_sessions.id"],
            name=op.f("fk_pdf_jobs_session_id_counseling_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pdf_jobs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdf_jobs")),
        sa.UniqueConstraint("token", name=op.f("uq_pdf_jobs_token")),
    )
    with op.batch_alter_table("pdf_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_pdf_jobs_user_created", ["user_id", "created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("pdf_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_pdf_jobs_user_created")

    op.drop_table("pdf_jobs")
