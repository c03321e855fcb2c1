"""Authenticated encryption of client writing at rest (docs/security.md DP-1, DP-2).

Every encrypted value is AES-256-GCM with a fresh nonce. The associated data names the table,
the field and the row's primary key (immutable, never copied with the row's other columns), so a
ciphertext copied into another row or field fails to decrypt. Keys live outside the database: a
JSON keyring in the environment or a file (in development, ``instance/encryption_keys.json``
with mode 0600, created on first start).

Two stored layouts (the first byte says which):

* ``b"R" | keyring key id (2 bytes) | nonce (12) | ciphertext+tag``: the practice's writing
  (notes, feedback, comments, TOTP secrets), under a keyring key.
* ``b"C" | data key id (4 bytes) | nonce (12) | ciphertext+tag``: a client's own writing, under
  that client's data key (``app.data_keys``), kept outside the database in the client key
  store, wrapped by the keyring. Erasing the client destroys the data key (crypto-shredding,
  docs/security.md GD-3).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app
from sqlalchemy.orm import attributes as orm_attributes

MAGIC = b"R"
HEADER = 1 + 2 + 12


class DecryptionError(RuntimeError):
    """A stored value failed authentication: tampered, moved, or its key is missing."""


class DataKeyMissing(DecryptionError):
    """The value is under a client data key that the client key store does not hold."""


class ShreddedKeyError(DataKeyMissing):
    """The value is under the data key of an erased client, destroyed on purpose."""


@dataclass
class Keyring:
    """Numbered 256-bit keys; new values use ``active``, old ones stay readable."""

    keys: dict[int, bytes]
    active: int
    index_key: bytes = field(default=b"")

    @classmethod
    def generate(cls) -> Keyring:
        """A keyring with one fresh key."""
        return cls(
            keys={1: AESGCM.generate_key(bit_length=256)},
            active=1,
            index_key=secrets.token_bytes(32),
        )

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        """Parse ``{"active": 1, "keys": {"1": "<base64>"}, "index_key": "<base64>"}``."""
        data = json.loads(text)
        keys = {int(k): base64.b64decode(v) for k, v in data["keys"].items()}
        if any(len(k) != 32 for k in keys.values()):
            raise ValueError("encryption keys must be 32 bytes")
        active = int(data["active"])
        if active not in keys:
            raise ValueError("the active key is not in the keyring")
        index_key = (
            base64.b64decode(data.get("index_key", ""))
            or hashlib.sha256(b"rekindle-index" + keys[min(keys)]).digest()
        )
        return cls(keys=keys, active=active, index_key=index_key)

    def to_json(self) -> str:
        """Serialise for the key file."""
        return json.dumps(
            {
                "active": self.active,
                "keys": {
                    str(k): base64.b64encode(v).decode() for k, v in sorted(self.keys.items())
                },
                "index_key": base64.b64encode(self.index_key).decode(),
            },
            indent=2,
        )

    def encrypt(self, plaintext: bytes, aad: bytes) -> bytes:
        """Encrypt with the active key."""
        nonce = os.urandom(12)
        body = AESGCM(self.keys[self.active]).encrypt(nonce, plaintext, aad)
        return MAGIC + self.active.to_bytes(2, "big") + nonce + body

    def decrypt(self, blob: bytes, aad: bytes) -> bytes:
        """Decrypt and authenticate, or raise ``DecryptionError``."""
        blob = bytes(blob)
        if len(blob) < HEADER + 16 or blob[:1] != MAGIC:
            raise DecryptionError("not an encrypted value")
        key_id = int.from_bytes(blob[1:3], "big")
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"encryption key {key_id} is not in the keyring")
        try:
            return AESGCM(key).decrypt(blob[3:HEADER], blob[HEADER:], aad)
        except InvalidTag as exc:
            raise DecryptionError("stored value failed authentication") from exc

    @staticmethod
    def key_id_of(blob: bytes) -> int:
        """Which key encrypted this value."""
        return int.from_bytes(bytes(blob)[1:3], "big")

    def blind_index(self, term: str) -> bytes:
        """A keyed hash of a search term, so words can be matched without storing them."""
        return hmac.new(self.index_key, term.encode(), hashlib.sha256).digest()[:16]


def init_app(app: Flask) -> None:
    """Load the keyring (creating a development one on first start)."""
    app.extensions["rekindle_keyring"] = load_keyring(app)


def load_keyring(app: Flask) -> Keyring:
    """Read the keyring from the environment, a configured file, or instance/ in development."""
    if app.config.get("REKINDLE_ENCRYPTION_KEYS"):
        return Keyring.from_json(app.config["REKINDLE_ENCRYPTION_KEYS"])
    path = keyring_path(app)
    if not path.exists():
        if app.config.get("ENV") == "production":
            raise RuntimeError(f"encryption key file {path} is missing")
        write_keyring(path, Keyring.generate())
    return Keyring.from_json(path.read_text())


def keyring_path(app: Flask) -> Path:
    """Where the keyring file lives."""
    configured = app.config.get("REKINDLE_ENCRYPTION_KEYS_FILE")
    return Path(configured) if configured else Path(app.instance_path) / "encryption_keys.json"


def write_keyring(path: Path, keyring: Keyring) -> None:
    """Write the keyring atomically with owner-only permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(keyring.to_json())
    os.replace(tmp, path)


def keyring() -> Keyring:
    """The keyring of the current app."""
    return current_app.extensions["rekindle_keyring"]


#: The ``__dict__`` slot where an instance keeps, per attribute, ``(ciphertext, the id it was
#: sealed for, plaintext)``, so reads need not decrypt what was just written or read.
_PLAIN = "_rekindle_plain"
#: Stands for "not encrypted yet": the row has no primary key until it is inserted.
_PENDING = object()

Owner = str | Callable[[Any, sa.Connection], int | None] | None


class EncryptedText:
    """A model attribute stored encrypted in a ``LargeBinary`` column.

    ``body = EncryptedText("body_ct")`` reads and writes plain ``str`` while the column
    ``body_ct`` holds the ciphertext, bound to the table, the attribute and the row's ``id``.
    A new row gets its id when it is inserted, so its values are encrypted right after the
    INSERT, in the same flush (``_seal_after_insert``), and read back from memory until then.

    ``owner`` names the client whose writing this is (an attribute holding their user id, or a
    function of the row and a connection): such values are encrypted under that client's data
    key, so erasing the client makes them unreadable everywhere. Without an owner the value is
    the practice's and uses the keyring directly.
    """

    def __init__(
        self, column: str, *, json_value: bool = False, binary: bool = False, owner: Owner = None
    ) -> None:
        self.column = column
        self.json_value = json_value
        self.binary = binary
        self.owner = owner
        self.name = column

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.table = getattr(owner, "__tablename__", None)

    def decrypt_stored(self, row_id: int, blob: bytes) -> Any:
        """The value of a ciphertext selected on its own (with its row's id), without the row."""
        from app.data_keys import open_value
        from app.extensions import db

        aad = self.aad_for(self.table or "", row_id)
        return self._decode(open_value(aad, blob, db.session.connection))

    def aad_for(self, table: str, row_id: int) -> bytes:
        """Associated data binding a value to table, field and row."""
        return f"{table}.{self.name}#{row_id}".encode()

    def _encode(self, value: Any) -> bytes:
        if self.binary:
            return bytes(value)
        text = json.dumps(value, ensure_ascii=False) if self.json_value else str(value)
        return text.encode()

    def _decode(self, plaintext: bytes) -> Any:
        if self.binary:
            return plaintext
        text = plaintext.decode()
        return json.loads(text) if self.json_value else text

    def owner_id(self, obj: Any, conn: sa.Connection) -> int | None:
        """The user id of the client whose data key encrypts this value, or None."""
        if self.owner is None:
            return None
        if isinstance(self.owner, str):
            return getattr(obj, self.owner)
        return self.owner(obj, conn)

    def seal(self, obj: Any, plaintext: bytes, conn: sa.Connection) -> bytes:
        """Encrypt ``plaintext`` for this attribute of the (inserted) row ``obj``."""
        from app.data_keys import seal_value

        aad = self.aad_for(obj.__tablename__, obj.id)
        return seal_value(aad, plaintext, conn=conn, owner_id=self.owner_id(obj, conn))

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        blob = getattr(obj, self.column)
        held = obj.__dict__.get(_PLAIN, {}).get(self.name)
        if held is not None and (held[0] is _PENDING or held[0] == blob):
            return self._decode(held[2])
        if blob is None:
            return None
        from app.data_keys import open_value

        plaintext = open_value(
            self.aad_for(obj.__tablename__, obj.id), blob, lambda: _connection_of(obj)
        )
        obj.__dict__.setdefault(_PLAIN, {})[self.name] = (blob, obj.id, plaintext)
        return self._decode(plaintext)

    def __set__(self, obj: Any, value: Any) -> None:
        held = obj.__dict__.setdefault(_PLAIN, {})
        if value is None:
            held.pop(self.name, None)
            setattr(obj, self.column, None)
            return
        plaintext = self._encode(value)
        if getattr(obj, "id", None) is not None and sa.inspect(obj).has_identity:
            blob = self.seal(obj, plaintext, _connection_of(obj))
            setattr(obj, self.column, blob)
            held[self.name] = (blob, obj.id, plaintext)
        else:
            held[self.name] = (_PENDING, None, plaintext)


def _connection_of(obj: Any) -> sa.Connection:
    from app.extensions import db

    session = sa.orm.object_session(obj) or db.session
    return session.connection()


def encrypted_attributes(cls: type) -> dict[str, EncryptedText]:
    """The ``EncryptedText`` attributes of a model class (its bases included)."""
    found: dict[str, EncryptedText] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, EncryptedText):
                found[name] = value
    return found


def _seal_after_insert(_mapper: Any, conn: sa.Connection, obj: Any) -> None:
    """Encrypt the values a new row was given, now that it has its primary key.

    A value sealed for another id is sealed again: an INSERT rolled back and retried gives the
    row a new id, and the old ciphertext would not decrypt in it.
    """
    held = obj.__dict__.get(_PLAIN)
    if not held:
        return
    pending = {
        name: plaintext
        for name, (marker, sealed_for, plaintext) in held.items()
        if marker is _PENDING or sealed_for != obj.id
    }
    if not pending:
        return
    descriptors = encrypted_attributes(type(obj))
    table = type(obj).__table__
    values = {}
    for name, plaintext in pending.items():
        descriptor = descriptors[name]
        blob = descriptor.seal(obj, plaintext, conn)
        values[descriptor.column] = blob
        held[name] = (blob, obj.id, plaintext)
    conn.execute(table.update().where(table.c.id == obj.id).values(values))
    for column, blob in values.items():
        orm_attributes.set_committed_value(obj, column, blob)


def register_model_events(base: type) -> None:
    """Encrypt pending values of every model after its INSERT (called once, for ``db.Model``)."""
    if not sa.event.contains(base, "after_insert", _seal_after_insert):
        sa.event.listen(base, "after_insert", _seal_after_insert, propagate=True)


def new_uid() -> str:
    """A random row identifier (kept for rows made before encryption bound to the primary key)."""
    return secrets.token_hex(16)
