"""Bulk-insert thousands of encrypted messages quickly (for the statement-count tests)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.data_keys import data_key_for_owner, seal_with_data_key
from app.extensions import db
from app.models import Message, MessageThread, utcnow


def bulk_messages(app, thread_id: int, authors: list[int], count: int) -> None:
    """``count`` messages in the thread, the authors taking turns, one minute apart."""
    with app.app_context():
        conn = db.session.connection()
        keys = {a: data_key_for_owner(conn, a) for a in authors}
        start = (db.session.scalar(sa.select(sa.func.max(Message.id))) or 0) + 1
        begin = utcnow() - timedelta(minutes=count + 10)
        rows = []
        for n in range(count):
            message_id = start + n
            author = authors[n % len(authors)]
            key_id, key = keys[author]
            aad = Message.body.aad_for("messages", message_id)
            rows.append(
                {
                    "id": message_id,
                    "thread_id": thread_id,
                    "author_id": author,
                    "body_ct": seal_with_data_key(aad, f"message {n}".encode(), key_id, key),
                    "created_at": begin + timedelta(minutes=n),
                }
            )
        db.session.execute(sa.insert(Message), rows)
        last = rows[-1]
        db.session.execute(
            sa.update(MessageThread)
            .where(MessageThread.id == thread_id)
            .values(
                last_message_id=last["id"], last_message_at=last["created_at"], needs_reply=True
            )
        )
        db.session.commit()
