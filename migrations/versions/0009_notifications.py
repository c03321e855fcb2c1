"""Notifications: the outbox and each person's notification preferences.

Every notification is a row written with the event that causes it; the job queue delivers rows
only. Rows hold no client writing (fixed titles, pointers to the thing they are about).

Revision ID: notifications
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa


revision = "notifications"
down_revision = "0008"
branch_labels = None
depends_on = None


STATES = ("pending", "sending", "digest", "sent", "cancelled", "dead")


def upgrade():
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("about_type", sa.String(length=32), nullable=True),
        sa.Column("about_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(*STATES, name="notificationstate", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=True),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("digest_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["users.id"],
            name=op.f("fk_notifications_recipient_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_notifications_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["digest_id"],
            ["notifications.id"],
            name=op.f("fk_notifications_digest_id_notifications"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("key", name=op.f("uq_notifications_key")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_recipient_id_id", ["recipient_id", "id"])
        batch_op.create_index("ix_notifications_state_next", ["state", "next_attempt_at"])
        batch_op.create_index("ix_notifications_about", ["about_type", "about_id"])
        batch_op.create_index(batch_op.f("ix_notifications_case_id"), ["case_id"])
        batch_op.create_index(batch_op.f("ix_notifications_digest_id"), ["digest_id"])

    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("quiet_start", sa.Time(), nullable=False),
        sa.Column("quiet_end", sa.Time(), nullable=False),
        sa.Column("digest_time", sa.Time(), nullable=False),
        sa.Column("discreet", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_settings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
    )

    op.create_table(
        "notification_kind_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("timing", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_kind_settings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_kind_settings")),
        sa.UniqueConstraint("user_id", "kind", name="uq_notification_kind_settings_user_kind"),
    )


def downgrade():
    op.drop_table("notification_kind_settings")
    op.drop_table("notification_settings")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_digest_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_case_id"))
        batch_op.drop_index("ix_notifications_about")
        batch_op.drop_index("ix_notifications_state_next")
        batch_op.drop_index("ix_notifications_recipient_id_id")
    op.drop_table("notifications")
