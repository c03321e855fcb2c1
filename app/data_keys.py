"""Per-client data keys and crypto-shredding (docs/security.md GD-3).

Each client's writing (journal entries with their moods, exercise answers, check-ins) is
encrypted under that client's own 256-bit data key, and every ciphertext names its data key
(the id of its ``client_data_keys`` row) in its header. The row holds only the key's random
``ref``; the key itself lives in the client key store outside the database
(``app.client_key_store``), wrapped by the keyring.

Erasing a client deletes their row and, once the erasure commits, their key from the store.
Every copy of their ciphertext is then undecryptable, whoever holds it and whatever code they
run: the rows in the live database are gone, and dead tuples, freed pages and backups taken
before the erasure hold ciphertext and a ref, but no key anywhere. The partner's rows use the
partner's key, which stays in the store.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable
from typing import cast

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

from app import client_key_store
from app.crypto import DataKeyMissing, DecryptionError, ShreddedKeyError, keyring

DATA_MAGIC = b"C"
DATA_HEADER = 1 + 4 + 12


def _table() -> sa.Table:
    from app.models.data_key import ClientDataKey

    return cast(sa.Table, ClientDataKey.__table__)


def _cache() -> dict[str, dict]:
    # by_user: user id -> key id; refs: key id -> ref; plain: ref -> plain data key.
    return current_app.extensions.setdefault(
        "rekindle_data_keys", {"by_user": {}, "refs": {}, "plain": {}}
    )


def forget(key_ids: Iterable[int] = (), user_ids: Iterable[int] = ()) -> None:
    """Drop data keys from this process's memory (after an erasure)."""
    cache = _cache()
    for key_id in key_ids:
        ref = cache["refs"].pop(key_id, None)
        cache["plain"].pop(ref, None)
    for user_id in user_ids:
        cache["by_user"].pop(user_id, None)


def forget_all() -> None:
    """Drop every cached data key (the database under the app was replaced)."""
    current_app.extensions.pop("rekindle_data_keys", None)


def data_key_for_owner(conn: sa.Connection, user_id: int) -> tuple[int, bytes]:
    """The id and plain data key of a client, created on their first write."""
    cache = _cache()
    key_id = cache["by_user"].get(user_id)
    if key_id is not None:
        try:
            return key_id, open_data_key(lambda: conn, key_id)
        except DataKeyMissing:
            # What this process remembered no longer matches the database (it was replaced
            # under a running app, e.g. restored): look again, once.
            forget(key_ids=[key_id], user_ids=[user_id])
            key_id = None
    if key_id is None:
        table = _table()
        row = conn.execute(sa.select(table.c.id).where(table.c.user_id == user_id)).first()
        if row is None:
            row = _create_data_key(conn, user_id)
        key_id = row.id
        cache["by_user"][user_id] = key_id
    return key_id, open_data_key(lambda: conn, key_id)


def _create_data_key(conn: sa.Connection, user_id: int) -> sa.Row:
    """A new key: in the store first, so no committed row ever names a key the store lacks.

    A rolled-back transaction leaves its key in the store, naming no row: it encrypts nothing.
    """
    table = _table()
    ref = secrets.token_hex(16)
    client_key_store.add_key(ref, AESGCM.generate_key(bit_length=256))
    try:
        with conn.begin_nested():
            conn.execute(table.insert().values(user_id=user_id, ref=ref))
    except sa.exc.IntegrityError:
        # another writer created this client's key at the same moment: use theirs
        client_key_store.remove_unused_key(ref)
    return conn.execute(sa.select(table.c.id).where(table.c.user_id == user_id)).one()


def _ref_of(connect: Callable[[], sa.Connection], key_id: int) -> str:
    cache = _cache()
    ref = cache["refs"].get(key_id)
    if ref is None:  # only then is a connection needed
        table = _table()
        ref = connect().execute(sa.select(table.c.ref).where(table.c.id == key_id)).scalar()
        if ref is None:
            raise ShreddedKeyError(f"data key {key_id} was destroyed: its client was erased")
        cache["refs"][key_id] = ref
    return ref


def open_data_key(connect: Callable[[], sa.Connection], key_id: int) -> bytes:
    """The plain data key ``key_id``, from the key store (checked on every use, so a key
    another process shredded is not served from this process's memory)."""
    remembered = key_id in _cache()["refs"]
    ref = _ref_of(connect, key_id)
    store = client_key_store.read_store()
    wrapped = store.keys.get(ref)
    if wrapped is None and remembered:
        # The remembered ref may be from a database that was replaced: ask the database again.
        forget(key_ids=[key_id])
        ref = _ref_of(connect, key_id)
        wrapped = store.keys.get(ref)
    if wrapped is None:
        _cache()["plain"].pop(ref, None)
        if ref in store.shredded:
            raise ShreddedKeyError(f"data key {key_id} was destroyed: its client was erased")
        raise DataKeyMissing(
            f"data key {key_id} is not in the client key store "
            f"({client_key_store.store_path().name}): is this the key store of this database?"
        )
    plain = _cache()["plain"]
    if ref not in plain:
        plain[ref] = client_key_store.unwrap(ref, wrapped)
    return plain[ref]


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
    """A fresh data key, put in the key store, and the ``client_data_keys`` values
    (minus ``user_id``) that name it (bulk loaders use this)."""
    data_key = AESGCM.generate_key(bit_length=256)
    ref = secrets.token_hex(16)
    client_key_store.add_key(ref, data_key)
    return data_key, {"id": key_id, "ref": ref}


def open_value(aad: bytes, blob: bytes, connect: Callable[[], sa.Connection]) -> bytes:
    """Decrypt and authenticate a stored value of either layout, or raise ``DecryptionError``."""
    blob = bytes(blob)
    if not is_client_value(blob):
        return keyring().decrypt(blob, aad)
    if len(blob) < DATA_HEADER + 16:
        raise DecryptionError("not an encrypted value")
    key_id = data_key_id_of(blob)
    data_key = open_data_key(connect, key_id)
    try:
        return AESGCM(data_key).decrypt(blob[5:DATA_HEADER], blob[DATA_HEADER:], aad)
    except InvalidTag as exc:
        raise DecryptionError("stored value failed authentication") from exc
