"""Writing to the outbox: ``announce`` in the caller's transaction, delivery after its commit.

``announce`` only inserts a row (with the idempotency key unique, so the same key twice is one
row) and remembers its id on the session. Once the session commits, the ids are handed to the
queue; if the queue is unreachable then, nothing is lost: the periodic sweep
(``app.notifications.tasks.sweep``) finds every due row in the database and queues it again.
A rolled-back transaction leaves neither a row nor a queue message.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import Case, Notification, NotificationState, User, utcnow
from app.notifications.kinds import get_kind

log = logging.getLogger(__name__)
_TO_DELIVER = "notifications_to_deliver"
CHUNK = 50  # rows per queue message: consumers share a burst, one mail connection each

#: The role each audience is for (a kind for clients never goes to a counselor by mistake).
_ROLE_OF_AUDIENCE = {"client": "client", "counselor": "counselor", "admin": "admin"}


def announce(
    *,
    recipient: User | int,
    kind: str,
    case: Case | int | None,
    about: tuple[str, int] | None,
    key: str,
    due_at: datetime | None = None,
) -> int | None:
    """Put a notification in the outbox, in the caller's transaction (the caller commits).

    Returns the new row's id, or None when ``key`` was announced before (nothing changes).
    ``due_at`` (aware) delays it, e.g. for a reminder; by default it is due at once.
    """
    registered = get_kind(kind)
    wrong_role = (
        isinstance(recipient, User)
        and not registered.internal
        and recipient.role.value != _ROLE_OF_AUDIENCE[registered.audience]
    )
    if wrong_role:
        assert isinstance(recipient, User)
        raise ValueError(f"{kind} is for {registered.audience}s, not {recipient.role.value}s")
    recipient_id = recipient.id if isinstance(recipient, User) else recipient
    case_id = case.id if isinstance(case, Case) else case
    if due_at is not None and due_at.tzinfo is None:
        raise ValueError("due_at must be timezone-aware")
    now = utcnow()
    when = due_at or now
    values = {
        "key": key[:200],
        "recipient_id": recipient_id,
        "kind": kind,
        "case_id": case_id,
        "about_type": about[0] if about else None,
        "about_id": about[1] if about else None,
        "state": NotificationState.PENDING,
        "due_at": when,
        "next_attempt_at": when,
        "attempts": 0,
        "queued_at": now if when <= now else None,
        "created_at": now,
    }
    session = db.session
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(Notification)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Notification.id)
    )
    new_id = session.execute(statement).scalar()
    if new_id is not None and when <= now:  # due now: queued once the caller commits
        session.info.setdefault(_TO_DELIVER, []).append(new_id)
    return new_id


def cancel_about(about: tuple[str, int], *, kinds: list[str] | None = None) -> int:
    """Cancel the undelivered notifications about ``about`` (e.g. an entry made private again).

    Delivery asks ``still_relevant`` anyway; this makes the change visible at once, in-app too.
    Returns how many rows were cancelled (the caller commits).
    """
    criteria = [
        Notification.about_type == about[0],
        Notification.about_id == about[1],
        Notification.state.in_(
            [NotificationState.PENDING, NotificationState.DIGEST, NotificationState.DEAD]
        )
        | (Notification.shown_at.is_not(None) & Notification.read_at.is_(None)),
        Notification.cancelled_at.is_(None),
    ]
    if kinds:
        criteria.append(Notification.kind.in_(kinds))
    result = db.session.execute(
        sa.update(Notification)
        .where(*criteria, Notification.state != NotificationState.SENDING)
        .values(state=NotificationState.CANCELLED, cancelled_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def withdraw_about(about_type: str, ids: sa.Select[Any]) -> int:
    """Take every notification about these things out of everyone's lists, read or not.

    For things that no longer exist (an erased client's entries and answers): unlike
    ``cancel_about`` this also hides items already read, whose link would lead nowhere. A row
    a worker is sending keeps its state (the worker marks it sent) but is hidden all the same.
    Returns how many rows were withdrawn (the caller commits).
    """
    waiting = [NotificationState.PENDING, NotificationState.DIGEST, NotificationState.DEAD]
    result = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.about_type == about_type,
            Notification.about_id.in_(ids.scalar_subquery()),
            Notification.cancelled_at.is_(None),
        )
        .values(
            state=sa.case(
                (Notification.state.in_(waiting), NotificationState.CANCELLED),
                else_=Notification.state,
            ),
            cancelled_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def enqueue(ids: list[int]) -> None:
    """Hand ``ids`` to the queue; an unreachable queue only delays them (the sweep finds them)."""
    if not ids:
        return
    from app.notifications.tasks import deliver_notifications

    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        try:
            deliver_notifications(chunk)
        except Exception as exc:  # noqa: BLE001  (Redis down, a lock: the sweep retries)
            log.warning("notifications %s wait for the sweep: %s", chunk[:5], type(exc).__name__)


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _deliver_after_commit(session: sa.orm.Session) -> None:
    ids = session.info.pop(_TO_DELIVER, None)
    if ids:
        enqueue(ids)


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _forget_after_rollback(session: sa.orm.Session) -> None:
    session.info.pop(_TO_DELIVER, None)
