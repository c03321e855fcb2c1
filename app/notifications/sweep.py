"""The periodic sweep: nothing depends on a queue message that may have been lost.

Every minute (one consumer runs periodic tasks, README "Deploying") the sweep

* queues every due ``pending`` row that nobody queued, or whose queue message is older than
  ``REQUEUE_AFTER`` (Redis was down when it was announced, a consumer died holding it); a
  second delivery of the same row is harmless, the sending claim lets one through;
* checks ``sending`` claims older than ``REKINDLE_NOTIFY_CLAIM_MINUTES`` against what was sent
  (see ``app.notifications.delivery``);
* makes the daily digests that are due.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Notification, NotificationState, utcnow
from app.notifications import email
from app.notifications.delivery import INTERRUPTED, make_dead
from app.notifications.digest import make_digests

REQUEUE_AFTER = timedelta(minutes=5)
BATCH = 1000


def sweep(now: datetime | None = None) -> dict[str, int]:
    """One pass (commits); how many rows each part touched."""
    now = now or utcnow()
    stale = recover_stale_claims(now)
    digests = make_digests(now)
    queued = queue_due(now)
    return {"queued": queued, "stale claims": stale, "digests": digests}


def queue_due(now: datetime) -> int:
    """Queue the due rows nobody is delivering (in chunks; commits)."""
    from app.notifications.outbox import enqueue

    total = 0
    while True:
        ids = list(
            db.session.scalars(
                sa.select(Notification.id)
                .where(
                    Notification.state == NotificationState.PENDING,
                    Notification.next_attempt_at <= now,
                    sa.or_(
                        Notification.queued_at.is_(None),
                        Notification.queued_at <= now - REQUEUE_AFTER,
                    ),
                )
                .order_by(Notification.next_attempt_at, Notification.id)
                .limit(BATCH)
            )
        )
        if not ids:
            return total
        db.session.execute(
            sa.update(Notification).where(Notification.id.in_(ids)).values(queued_at=now)
        )
        db.session.commit()
        enqueue(ids)
        total += len(ids)
        if len(ids) < BATCH:
            return total


def recover_stale_claims(now: datetime) -> int:
    """Sending claims whose worker never came back: checked against what was sent (commits).

    With e-mail going to files the answer is certain (the file exists only once complete):
    sent, or safe to send. A mail server cannot be asked, so such a claim becomes a dead letter
    naming its Message-ID, never a second e-mail.
    """
    minutes = float(current_app.config.get("REKINDLE_NOTIFY_CLAIM_MINUTES") or 10)
    rows = db.session.scalars(
        sa.select(Notification).where(
            Notification.state == NotificationState.SENDING,
            Notification.claimed_at <= now - timedelta(minutes=minutes),
        )
    ).all()
    to_files = not current_app.config.get("MAIL_SERVER")
    for row in rows:
        if to_files and row.message_id and email.was_written(row.message_id):
            row.state = NotificationState.SENT
            row.sent_at = row.claimed_at
            if row.kind == "notifications.digest":
                _mark_digest_items(row)
        elif to_files:
            row.state = NotificationState.PENDING
            row.claimed_at = None
            row.next_attempt_at = now
            row.queued_at = None
        else:
            make_dead(row, now, INTERRUPTED)
    if rows:
        db.session.commit()
    return len(rows)


def _mark_digest_items(row: Notification) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.digest_id == row.id, Notification.state == NotificationState.DIGEST)
        .values(state=NotificationState.SENT, sent_at=row.claimed_at)
    )


def retry_dead(notification_id: int) -> bool:
    """The admin's "Retry": a dead letter goes back to the outbox, due now (the caller
    commits; delivery follows the commit). False when the row is not a dead letter."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.state is not NotificationState.DEAD:
        return False
    now = utcnow()
    row.state = NotificationState.PENDING
    row.attempts = 0
    row.claimed_at = None
    row.dead_at = None
    row.next_attempt_at = now
    row.queued_at = now
    db.session.info.setdefault("notifications_to_deliver", []).append(row.id)
    return True
