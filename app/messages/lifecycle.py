"""Messages in a client's own copy of their data, and in their erasure (GD-1, GD-2).

The copy holds the threads ``app.policy.messages`` lets the client read: the joint thread of
each couple case and the client's own private thread, never the other partner's private one.
Erasure removes the client's private threads (with the counselor's replies in them: that
conversation was about the client alone) and replaces the client's messages in joint threads
by a marker, leaving the other partner's and the counselor's messages as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.database import rows_changed
from app.extensions import db
from app.models import (
    Case,
    Message,
    MessageDraft,
    MessageRead,
    MessageThread,
    Notification,
    User,
    utcnow,
)
from app.policy import messages as policy


def export_for(user: User) -> list[dict[str, Any]]:
    """The client's conversations, each with its messages oldest first (two statements)."""
    threads = list(
        db.session.scalars(
            sa.select(MessageThread)
            .where(policy.export_threads_of(user), MessageThread.last_message_id.is_not(None))
            .options(joinedload(MessageThread.case).joinedload(Case.counselor))
            .order_by(MessageThread.case_id, MessageThread.id)
        )
    )
    if not threads:
        return []
    messages = list(
        db.session.scalars(
            sa.select(Message)
            .where(
                Message.thread_id.in_([t.id for t in threads]), policy.messages_readable_by(user)
            )
            .options(joinedload(Message.author))
            .order_by(Message.thread_id, Message.id)
        )
    )
    by_thread: dict[int, list[Message]] = {}
    for message in messages:
        by_thread.setdefault(message.thread_id, []).append(message)
    return [
        {
            "case": thread.case.label,
            "conversation": policy.export_label(thread),
            "messages": [_message(m, user) for m in by_thread.get(thread.id, [])],
        }
        for thread in threads
        # A thread whose only messages are held from the client is not in their copy either.
        if thread.id in by_thread
    ]


def _message(message: Message, user: User) -> dict[str, Any]:
    if message.removed_at is not None:
        text = policy.REMOVED_TEXT
    elif message.withdrawn_at is not None:
        text = policy.WITHDRAWN_TEXT
    else:
        text = message.body
    return {
        "from": "you" if message.author_id == user.id else message.author.name,
        "text": text,
        "sent_at": message.created_at.isoformat(),
    }


@dataclass(frozen=True)
class MessagesErased:
    """How much erasure removed (counts only)."""

    private_threads: int
    joint_messages: int


def erase_messages_of(user: User) -> MessagesErased:
    """Remove the client's private threads and blank their joint messages (flushes)."""
    session = db.session
    # Notifications about messages that no longer exist go with them.
    private_messages = sa.select(Message.id).where(
        Message.thread_id.in_(sa.select(MessageThread.id).where(policy.private_threads_of(user)))
    )
    session.execute(
        sa.delete(Notification).where(
            Notification.about_type == "message", Notification.about_id.in_(private_messages)
        )
    )
    private = rows_changed(
        session.execute(sa.delete(MessageThread).where(policy.private_threads_of(user)))
    )
    joint = rows_changed(
        session.execute(
            sa.update(Message)
            .where(policy.authored_by(user), Message.removed_at.is_(None))
            .values(body_ct=None, removed_at=utcnow())
        )
    )
    session.execute(sa.delete(MessageDraft).where(MessageDraft.owner_id == user.id))
    session.execute(sa.delete(MessageRead).where(MessageRead.user_id == user.id))
    session.flush()
    return MessagesErased(private_threads=private, joint_messages=joint)


def count_written_by(user: User) -> int:
    """How many messages the client wrote (the admin sees this number, never a message)."""
    return db.session.scalar(sa.select(sa.func.count()).where(policy.authored_by(user))) or 0
