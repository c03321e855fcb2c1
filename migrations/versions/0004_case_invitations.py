"""Joining a case takes the invitee's consent: invitations name a place in a case.

An invitation to a case now carries the place (partner A, partner B, individual) and the name
and e-mail the counselor typed; the membership row is made only when the invitee accepts. It
can be declined, and it may point at no account at all (an address of staff or of a
deactivated account gets a link that never works, so the counselor cannot tell them apart).
Only the invitation that created an account may set its password; an invitation to an account
that already existed is answered after signing in (no takeover by whoever holds the link).

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitations") as batch:
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("member_role", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("invitee_name", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("invitee_email", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("sets_password", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    op.execute("DELETE FROM invitations WHERE user_id IS NULL")
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("sets_password")
        batch.drop_column("declined_at")
        batch.drop_column("invitee_email")
        batch.drop_column("invitee_name")
        batch.drop_column("member_role")
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
