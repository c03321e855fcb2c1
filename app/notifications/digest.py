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
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

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
    """Make the digests whose time has come (commits); returns how many.

    A digest goes at the person's latest digest moment (today's, or yesterday's when today's
    is still ahead) and carries the rows that began waiting before that moment; rows that came
    later wait for the next one. A consumer that was down catches up at its next sweep.
    """
    now = now or utcnow()
    waiting = db.session.execute(
        sa.select(Notification.recipient_id, sa.func.min(Notification.shown_at))
        .where(Notification.state == NotificationState.DIGEST, Notification.digest_id.is_(None))
        .group_by(Notification.recipient_id)
    ).all()
    made = 0
    for user_id, oldest in waiting:
        user = db.session.get(User, user_id)
        if user is None or oldest is None:
            continue
        preferences = preferences_for(user)
        moment = latest_moment(now, preferences.digest_time, preferences.zone)
        if oldest >= moment:
            continue  # everything waiting came after the latest digest moment
        day = moment.astimezone(preferences.zone).date()
        digest_id = announce(
            recipient=user_id,
            kind=DIGEST_KIND,
            case=None,
            about=None,
            key=f"{DIGEST_KIND}:{user_id}:{day.isoformat()}",
        )
        if digest_id is None:
            continue  # that day's digest went already: these wait for the next one
        db.session.execute(
            sa.update(Notification)
            .where(
                Notification.recipient_id == user_id,
                Notification.state == NotificationState.DIGEST,
                Notification.digest_id.is_(None),
                Notification.shown_at < moment,
            )
            .values(digest_id=digest_id)
        )
        db.session.commit()
        made += 1
    return made


def latest_moment(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The last instant at or before ``now`` when the wall clock in ``zone`` showed ``at``."""
    local = now.astimezone(zone)
    today = datetime.combine(local.date(), at, tzinfo=zone)
    if today > local:
        today = datetime.combine(local.date() - timedelta(days=1), at, tzinfo=zone)
    return today.astimezone(UTC)


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
