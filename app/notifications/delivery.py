"""Delivering outbox rows: in-app at once, e-mail by the person's rules, each e-mail once.

``deliver`` takes one due ``pending`` row and, after asking the policy again:

* cancels it when it no longer holds (``still_relevant``, case closed, recipient erased or
  deactivated) or the person switched the kind off;
* shows it in-app (``shown_at``) at once, even in quiet hours;
* leaves the e-mail to the daily digest, or to the end of quiet hours, when the person asks;
* otherwise sends the e-mail *once*: it first claims the row (``sending``, with the Message-ID
  made from the idempotency key) in a commit of its own, then hands the e-mail over, then
  marks it ``sent``. A worker killed in between leaves a ``sending`` claim that is never sent
  again blindly: the sweep checks it against what was sent (the ``.eml`` file when e-mail goes
  to files; with a mail server, which cannot be asked, it becomes a dead letter naming its
  Message-ID for the admin to look up before retrying).

A refused or unreachable mail server is a failed attempt: retried with backoff (1, 2, 4 ...
minutes, at most an hour apart), a dead letter after ``REKINDLE_NOTIFY_MAX_ATTEMPTS``.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, request

from app.extensions import db
from app.models import Case, Notification, NotificationState, Role, User, utcnow
from app.notifications import email
from app.notifications.kinds import NotificationKind, find_kind
from app.notifications.preferences import preferences_for
from app.policy import notifications as notification_policy

log = logging.getLogger(__name__)
ERROR_LENGTH = 200
DEAD_LETTER_KIND = "notifications.dead_letter"
INTERRUPTED = (
    "Interrupted while handing the e-mail to the mail server; it may have been sent. "
    "Look for its Message-ID in the mail server's log before retrying."
)


def deliver_batch(ids: list[int]) -> dict[str, int]:
    """Deliver each row of ``ids`` (one mail server connection for all); outcome counts."""
    outcomes: dict[str, int] = {}
    with email.Mailer() as mailer:
        for notification_id in ids:
            try:
                outcome = deliver(notification_id, mailer)
            except Exception:
                db.session.rollback()
                log.exception("notification %s could not be delivered", notification_id)
                outcome = "error"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def deliver(notification_id: int, mailer: email.Mailer) -> str:
    """Deliver one row if it is due and pending (commits); returns what happened."""
    now = utcnow()
    row = db.session.get(Notification, notification_id)
    if row is None:
        return "gone"
    if row.state is not NotificationState.PENDING or row.next_attempt_at > now:
        db.session.rollback()
        return "not due"
    kind = find_kind(row.kind)
    recipient = db.session.get(User, row.recipient_id)
    try:
        relevant = (
            kind is not None and recipient is not None and still_relevant(row, kind, recipient)
        )
    except Exception as exc:  # a broken check is a failed attempt, never a delivery
        db.session.rollback()
        log.exception("still_relevant of %s failed", row.kind)
        _failed(notification_id, exc)
        return "failed"
    if not relevant:
        cancel(row, now)
        db.session.commit()
        return "cancelled"
    assert kind is not None and recipient is not None
    if kind.internal:
        from app.notifications.digest import deliver_digest

        return deliver_digest(row, recipient, mailer)

    preferences = preferences_for(recipient)
    choice = preferences.kind(row.kind)
    if choice is None or not choice.enabled:
        cancel(row, now)
        db.session.commit()
        return "switched off"
    if row.shown_at is None:
        row.shown_at = now
    if choice.timing == "digest":
        row.state = NotificationState.DIGEST
        db.session.commit()
        return "digest"
    if not kind.bypass_quiet_hours and preferences.in_quiet_hours(now):
        row.next_attempt_at = preferences.quiet_hours_end(now)
        row.queued_at = None  # the sweep queues it when quiet hours end
        db.session.commit()
        return "quiet hours"
    letter = email.Letter(
        to=recipient.email,
        lines=[email.Line(kind.title, absolute(lambda: kind.link(row)))],
        home=absolute(lambda: "/"),
        discreet=preferences.discreet,
    )
    return send(row, letter, mailer)


def still_relevant(row: Notification, kind: NotificationKind, recipient: User) -> bool:
    """The policy's answer right before delivery: may ``recipient`` still hear of this?"""
    case = db.session.get(Case, row.case_id) if row.case_id is not None else None
    if row.case_id is not None and case is None:
        return False
    if not notification_policy.may_be_told(recipient, case):
        return False
    return bool(kind.still_relevant(row))


def cancel(row: Notification, now: datetime) -> None:
    """No longer relevant: neither in-app nor by e-mail (the caller commits)."""
    row.state = NotificationState.CANCELLED
    row.cancelled_at = now


def send(
    row: Notification,
    letter: email.Letter,
    mailer: email.Mailer,
    *,
    also: Callable[[datetime], None] | None = None,
) -> str:
    """Claim, hand over, mark sent (three commits; see the module docstring).

    ``also`` runs in the transaction that marks the row sent (the digest marks its rows).
    """
    message_id = email.message_id_for(row.key)
    message = email.build(letter, message_id)  # before the claim: a template error claims nothing
    notification_id = row.id
    claimed = db.session.execute(
        sa.update(Notification)
        .where(Notification.id == notification_id, Notification.state == NotificationState.PENDING)
        .values(
            state=NotificationState.SENDING,
            claimed_at=utcnow(),
            message_id=message_id,
            attempts=Notification.attempts + 1,
        )
    )
    db.session.commit()
    if getattr(claimed, "rowcount", 0) != 1:
        return "taken"
    try:
        mailer.send(message)
    except (OSError, smtplib.SMTPException) as exc:
        _failed(notification_id, exc)
        return "failed"
    now = utcnow()
    db.session.execute(
        sa.update(Notification)
        .where(Notification.id == notification_id, Notification.state == NotificationState.SENDING)
        .values(state=NotificationState.SENT, sent_at=now, last_error=None)
    )
    if also is not None:
        also(now)
    db.session.commit()
    return "sent"


def backoff(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed attempts (doubling, at most an hour)."""
    base = float(current_app.config.get("REKINDLE_NOTIFY_RETRY_SECONDS") or 60)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600.0))


def _failed(notification_id: int, exc: BaseException) -> None:
    """Record a failed attempt: retry later, or a dead letter after the limit (commits)."""
    db.session.rollback()
    row = db.session.get(Notification, notification_id)
    if row is None:
        return
    now = utcnow()
    if row.state is NotificationState.PENDING:
        row.attempts += 1  # failed before its claim (the policy check)
    row.last_error = describe(exc)
    limit = int(current_app.config.get("REKINDLE_NOTIFY_MAX_ATTEMPTS") or 8)
    if row.attempts >= limit:
        make_dead(row, now, row.last_error)
        db.session.commit()
        return
    delay = backoff(row.attempts)
    row.state = NotificationState.PENDING
    row.claimed_at = None
    row.next_attempt_at = now + delay
    row.queued_at = row.next_attempt_at  # the scheduled retry's time: the sweep steps in after
    db.session.commit()
    from app.notifications.tasks import deliver_notifications

    try:  # the consumer retries at the right time; the sweep does if this message is lost
        deliver_notifications.schedule(args=([notification_id],), delay=delay.total_seconds())
    except Exception as error:  # noqa: BLE001
        log.warning("retry of %s waits for the sweep: %s", notification_id, type(error).__name__)


def describe(exc: BaseException) -> str:
    """A failure in words that never include an address or message text: class and code."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({c for c, _ in exc.recipients.values()})
        code = codes[0] if codes else None
    text = type(exc).__name__ + (f" {code}" if code else "")
    return text[:ERROR_LENGTH]


def make_dead(row: Notification, now: datetime, error: str | None) -> None:
    """Give up on ``row``: a dead letter for the admin (the caller commits)."""
    row.state = NotificationState.DEAD
    row.dead_at = now
    row.last_error = (error or "")[:ERROR_LENGTH] or None
    if row.kind == DEAD_LETTER_KIND:
        return  # never a dead letter about a dead letter
    from app.notifications.outbox import announce

    admins = db.session.scalars(
        sa.select(User.id).where(
            User.role == Role.ADMIN, User.active.is_(True), User.erased_at.is_(None)
        )
    ).all()
    stamp = int(now.timestamp())
    for admin_id in admins:
        announce(
            recipient=admin_id,
            kind=DEAD_LETTER_KIND,
            case=None,
            about=("notification", row.id),
            key=f"{DEAD_LETTER_KIND}:{row.id}:{stamp}:{admin_id}",
        )


def absolute(path: Callable[[], str]) -> str:
    """An absolute link for an e-mail: ``REKINDLE_PUBLIC_URL`` (or the request's host) + path.

    ``path`` runs in a request context on that address, so it may call ``url_for``.
    """
    base = current_app.config.get("REKINDLE_PUBLIC_URL")
    if not base and has_request_context():
        base = request.host_url
    base = (base or "http://localhost:5000").rstrip("/")
    with current_app.test_request_context(base_url=base):
        built = path()
    if built.startswith(("http://", "https://")):
        return built
    return base + (built if built.startswith("/") else "/" + built)
