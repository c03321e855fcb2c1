"""Journal entries, their sharing history, counselor comments and read markers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.crypto import EncryptedText
from app.extensions import Model
from app.models.assignment import ResponseStatus, Visibility
from app.models.base import UTCDateTime, enum_type, uid_column, utcnow
from app.models.case import Case
from app.models.user import User


class JournalEntry(Model):
    """One client's entry in one case. Title, text, tags and mood are encrypted (client's key)."""

    __tablename__ = "journal_entries"
    __table_args__ = (
        # The author's own list and the counselor's feed both page by (time, id).
        sa.Index("ix_journal_entries_author_created", "author_id", "created_at", "id"),
        sa.Index("ix_journal_entries_case_shared", "case_id", "visibility", "shared_at", "id"),
        # Unread counts on the dashboard and the shared feed filter on status too; with it in
        # the index they never read the (large, encrypted) rows (docs/performance.md T4; migration 0003).
        sa.Index(
            "ix_journal_entries_case_visible_status",
            "case_id",
            "visibility",
            "status",
            "shared_at",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    title_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    title = EncryptedText("title_ct", owner="author_id")
    body_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    body = EncryptedText("body_ct", owner="author_id")
    tags_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    tags = EncryptedText("tags_ct", json_value=True, owner="author_id")
    mood_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    mood = EncryptedText("mood_ct", json_value=True, owner="author_id")  # 1-5
    visibility: Mapped[Visibility] = mapped_column(
        enum_type(Visibility, 32), default=Visibility.PRIVATE
    )
    status: Mapped[ResponseStatus] = mapped_column(
        enum_type(ResponseStatus, 16), default=ResponseStatus.DRAFT
    )
    exercise_response_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="SET NULL")
    )
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    draft_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    version: Mapped[int] = mapped_column(default=1)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship(lazy="raise")
    author: Mapped[User] = relationship(lazy="raise")
    comments: Mapped[list[JournalComment]] = relationship(
        back_populates="entry",
        order_by="JournalComment.created_at",
        lazy="raise",
        cascade="all, delete-orphan",
    )


class JournalSearchTerm(Model):
    """A keyed hash of one word or tag of an entry, so search works without plaintext."""

    __tablename__ = "journal_search_terms"
    __table_args__ = (sa.Index("ix_journal_search_terms_term", "term", "entry_id"),)

    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("journal_entries.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[bytes] = mapped_column(sa.LargeBinary(16), primary_key=True)


class JournalVisibilityChange(Model):
    """When the author shared or revoked an entry."""

    __tablename__ = "journal_visibility_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("journal_entries.id", ondelete="CASCADE"), index=True
    )
    from_visibility: Mapped[Visibility] = mapped_column(enum_type(Visibility, 32))
    to_visibility: Mapped[Visibility] = mapped_column(enum_type(Visibility, 32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JournalComment(Model):
    """A counselor's comment on an entry shared with them."""

    __tablename__ = "journal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("journal_entries.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    body = EncryptedText("body_ct")
    # Minted when the comment form renders: a double click posts it twice, one comment results.
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[JournalEntry] = relationship(back_populates="comments", lazy="raise")
    author: Mapped[User] = relationship(lazy="raise")


class JournalRead(Model):
    """A counselor has read a shared entry (drives unread markers)."""

    __tablename__ = "journal_reads"

    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("journal_entries.id", ondelete="CASCADE"), primary_key=True
    )
    reader_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
