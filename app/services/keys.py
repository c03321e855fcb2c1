"""Key rotation for the encrypted columns (docs/security.md DP-2).

Rotation is three steps, each safe to repeat:

1. ``add_key`` writes a new key to the keyring file and makes it the active one, so new writes
   use it (web workers pick it up when they restart).
2. ``reencrypt`` walks every encrypted column of every model in primary-key batches and
   re-encrypts each value that is not under the active key yet. A client's writing is under
   that client's data key, not a keyring key: it is left alone, and rotating re-wraps the data
   keys in the client key store instead (``app.client_key_store``). Each batch commits on its own,
   so an interrupted run loses at most one batch of work and a second run skips what is done.
   A row is only rewritten if it still holds the ciphertext that was read (compare and swap),
   so a save made by the app meanwhile is never overwritten.
3. ``retire_key`` removes an old key from the keyring, and refuses while any value still uses it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import sqlalchemy as sa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

from app import client_key_store
from app.crypto import (
    EncryptedText,
    Keyring,
    encrypted_attributes,
    keyring,
    keyring_path,
    write_keyring,
)
from app.data_keys import is_client_value
from app.database import rows_changed
from app.extensions import Model, db

DEFAULT_BATCH_SIZE = 500


class KeyringError(RuntimeError):
    """The keyring cannot be changed as asked; the message says why and what to do."""


@dataclass(frozen=True)
class EncryptedColumn:
    """One encrypted attribute: the model, the attribute name and its ciphertext column."""

    model: type[Model]
    attribute: str
    column: str
    descriptor: EncryptedText

    @property
    def table(self) -> sa.Table:
        """The model's table."""
        return cast(sa.Table, self.model.__table__)

    @property
    def label(self) -> str:
        """``table.attribute``, for progress output."""
        return f"{self.model.__tablename__}.{self.attribute}"

    def aad(self, row_id: int) -> bytes:
        """The associated data of this column's value in the row ``row_id``."""
        return self.descriptor.aad_for(self.model.__tablename__, row_id)


@dataclass
class Progress:
    """How far re-encryption has come in one column."""

    column: str
    scanned: int
    total: int
    rewritten: int


def encrypted_columns() -> list[EncryptedColumn]:
    """Every ``EncryptedText`` attribute of every mapped model, found by introspection."""
    found = []
    for mapper in sorted(Model.registry.mappers, key=lambda m: m.class_.__name__):
        cls = mapper.class_
        for name, value in encrypted_attributes(cls).items():
            found.append(EncryptedColumn(cls, name, value.column, value))
    return found


def _reload_keyring(ring: Keyring) -> None:
    current_app.extensions["rekindle_keyring"] = ring


def _writable_keyring_file() -> Path:
    if current_app.config.get("REKINDLE_ENCRYPTION_KEYS"):
        raise KeyringError(
            "The keyring comes from REKINDLE_ENCRYPTION_KEYS, which this command cannot change. "
            "Add the new key to that variable yourself (or use REKINDLE_ENCRYPTION_KEYS_FILE), "
            "restart the app, then run `keys rotate --resume`."
        )
    return keyring_path(current_app)


def add_key() -> int:
    """Add a fresh 256-bit key to the keyring file, make it active and return its id."""
    path = _writable_keyring_file()
    ring = Keyring.from_json(path.read_text()) if path.exists() else keyring()
    new_id = max(ring.keys) + 1
    if new_id >= 2**16:
        raise KeyringError("The keyring has no free key ids left.")
    keys = dict(ring.keys)
    keys[new_id] = AESGCM.generate_key(bit_length=256)
    # The blind-index key stays: search terms are keyed hashes, not encrypted values.
    updated = Keyring(keys=keys, active=new_id, index_key=ring.index_key or secrets.token_bytes(32))
    write_keyring(path, updated)
    _reload_keyring(updated)
    return new_id


def _batches(column: EncryptedColumn, batch_size: int) -> Iterator[Sequence[sa.Row[int, bytes]]]:
    table = column.table
    ct = table.c[column.column]
    last_id = None
    while True:
        query = (
            sa.select(table.c.id, ct).where(ct.is_not(None)).order_by(table.c.id).limit(batch_size)
        )
        if last_id is not None:
            query = query.where(table.c.id > last_id)
        rows = db.session.execute(query).all()
        db.session.rollback()  # release the read snapshot between batches
        if not rows:
            return
        yield cast("Sequence[sa.Row[int, bytes]]", rows)
        last_id = rows[-1].id


def _count(column: EncryptedColumn) -> int:
    ct = column.table.c[column.column]
    total = db.session.scalar(sa.select(sa.func.count()).where(ct.is_not(None)))
    db.session.rollback()
    return int(total or 0)


def reencrypt(
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[Progress], None] | None = None,
) -> int:
    """Re-encrypt every value not under the active key; returns how many were rewritten.

    Commits once per batch. Safe to interrupt and to run again: values already under the
    active key are skipped.
    """
    ring = keyring()
    rewritten_total = client_key_store.rewrap(ring)
    if progress is not None:
        stored = len(client_key_store.read_store().keys)
        progress(Progress("client key store", stored, stored, rewritten_total))
    for column in encrypted_columns():
        table = column.table
        ct = table.c[column.column]
        total = _count(column)
        scanned = rewritten = 0
        for rows in _batches(column, batch_size):
            for row in rows:
                blob = bytes(row[1])
                if is_client_value(blob) or Keyring.key_id_of(blob) == ring.active:
                    continue
                aad = column.aad(row.id)
                fresh = ring.encrypt(ring.decrypt(blob, aad), aad)
                result = db.session.execute(
                    table.update()
                    .where(table.c.id == row.id, ct == blob)
                    .values({column.column: fresh})
                )
                # 0 rows: the app saved this value meanwhile, under the active key.
                rewritten += rows_changed(result)
            db.session.commit()
            scanned += len(rows)
            if progress is not None:
                progress(Progress(column.label, scanned, total, rewritten))
        rewritten_total += rewritten
    return rewritten_total


def key_usage() -> dict[int, int]:
    """How many stored values each keyring key encrypts, over every encrypted column.

    Values under a client's data key are not counted; the data keys in the client key store
    count for the keyring key that wraps each of them.
    """
    usage = client_key_store.keyring_usage()
    for column in encrypted_columns():
        ct = column.table.c[column.column]
        result = db.session.execute(
            sa.select(ct).where(ct.is_not(None)).execution_options(yield_per=2000)
        )
        for (blob,) in result:
            if is_client_value(blob):
                continue
            key_id = Keyring.key_id_of(blob)
            usage[key_id] = usage.get(key_id, 0) + 1
        result.close()
    db.session.rollback()
    return usage


def client_value_count() -> int:
    """How many stored values are under clients' data keys (not counted by ``key_usage``)."""
    total = 0
    for column in encrypted_columns():
        ct = column.table.c[column.column]
        result = db.session.execute(
            sa.select(ct).where(ct.is_not(None)).execution_options(yield_per=2000)
        )
        total += sum(1 for (blob,) in result if is_client_value(blob))
        result.close()
    db.session.rollback()
    return total


def retire_key(key_id: int) -> None:
    """Remove ``key_id`` from the keyring file; refused while it is active or still in use."""
    path = _writable_keyring_file()
    ring = Keyring.from_json(path.read_text()) if path.exists() else keyring()
    if key_id not in ring.keys:
        raise KeyringError(f"Key {key_id} is not in the keyring.")
    if key_id == ring.active:
        raise KeyringError(f"Key {key_id} is the active key; rotate to a new key first.")
    in_use = key_usage().get(key_id, 0)
    if in_use:
        raise KeyringError(
            f"Key {key_id} still encrypts {in_use} value(s); run `keys rotate --resume` first."
        )
    keys = {k: v for k, v in ring.keys.items() if k != key_id}
    updated = Keyring(keys=keys, active=ring.active, index_key=ring.index_key)
    write_keyring(path, updated)
    _reload_keyring(updated)
