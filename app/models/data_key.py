"""Each client's data key, wrapped by the keyring (crypto-shredding, docs/security.md GD-3)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.crypto import EncryptedText
from app.extensions import Model
from app.models.base import UTCDateTime, utcnow


class ClientDataKey(Model):
    """One client's data key. ``key`` is the 256-bit key, stored wrapped by the keyring.

    ``ref`` is a random name for the key: erasure writes it to the shred list outside the
    database, so a copy of this row in an old backup is refused (``app.data_keys``).
    """

    __tablename__ = "client_data_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    ref: Mapped[str] = mapped_column(sa.String(32), unique=True)
    wrapped_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    key = EncryptedText("wrapped_key", binary=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
