"""Audit chain head in one statement on PostgreSQL; queued PDFs keep the HTML they were built from.

PDF jobs: the request builds the document's HTML anyway (to measure it), so it keeps it,
encrypted (``pdf_jobs.html_ct``), and the consumer renders that instead of building it again.

Audit chain: on PostgreSQL, take the chain's lock and read its head in one statement.

Appending to the audit chain needs the newest event's hash, read while holding the chain's
one lock (``pg_advisory_xact_lock``): otherwise two writers chain onto the same head. Read in
the same plain statement as the lock, the head would come from the snapshot taken before the
lock was granted, so this was two statements per audited request. A VOLATILE PL/pgSQL
function reads with a fresh snapshot after taking the lock: one statement
(docs/performance.md T1). SQLite needs nothing: its writers are serialised by
``BEGIN IMMEDIATE`` before they read.

Revision ID: scale
Revises: intake
"""

from alembic import op
import sqlalchemy as sa


revision = "scale"
down_revision = "intake"
branch_labels = None
depends_on = None

LOCK_AND_READ_HEAD = """
CREATE OR REPLACE FUNCTION rekindle_audit_chain_head() RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7213);
    RETURN (SELECT chain_hash FROM audit_events ORDER BY id DESC LIMIT 1);
END
$$
"""


def upgrade():
    with op.batch_alter_table("pdf_jobs") as batch:
        batch.add_column(sa.Column("html_ct", sa.LargeBinary(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(LOCK_AND_READ_HEAD)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS rekindle_audit_chain_head()")
    with op.batch_alter_table("pdf_jobs") as batch:
        batch.drop_column("html_ct")
