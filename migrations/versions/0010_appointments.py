"""Appointments: the appointment book, recurring series, their history and calendar feeds.

Revision ID: appointments
Revises: notifications
"""

from alembic import op
import sqlalchemy as sa


revision = "appointments"
down_revision = "notifications"
branch_labels = None
depends_on = None

MODALITY = sa.Enum("in_person", "video", "phone", name="modality", native_enum=False, length=16)
KIND = sa.Enum("joint", "individual", name="sessionkind", native_enum=False, length=16)
STATUS = sa.Enum(
    "booked",
    "cancelled",
    "attended",
    "late_cancelled",
    "no_show",
    name="appointmentstatus",
    native_enum=False,
    length=16,
)


def upgrade():
    op.create_table(
        "appointment_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=False),
        sa.Column("rrule", sa.String(length=200), nullable=False),
        sa.Column("local_start", sa.DateTime(timezone=False), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_appointment_series_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["counselor_id"], ["users.id"], name=op.f("fk_appointment_series_counselor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_series")),
        sa.UniqueConstraint("uid", name=op.f("uq_appointment_series_uid")),
    )
    op.create_index(
        op.f("ix_appointment_series_case_id"), "appointment_series", ["case_id"], unique=False
    )
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("original_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("modality", MODALITY, nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("video_url", sa.String(length=500), nullable=True),
        sa.Column("kind", KIND, nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("cancel_reason", sa.String(length=300), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("request_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_appointments_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["counselor_id"], ["users.id"], name=op.f("fk_appointments_counselor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["appointment_series.id"],
            name=op.f("fk_appointments_series_id_appointment_series"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["counseling_sessions.id"],
            name=op.f("fk_appointments_session_id_counseling_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint("uid", name=op.f("uq_appointments_uid")),
        sa.UniqueConstraint("session_id", name=op.f("uq_appointments_session_id")),
        sa.UniqueConstraint("request_key", name=op.f("uq_appointments_request_key")),
    )
    op.create_index(
        "ix_appointments_counselor_starts", "appointments", ["counselor_id", "starts_at"]
    )
    op.create_index("ix_appointments_case_starts", "appointments", ["case_id", "starts_at"])
    op.create_index(op.f("ix_appointments_series_id"), "appointments", ["series_id"], unique=False)
    op.create_table(
        "appointment_attendees",
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_appointment_attendees_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_appointment_attendees_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("appointment_id", "user_id", name=op.f("pk_appointment_attendees")),
    )
    op.create_index(
        op.f("ix_appointment_attendees_user_id"), "appointment_attendees", ["user_id"], unique=False
    )
    op.create_table(
        "appointment_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("to_starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_appointment_changes_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_appointment_changes_changed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_changes")),
    )
    op.create_index(
        op.f("ix_appointment_changes_appointment_id"),
        "appointment_changes",
        ["appointment_id"],
        unique=False,
    )
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_calendar_feeds_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )
    op.create_index(op.f("ix_calendar_feeds_user_id"), "calendar_feeds", ["user_id"], unique=False)


def downgrade():
    op.drop_table("calendar_feeds")
    op.drop_table("appointment_changes")
    op.drop_table("appointment_attendees")
    op.drop_table("appointments")
    op.drop_table("appointment_series")
