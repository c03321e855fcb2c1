"""Authenticated encryption of client writing at rest (docs/security.md DP-1, DP-2).

Every encrypted value is AES-256-GCM with a fresh nonce. The associated data names the table,
the field and the row's ``uid``, so a ciphertext copied into another row or field fails to
decrypt. Keys live outside the database: a JSON keyring in the environment or a file (in
development, ``instance/encryption_keys.json`` with mode 0600, created on first start).

Stored layout: ``b"R" | key id (2 bytes, big-endian) | nonce (12 bytes) | ciphertext+tag``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app

MAGIC = b"R"
HEADER = 1 + 2 + 12


class DecryptionError(RuntimeError):
    """A stored value failed authentication: tampered, moved, or its key is missing."""


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


class EncryptedText:
    """A model attribute stored encrypted in a ``LargeBinary`` column.

    ``body = EncryptedText("body_ct")`` reads and writes plain ``str`` while the column
    ``body_ct`` holds the ciphertext. The owning model needs a ``uid`` column: it binds the
    ciphertext to its row.
    """

    def __init__(self, column: str, *, json_value: bool = False) -> None:
        self.column = column
        self.json_value = json_value
        self.name = column

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def aad(self, obj: Any) -> bytes:
        """Associated data binding the value to table, field and row."""
        return f"{obj.__tablename__}.{self.name}:{obj.uid}".encode()

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        blob = getattr(obj, self.column)
        if blob is None:
            return None
        text = keyring().decrypt(blob, self.aad(obj)).decode()
        return json.loads(text) if self.json_value else text

    def __set__(self, obj: Any, value: Any) -> None:
        if value is None:
            setattr(obj, self.column, None)
            return
        if getattr(obj, "uid", None) is None:
            obj.uid = new_uid()
        text = json.dumps(value, ensure_ascii=False) if self.json_value else str(value)
        setattr(obj, self.column, keyring().encrypt(text.encode(), self.aad(obj)))


def new_uid() -> str:
    """A random row identifier used to bind ciphertexts to their row."""
    return secrets.token_hex(16)
