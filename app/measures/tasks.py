"""The measures feature's periodic task: announce what fell due (messages carry no data)."""

from __future__ import annotations

from huey import crontab

from app.tasks import periodic_task


@periodic_task(crontab(minute="7"))
def announce_due_measures() -> int:
    """Every hour: a "measure due" notice for each new week or coming appointment (once each)."""
    from app.extensions import db
    from app.measures.services import announce_running

    sent = announce_running()
    db.session.commit()
    return sent
