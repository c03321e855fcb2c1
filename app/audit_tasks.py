"""The audit trail's periodic task: anchor page-view events no write has anchored (AUD-3, AUD-4)."""

from __future__ import annotations

from huey import crontab

from app.tasks import periodic_task


@periodic_task(crontab(minute="*"))
def anchor_audit_trail() -> bool:
    """Every minute: anchor the chain's newest event once the WAL is flushed past it."""
    from app.audit_anchor import anchor_durable_head
    from app.extensions import db

    return anchor_durable_head(db.session)
