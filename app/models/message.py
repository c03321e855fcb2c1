"""Secure messages: the threads of a case, their messages, read markers, drafts and rules.

A couple case has one joint thread (the counselor and both partners) and one private thread
per partner with the counselor; an individual case has that client's private thread only.
Who may read which thread is decided in ``app.policy.messages`` alone.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.crypto import EncryptedText
from app.extensions import Model
from app.models.base import UTCDateTime, enum_type, utcnow
from app.models.case import Case
from app.models.user import User


class ThreadKind(enum.StrEnum):
    """A joint thread reaches the whole case; a private one a single client and the counselor."""

    JOINT = "joint"
    PRIVATE = "private"


def thread_slot(kind: ThreadKind, client_id: int | None) -> str:
    """The thread's place in its case, unique per case so each thread exists exactly once."""
    return "joint" if kind is ThreadKind.JOINT else f"private-{client_id}"


class MessageRules(Model):
    """The counselor's practice rule for one case: may clients start a conversation?"""

    __tablename__ = "message_rules"

    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    clients_may_start: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MessageThread(Model):
    """One conversation of a case (joint, or private to one client and the counselor)."""

    __tablename__ = "message_threads"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "slot", name="uq_message_threads_case_slot"),
        # The counselor's inbox pages by (last message time, id) across the caseload.
        sa.Index("ix_message_threads_case_last", "case_id", "last_message_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[ThreadKind] = mapped_column(enum_type(ThreadKind, 16))
    client_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    slot: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_message_id: Mapped[int | None] = mapped_column()
    # A client wrote last and the counselor has neither answered nor marked it done.
    needs_reply: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(lazy="raise")
    client: Mapped[User | None] = relationship(lazy="raise")


class Message(Model):
    """One sent message: immutable; its author may withdraw it for a short while."""

    __tablename__ = "messages"
    __table_args__ = (sa.Index("ix_messages_thread_id", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("message_threads.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    body = EncryptedText("body_ct", owner="author_id")
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Erasure of the author: the text is gone, a marker stays so the thread still reads.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    thread: Mapped[MessageThread] = relationship(lazy="raise")
    author: Mapped[User] = relationship(lazy="raise")

    @property
    def is_gone(self) -> bool:
        """Withdrawn by its author or removed at the client's request: no text to show."""
        return self.withdrawn_at is not None or self.removed_at is not None


class MessageRead(Model):
    """How far one participant has read a thread (read receipts and unread counts)."""

    __tablename__ = "message_reads"

    thread_id: Mapped[int] = mapped_column(
        sa.ForeignKey("message_threads.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_read_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MessageDraft(Model):
    """The autosaved, unsent text of one person's composer in one thread (theirs alone)."""

    __tablename__ = "message_drafts"
    __table_args__ = (sa.UniqueConstraint("thread_id", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("message_threads.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    draft_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    body_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    body = EncryptedText("body_ct", owner="owner_id")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
