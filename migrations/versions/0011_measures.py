"""Validated measures: schedules, each partner's answer sheets, safety flags, and the sessions
whose client summary shows the measures.

Answers and scores are encrypted under the answering client's data key; what the counselor
wrote about a safety flag under the practice keyring.

Revision ID: measures
Revises: appointments
"""

from alembic import op
import sqlalchemy as sa


revision = "measures"
down_revision = "appointments"
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete):
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade():
    op.create_table(
        "measure_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("instrument", sa.String(length=16), nullable=False),
        sa.Column(
            "cadence",
            sa.Enum(
                "once",
                "weekly",
                "intake_and_end",
                "before_appointment",
                name="measurecadence",
                native_enum=False,
                length=24,
                create_constraint=False,
            ),
            nullable=False,
        ),
        sa.Column("share_results", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("request_key", sa.String(length=64), nullable=True),
        _fk("measure_schedules", "case_id", "cases", "CASCADE"),
        _fk("measure_schedules", "user_id", "users", "CASCADE"),
        _fk("measure_schedules", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_schedules")),
        sa.UniqueConstraint("request_key", name=op.f("uq_measure_schedules_request_key")),
    )
    with op.batch_alter_table("measure_schedules", schema=None) as batch_op:
        batch_op.create_index("ix_measure_schedules_case", ["case_id", "stopped_at"], unique=False)

    op.create_table(
        "measure_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=True),
        sa.Column("instrument", sa.String(length=16), nullable=False),
        sa.Column("instrument_version", sa.Integer(), nullable=False),
        sa.Column("occurrence", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                name="responsestatus",
                native_enum=False,
                length=16,
                create_constraint=False,
            ),
            nullable=False,
        ),
        sa.Column("answers_ct", sa.LargeBinary(), nullable=True),
        sa.Column("score_ct", sa.LargeBinary(), nullable=True),
        sa.Column("shared_with_client", sa.Boolean(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("draft_seq", sa.BigInteger(), nullable=False),
        sa.Column("request_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        _fk("measure_responses", "case_id", "cases", "CASCADE"),
        _fk("measure_responses", "user_id", "users", "CASCADE"),
        _fk("measure_responses", "schedule_id", "measure_schedules", "SET NULL"),
        _fk("measure_responses", "entered_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_responses")),
        sa.UniqueConstraint(
            "schedule_id",
            "user_id",
            "occurrence",
            name=op.f("uq_measure_responses_schedule_id"),
        ),
        sa.UniqueConstraint("request_key", name=op.f("uq_measure_responses_request_key")),
    )
    with op.batch_alter_table("measure_responses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_measure_responses_case_status",
            ["case_id", "status", "submitted_at"],
            unique=False,
        )

    op.create_table(
        "measure_safety_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("action_ct", sa.LargeBinary(), nullable=True),
        _fk("measure_safety_flags", "case_id", "cases", "CASCADE"),
        _fk("measure_safety_flags", "user_id", "users", "CASCADE"),
        _fk("measure_safety_flags", "response_id", "measure_responses", "CASCADE"),
        _fk("measure_safety_flags", "acknowledged_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_safety_flags")),
        sa.UniqueConstraint("response_id", name=op.f("uq_measure_safety_flags_response_id")),
    )
    with op.batch_alter_table("measure_safety_flags", schema=None) as batch_op:
        batch_op.create_index(
            "ix_measure_safety_flags_case_open", ["case_id", "acknowledged_at"], unique=False
        )

    op.create_table(
        "session_measure_inclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("session_measure_inclusions", "session_id", "counseling_sessions", "CASCADE"),
        _fk("session_measure_inclusions", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_measure_inclusions")),
        sa.UniqueConstraint("session_id", name=op.f("uq_session_measure_inclusions_session_id")),
    )


def downgrade():
    op.drop_table("session_measure_inclusions")
    with op.batch_alter_table("measure_safety_flags", schema=None) as batch_op:
        batch_op.drop_index("ix_measure_safety_flags_case_open")
    op.drop_table("measure_safety_flags")
    with op.batch_alter_table("measure_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_measure_responses_case_status")
    op.drop_table("measure_responses")
    with op.batch_alter_table("measure_schedules", schema=None) as batch_op:
        batch_op.drop_index("ix_measure_schedules_case")
    op.drop_table("measure_schedules")
