"""Unsaved edits of shared journal entries kept on the server, encrypted, for their author.

Until now such an edit stayed in the browser's localStorage in plain text, readable by the next
person using a shared device (security issue 19.8).

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "server_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("fields_ct", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id", "entry_id"),
        sa.UniqueConstraint("uid"),
    )
    op.create_index("ix_server_drafts_entry_id", "server_drafts", ["entry_id"])


def downgrade():
    op.drop_index("ix_server_drafts_entry_id", table_name="server_drafts")
    op.drop_table("server_drafts")
