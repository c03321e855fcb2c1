"""The daily digest: the e-mails a person chose to get once a day, in one e-mail.

Rows whose kind the person set to "daily digest" appear in-app at once and wait in state
``digest``. Once a day, at the person's digest time (08:00 in their time zone unless they
chose another), the sweep makes one digest row for that person and day (its key is
``notifications.digest:<user>:<local date>``, so a day never has two) and ties the waiting
rows to it. Delivering the digest asks the policy about each row again, drops those that no
longer hold, and sends one e-mail naming the others by their fixed titles only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import Notification, NotificationState, User, utcnow
from app.notifications import email
from app.notifications.kinds import NotificationKind, find_kind, register_kind
from app.notifications.outbox import announce
from app.notifications.preferences import preferences_for

DIGEST_KIND = "notifications.digest"

register_kind(
    NotificationKind(
        code=DIGEST_KIND,
        audience="client",  # internal: goes to anyone with rows waiting, whatever their role
        title="Your daily summary",
        link=lambda n: "/",
        still_relevant=lambda n: True,  # each row in it is checked when it is sent
        internal=True,
    )
)


def make_digests(now: datetime | None = None) -> int:
    """Create today's digest for everyone whose digest time has come (commits); how many."""
    now = now or utcnow()
    waiting = db.session.scalars(
        sa.select(Notification.recipient_id)
        .where(Notification.state == NotificationState.DIGEST, Notification.digest_id.is_(None))
        .distinct()
    ).all()
    made = 0
    for user_id in waiting:
        user = db.session.get(User, user_id)
        if user is None:
            continue
        preferences = preferences_for(user)
        local = now.astimezone(preferences.zone)
        if local < datetime.combine(local.date(), preferences.digest_time, tzinfo=preferences.zone):
            continue  # today's digest time is still ahead
        day = local.date()
        digest_id = announce(
            recipient=user_id,
            kind=DIGEST_KIND,
            case=None,
            about=None,
            key=f"{DIGEST_KIND}:{user_id}:{day.isoformat()}",
        )
        if digest_id is None:
            continue  # today's was made already: these wait for tomorrow's
        db.session.execute(
            sa.update(Notification)
            .where(
                Notification.recipient_id == user_id,
                Notification.state == NotificationState.DIGEST,
                Notification.digest_id.is_(None),
            )
            .values(digest_id=digest_id)
        )
        db.session.commit()
        made += 1
    return made


def deliver_digest(row: Notification, recipient: User, mailer: email.Mailer) -> str:
    """Send the digest ``row`` (one e-mail for its waiting rows; commits)."""
    from app.notifications.delivery import absolute, cancel, send, still_relevant

    now = utcnow()
    items = db.session.scalars(
        sa.select(Notification)
        .where(Notification.digest_id == row.id, Notification.state == NotificationState.DIGEST)
        .order_by(Notification.id)
    ).all()
    lines: list[email.Line] = []
    for item in items:
        kind = find_kind(item.kind)
        if kind is None or not still_relevant(item, kind, recipient):
            cancel(item, now)
            continue
        lines.append(email.Line(kind.title, absolute(_link_of(kind, item))))
    if not lines:
        cancel(row, now)
        db.session.commit()
        return "cancelled"
    preferences = preferences_for(recipient)
    if preferences.in_quiet_hours(now):
        row.next_attempt_at = preferences.quiet_hours_end(now)
        row.queued_at = None
        db.session.commit()
        return "quiet hours"
    letter = email.Letter(
        to=recipient.email,
        lines=lines,
        home=absolute(lambda: "/"),
        discreet=preferences.discreet,
        digest=True,
    )

    def mark_items(sent_at: datetime) -> None:
        db.session.execute(
            sa.update(Notification)
            .where(Notification.digest_id == row.id, Notification.state == NotificationState.DIGEST)
            .values(state=NotificationState.SENT, sent_at=sent_at)
        )

    return send(row, letter, mailer, also=mark_items)


def _link_of(kind: NotificationKind, item: Notification) -> Callable[[], str]:
    return lambda: kind.link(item)
