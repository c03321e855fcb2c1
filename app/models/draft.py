"""Unsaved edits kept on the server for their author alone (security issue 19.8)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.crypto import EncryptedText
from app.extensions import Model
from app.models.base import UTCDateTime, uid_column, utcnow


class ServerDraft(Model):
    """The author's unsaved edit of a journal entry that others can already read.

    Autosave must not publish half-typed text to the partner or counselor, and must not leave
    it readable on a shared device either: it waits here, encrypted, until the author presses
    Save (then it is applied and deleted). Only the author's own editor ever reads it.
    """

    __tablename__ = "server_drafts"
    __table_args__ = (sa.UniqueConstraint("owner_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("journal_entries.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    base_version: Mapped[int]
    fields_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # The author's writing: under their own data key, so erasing them shreds it too.
    fields = EncryptedText("fields_ct", json_value=True, owner="owner_id")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
