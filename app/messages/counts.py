"""Unread counts of messages: per thread, per case (the menu, the caseload, the inbox).

Each is one statement whatever the number of threads or messages, and counts only threads
``app.policy.messages`` lets the viewer read, so a partner's private thread never shows in
the other partner's numbers.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Message, MessageRead, MessageThread, User
from app.policy import messages as policy


def unread_by_thread(viewer: User, thread_ids: list[int] | None = None) -> dict[int, int]:
    """``{thread id: unread messages}`` over the threads the viewer may read (one statement)."""
    query = (
        sa.select(Message.thread_id, sa.func.count())
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .outerjoin(
            MessageRead,
            sa.and_(MessageRead.thread_id == Message.thread_id, MessageRead.user_id == viewer.id),
        )
        .where(policy.threads_readable_by(viewer), policy.unread_for(viewer))
        .group_by(Message.thread_id)
    )
    if thread_ids is not None:
        query = query.where(Message.thread_id.in_(thread_ids))
    return {int(key): int(count) for key, count in db.session.execute(query).all()}


def unread_by_case_query(viewer: User) -> sa.Select[int, int]:
    """The statement of ``unread_by_case``: rows of ``case_id``, ``n`` (the menu reads it with
    the bell's count, ``app.services.menu_counts``)."""
    return (
        sa.select(MessageThread.case_id.label("case_id"), sa.func.count().label("n"))
        .select_from(Message)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .outerjoin(
            MessageRead,
            sa.and_(MessageRead.thread_id == Message.thread_id, MessageRead.user_id == viewer.id),
        )
        .where(policy.threads_readable_by(viewer), policy.unread_for(viewer))
        .group_by(MessageThread.case_id)
    )


def unread_by_case(viewer: User) -> dict[int, int]:
    """``{case id: unread messages}`` for the caseload (one statement)."""
    rows = db.session.execute(unread_by_case_query(viewer)).all()
    return {int(key): int(count) for key, count in rows}
