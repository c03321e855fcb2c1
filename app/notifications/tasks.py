"""The notification tasks of the job queue (messages carry ids only)."""

from __future__ import annotations

from huey import crontab

from app.tasks import periodic_task, task


#: Retried when the run fails as a whole (the database dropped the consumer's connections, as a
#: restart does): each row is checked and claimed again, so a retry never sends one twice, and
#: the rows need not wait for the sweep's five-minute requeue (bench/faults.py found them there).
@task(retries=3, retry_delay=10)
def deliver_notifications(ids: list[int]) -> dict[str, int]:
    """Deliver these outbox rows (each checked again; commits per row)."""
    from app.notifications.delivery import deliver_batch

    return deliver_batch([int(i) for i in ids])


@periodic_task(crontab(minute="*"))
def sweep_notifications() -> dict[str, int]:
    """Every minute: queue due rows nobody queued, check stale claims, make digests."""
    from app.notifications.sweep import sweep

    return sweep()


@periodic_task(crontab(minute="*/15"))
def scan_assignment_reminders() -> dict[str, int]:
    """Every 15 minutes: announce the due and overdue reminders of the next two days."""
    from app.notifications.reminders import scan

    return scan()


@task()
def scan_assignment_reminders_now() -> dict[str, int]:
    """The same scan, queued by hand (Huey keeps no results of periodic runs; the benchmark
    waits for this one's)."""
    from app.notifications.reminders import scan

    return scan()
