"""The in-app notification centre's reads: the unread count, the list, mark read.

A notification appears in-app once the queue has delivered it (``shown_at``; at once, even in
quiet hours) and disappears when it is cancelled. Every read is scoped to the signed-in
person and costs one statement, whatever the number of rows (keyset pages by id).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import Notification, User, utcnow
from app.notifications.kinds import find_kind

PAGE_SIZE = 20
MAX_PAGE = 100


@dataclass(frozen=True)
class InAppItem:
    """One line of the in-app list: fixed words, a link, when, read or not."""

    id: int
    kind: str
    title: str
    link: str | None
    case_id: int | None
    at: datetime
    read: bool


def _visible_to(user: User) -> ColumnElement[bool]:
    return sa.and_(
        Notification.recipient_id == user.id,
        Notification.shown_at.is_not(None),
        Notification.cancelled_at.is_(None),
    )


def unread_count_query(user: User) -> sa.Select[int]:
    """The statement of ``unread_count`` (the menu reads it with the messages' count)."""
    return (
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(_visible_to(user), Notification.read_at.is_(None))
    )


def unread_count(user: User) -> int:
    """How many in-app notifications ``user`` has not read (one statement)."""
    return int(db.session.scalar(unread_count_query(user)) or 0)


def for_recipient(user: User, before: int | None = None, limit: int = PAGE_SIZE) -> list[InAppItem]:
    """``user``'s in-app notifications, newest first; ``before`` is the last id of the page
    before (keyset paging: every page costs the same). Needs an app or request context for
    the links (``url_for``)."""
    limit = max(1, min(int(limit), MAX_PAGE))
    query = sa.select(Notification).where(_visible_to(user))
    if before is not None:
        query = query.where(Notification.id < before)
    rows = db.session.scalars(query.order_by(Notification.id.desc()).limit(limit)).all()
    items = []
    for row in rows:
        kind = find_kind(row.kind)
        if kind is None or kind.internal:
            continue
        items.append(
            InAppItem(
                id=row.id,
                kind=row.kind,
                title=kind.title,
                link=_link(kind.link, row),
                case_id=row.case_id,
                at=row.shown_at or row.created_at,
                read=row.read_at is not None,
            )
        )
    return items


def _link(build: object, row: Notification) -> str | None:
    try:
        return str(build(row))  # type: ignore[operator]
    except Exception:  # noqa: BLE001  (a link that cannot be built must not break the list)
        return None


def mark_read(user: User, ids: Iterable[int] | Literal["all"]) -> int:
    """Mark ``ids`` (only ``user``'s own; others are ignored) or ``"all"`` read; returns how
    many changed. The caller commits."""
    criteria = [_visible_to(user), Notification.read_at.is_(None)]
    if ids != "all":
        wanted = [int(i) for i in ids]
        if not wanted:
            return 0
        criteria.append(Notification.id.in_(wanted))
    result = db.session.execute(sa.update(Notification).where(*criteria).values(read_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)
