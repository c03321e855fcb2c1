"""Journal comments get an idempotency key: a double-submitted comment is added once.

Revision ID: notify_polish
Revises: scale
"""

from alembic import op
import sqlalchemy as sa


revision = "notify_polish"
down_revision = "scale"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("journal_comments") as batch:
        batch.add_column(sa.Column("request_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_journal_comments_request_key", ["request_key"])


def downgrade():
    with op.batch_alter_table("journal_comments") as batch:
        batch.drop_constraint("uq_journal_comments_request_key", type_="unique")
        batch.drop_column("request_key")
