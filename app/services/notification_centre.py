"""The notification centre's reads and changes for the signed-in person.

Built on the outbox's own reads (``app.notifications``): the bell's count is one statement, a
page of the list a constant number (the page's rows, and for a counselor the labels of the
cases they name), whatever the number of notifications. Every lookup is scoped to the
recipient: someone else's notification is missing, not forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import Case, Notification, Role, User
from app.notification_centre.kinds import target_of
from app.notifications import InAppItem, find_kind, for_recipient, mark_read
from app.services.menu_counts import menu_counts

PAGE_SIZE = 20
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Page:
    """One page of the list, newest first; ``older`` is the cursor of the next page."""

    items: list[InAppItem]
    older: int | None
    case_labels: dict[int, str]


def bell_count(user: User) -> int:
    """The unread count the bell shows: read with the messages badge's, in one statement per
    request (``app.services.menu_counts``)."""
    return menu_counts(user).notifications


def cursor_from(value: str | None) -> int | None:
    """The ``before`` cursor of a page from the address bar; anything odd means the newest."""
    if not value or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number < MAX_ID else None


def page_for(user: User, before: int | None) -> Page:
    """A page of ``user``'s notifications, newest first, and the cursor of the older ones."""
    items = for_recipient(user, before=before, limit=PAGE_SIZE + 1)
    older = items[PAGE_SIZE - 1].id if len(items) > PAGE_SIZE else None
    items = items[:PAGE_SIZE]
    return Page(items=items, older=older, case_labels=_case_labels(user, items))


def _case_labels(user: User, items: list[InAppItem]) -> dict[int, str]:
    """For a counselor, the labels of their own cases the page names (one statement)."""
    case_ids = {i.case_id for i in items if i.case_id is not None}
    if user.role is not Role.COUNSELOR or not case_ids:
        return {}
    rows = db.session.execute(
        sa.select(Case.id, Case.label).where(Case.id.in_(case_ids), Case.counselor_id == user.id)
    ).all()
    labels: dict[int, str] = {}
    for case_id, label in rows:
        labels[case_id] = label
    return labels


def own_notification(user: User, notification_id: int) -> Notification | None:
    """One of ``user``'s in-app notifications, or None (someone else's, cancelled, unknown)."""
    return db.session.scalar(
        sa.select(Notification).where(
            Notification.id == notification_id,
            Notification.recipient_id == user.id,
            Notification.shown_at.is_not(None),
            Notification.cancelled_at.is_(None),
        )
    )


def open_notification(user: User, notification: Notification) -> str | None:
    """Mark it read; where it leads, or None when what it was about is no longer there for
    ``user`` (taken back, made private again, the case closed) — the policy is asked again."""
    mark_read(user, [notification.id])
    kind = find_kind(notification.kind)
    if kind is None or kind.internal or not kind.still_relevant(notification):
        return None
    return target_of(notification)


def mark_all_read(user: User) -> int:
    """Mark every notification of ``user`` read; how many were unread."""
    return mark_read(user, "all")
