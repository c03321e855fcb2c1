"""Caseload: a double-submit key on cases, so a double click creates one case.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("request_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(op.f("uq_cases_request_key"), ["request_key"])


def downgrade():
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(op.f("uq_cases_request_key"), type_="unique")
        batch.drop_column("request_key")
