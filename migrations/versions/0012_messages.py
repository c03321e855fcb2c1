"""Secure messages: threads per case, messages (encrypted), read markers, drafts and rules.

Revision ID: messages
Revises: measures
"""

from alembic import op
import sqlalchemy as sa

revision = "messages"
down_revision = "measures"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "message_rules",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("clients_may_start", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_table(
        "message_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("slot", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_message_id", sa.Integer(), nullable=True),
        sa.Column("needs_reply", sa.Boolean(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["client_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "slot", name="uq_message_threads_case_slot"),
    )
    op.create_index(
        "ix_message_threads_case_last",
        "message_threads",
        ["case_id", "last_message_at", "id"],
    )
    op.create_index("ix_message_threads_client_id", "message_threads", ["client_id"])
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body_ct", sa.LargeBinary(), nullable=True),
        sa.Column("request_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["thread_id"], ["message_threads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_key"),
    )
    op.create_index("ix_messages_thread_id", "messages", ["thread_id", "id"])
    op.create_index("ix_messages_author_id", "messages", ["author_id"])
    op.create_table(
        "message_reads",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_read_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["thread_id"], ["message_threads.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("thread_id", "user_id"),
    )
    op.create_index("ix_message_reads_user_id", "message_reads", ["user_id"])
    op.create_table(
        "message_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("draft_seq", sa.BigInteger(), nullable=False),
        sa.Column("body_ct", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["thread_id"], ["message_threads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("thread_id", "owner_id"),
    )
    op.create_index("ix_message_drafts_owner_id", "message_drafts", ["owner_id"])


def downgrade():
    op.drop_index("ix_message_drafts_owner_id", table_name="message_drafts")
    op.drop_table("message_drafts")
    op.drop_index("ix_message_reads_user_id", table_name="message_reads")
    op.drop_table("message_reads")
    op.drop_index("ix_messages_author_id", table_name="messages")
    op.drop_index("ix_messages_thread_id", table_name="messages")
    op.drop_table("messages")
    op.drop_index("ix_message_threads_client_id", table_name="message_threads")
    op.drop_index("ix_message_threads_case_last", table_name="message_threads")
    op.drop_table("message_threads")
    op.drop_table("message_rules")
