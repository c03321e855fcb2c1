"""Which data key is each client's (crypto-shredding, docs/security.md GD-3)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.base import UTCDateTime, utcnow


class ClientDataKey(Model):
    """One client's data key, by name only: no key material is in the database.

    ``ref`` is the random name under which the client key store outside the database holds
    the key, wrapped by the keyring (``app.client_key_store``). Erasure deletes the key from
    the store, so a copy of this row in an old backup names a key that no longer exists.
    """

    __tablename__ = "client_data_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    ref: Mapped[str] = mapped_column(sa.String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
