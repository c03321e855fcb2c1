"""Per-client data keys and crypto-shredding (docs/security.md GD-3).

Each client's writing (journal entries with their moods, exercise answers, check-ins) is
encrypted under that client's own 256-bit data key. The data key is stored in
``client_data_keys`` wrapped by the keyring (so key rotation re-wraps it and never touches the
rows), and every ciphertext names its data key in its header.

Erasing a client deletes their data key row and appends the key's random ``ref`` to the *shred
list*, an append-only file beside the keyring, outside the database. A data key on the shred
list is never unwrapped again. That is what makes the erasure reach every copy:

* the live database: the rows are deleted and the key with them;
* dead tuples and freed pages still holding old ciphertext or the old wrapped key: the key row
  is gone, and a resurrected copy of it is on the shred list;
* a backup taken before the erasure holds the client's rows *and* their wrapped key, but not
  the shred list; restoring it with this app finds the key listed, reports the values as
  shredded and re-applies the erasure (``app.services.backup``).

The partner's rows use the partner's key, which is not listed, so they stay readable.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

from app.crypto import DecryptionError, ShreddedKeyError, keyring, keyring_path

DATA_MAGIC = b"C"
DATA_HEADER = 1 + 4 + 12
SHRED_LIST_NAME = "shredded_data_keys.jsonl"


def _table() -> sa.Table:
    from app.models.data_key import ClientDataKey

    return ClientDataKey.__table__


def wrap_aad(key_id: int) -> bytes:
    """Associated data of a wrapped data key: bound to its row."""
    return f"client_data_keys.key#{key_id}".encode()


def _cache() -> dict[str, dict]:
    return current_app.extensions.setdefault(
        "rekindle_data_keys", {"by_user": {}, "by_id": {}, "shredded": (None, frozenset())}
    )


def forget(key_ids: Iterable[int] = (), user_ids: Iterable[int] = ()) -> None:
    """Drop data keys from this process's memory (after an erasure or a restore)."""
    cache = _cache()
    for key_id in key_ids:
        cache["by_id"].pop(key_id, None)
    for user_id in user_ids:
        cache["by_user"].pop(user_id, None)


def forget_all() -> None:
    """Drop every cached data key (the database under the app was replaced)."""
    current_app.extensions.pop("rekindle_data_keys", None)


# --- the shred list -----------------------------------------------------------------------


def shred_list_path() -> Path:
    """Where the shred list lives: configured, or beside the keyring file."""
    configured = current_app.config.get("REKINDLE_SHRED_LIST_FILE")
    return Path(configured) if configured else keyring_path(current_app).parent / SHRED_LIST_NAME


def shredded_entries() -> list[dict]:
    """Every entry of the shred list: ``{"ref", "user_id", "at"}``."""
    path = shred_list_path()
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def shredded_refs() -> frozenset[str]:
    """The refs of every destroyed data key (re-read when the file changes)."""
    path = shred_list_path()
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        return frozenset()
    cache = _cache()
    if cache["shredded"][0] != stamp:
        cache["shredded"] = (stamp, frozenset(e["ref"] for e in shredded_entries()))
    return cache["shredded"][1]


def append_to_shred_list(entries: list[dict]) -> None:
    """Append destroyed keys to the shred list (owner-only, appended and synced, never rewritten)."""
    if not entries:
        return
    path = shred_list_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries).encode())
        os.fsync(fd)
    finally:
        os.close(fd)


# --- data keys ----------------------------------------------------------------------------


def data_key_for_owner(conn: sa.Connection, user_id: int) -> tuple[int, bytes]:
    """The id and plain data key of a client, created on their first write."""
    cache = _cache()
    key_id = cache["by_user"].get(user_id)
    if key_id is not None and key_id in cache["by_id"]:
        return key_id, cache["by_id"][key_id]
    table = _table()
    row = conn.execute(sa.select(table.c.id).where(table.c.user_id == user_id)).first()
    if row is None:
        row = _create_data_key(conn, user_id)
    key_id = row.id
    cache["by_user"][user_id] = key_id
    return key_id, open_data_key(conn, key_id)


def _create_data_key(conn: sa.Connection, user_id: int) -> sa.Row:
    table = _table()
    data_key = AESGCM.generate_key(bit_length=256)
    try:
        with conn.begin_nested():
            key_id = conn.execute(
                table.insert().values(user_id=user_id, ref=secrets.token_hex(16), wrapped_key=b"")
            ).inserted_primary_key[0]
            # Wrapped after the insert: the wrap is bound to the row's id.
            conn.execute(
                table.update()
                .where(table.c.id == key_id)
                .values(wrapped_key=keyring().encrypt(data_key, wrap_aad(key_id)))
            )
    except sa.exc.IntegrityError:
        pass  # another writer created this client's key at the same moment: use theirs
    return conn.execute(sa.select(table.c.id).where(table.c.user_id == user_id)).one()


def open_data_key(conn: sa.Connection, key_id: int) -> bytes:
    """Unwrap a data key, refusing destroyed (shredded) ones."""
    cache = _cache()
    if key_id in cache["by_id"]:
        return cache["by_id"][key_id]
    table = _table()
    row = conn.execute(
        sa.select(table.c.ref, table.c.wrapped_key).where(table.c.id == key_id)
    ).first()
    if row is None:
        raise ShreddedKeyError(f"data key {key_id} was destroyed: its client was erased")
    if row.ref in shredded_refs():
        raise ShreddedKeyError(f"data key {key_id} is on the shred list: its client was erased")
    data_key = keyring().decrypt(row.wrapped_key, wrap_aad(key_id))
    cache["by_id"][key_id] = data_key
    return data_key


def is_client_value(blob: bytes) -> bool:
    """True when ``blob`` is encrypted under a client's data key."""
    return bytes(blob[:1]) == DATA_MAGIC


def data_key_id_of(blob: bytes) -> int:
    """Which data key encrypted a client value."""
    return int.from_bytes(bytes(blob[1:5]), "big")


def seal_value(aad: bytes, plaintext: bytes, *, conn: sa.Connection, owner_id: int | None) -> bytes:
    """Encrypt under the owner's data key, or under the keyring without an owner."""
    if owner_id is None:
        return keyring().encrypt(plaintext, aad)
    key_id, data_key = data_key_for_owner(conn, owner_id)
    return seal_with_data_key(aad, plaintext, key_id, data_key)


def seal_with_data_key(aad: bytes, plaintext: bytes, key_id: int, data_key: bytes) -> bytes:
    """Encrypt under one data key (bulk loaders that create the keys themselves use this)."""
    nonce = os.urandom(12)
    body = AESGCM(data_key).encrypt(nonce, plaintext, aad)
    return DATA_MAGIC + key_id.to_bytes(4, "big") + nonce + body


def new_data_key_row(key_id: int) -> tuple[bytes, dict]:
    """A fresh data key and the ``client_data_keys`` values (minus ``user_id``) that store it."""
    data_key = AESGCM.generate_key(bit_length=256)
    values = {
        "id": key_id,
        "ref": secrets.token_hex(16),
        "wrapped_key": keyring().encrypt(data_key, wrap_aad(key_id)),
    }
    return data_key, values


def open_value(aad: bytes, blob: bytes, connect: Callable[[], sa.Connection]) -> bytes:
    """Decrypt and authenticate a stored value of either layout, or raise ``DecryptionError``."""
    blob = bytes(blob)
    if not is_client_value(blob):
        return keyring().decrypt(blob, aad)
    if len(blob) < DATA_HEADER + 16:
        raise DecryptionError("not an encrypted value")
    key_id = data_key_id_of(blob)
    cached = _cache()["by_id"].get(key_id)
    data_key = cached if cached is not None else open_data_key(connect(), key_id)
    try:
        return AESGCM(data_key).decrypt(blob[5:DATA_HEADER], blob[DATA_HEADER:], aad)
    except InvalidTag as exc:
        raise DecryptionError("stored value failed authentication") from exc
