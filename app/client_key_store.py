"""The client key store: every client's data key, outside the database (docs/security.md GD-3).

A JSON file beside the keyring (``instance/client_keys.json``, or
``REKINDLE_CLIENT_KEY_STORE``), owner-only. Each data key is stored wrapped by the keyring
under its random ``ref``; the database holds only the ref. Erasing a client removes their key
from this file, so no copy of the database (dead tuples, freed pages, old backups) can be
decrypted again, with or without the keyring.

The file holds three maps, all keyed by ref:

* ``keys``: the wrapped data keys (``"R"`` keyring ciphertexts, bound to the ref);
* ``shredded``: when each erased client's key was destroyed (a tombstone, no secret), so a
  restore can tell "erased on purpose" from "this is the wrong key store";
* ``pending``: erasures begun but not yet committed (see ``app.services.erasure``).

Writers take an exclusive ``flock`` on ``<file>.lock`` (web workers, CLI commands), write a
temporary file, fsync it and rename it over the store, so a reader sees the old or the new
file, never half of one. Readers cache the parsed file and re-read it when its inode, size or
mtime change. Several app hosts: the file must live on storage all of them share, with the
keyring, and with working ``flock``.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from app.crypto import Keyring, keyring, keyring_path

STORE_NAME = "client_keys.json"
_CACHE = "rekindle_client_key_store"


@dataclass
class StoreContents:
    """The parsed key store."""

    keys: dict[str, bytes] = field(default_factory=dict)
    shredded: dict[str, str] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, text: str) -> StoreContents:
        """Parse the file's text."""
        data = json.loads(text) if text.strip() else {}
        return cls(
            keys={ref: base64.b64decode(v) for ref, v in data.get("keys", {}).items()},
            shredded=dict(data.get("shredded", {})),
            pending=dict(data.get("pending", {})),
        )

    def to_json(self) -> str:
        """Serialise for the file."""
        return json.dumps(
            {
                "keys": {ref: base64.b64encode(v).decode() for ref, v in sorted(self.keys.items())},
                "shredded": dict(sorted(self.shredded.items())),
                "pending": dict(sorted(self.pending.items())),
            },
            indent=1,
        )


def wrap_aad(ref: str) -> bytes:
    """Associated data of a wrapped data key: bound to its ref, so keys cannot be swapped."""
    return f"client_key_store.key:{ref}".encode()


def store_path() -> Path:
    """Where the key store lives: configured, or beside the keyring file."""
    configured = current_app.config.get("REKINDLE_CLIENT_KEY_STORE")
    return Path(configured) if configured else keyring_path(current_app).parent / STORE_NAME


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def read_store() -> StoreContents:
    """The key store as it is now (re-read only when the file changed)."""
    path = store_path()
    stamp = _stamp(path)
    cached = current_app.extensions.get(_CACHE)
    if cached is not None and cached[0] == (path, stamp):
        return cached[1]
    contents = StoreContents() if stamp is None else StoreContents.from_json(path.read_text())
    current_app.extensions[_CACHE] = ((path, stamp), contents)
    return contents


@contextmanager
def _locked_update() -> Iterator[StoreContents]:
    """Read, let the caller change, and write back the store under the writers' lock."""
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_fd = os.open(path.with_name(path.name + ".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        contents = StoreContents.from_json(path.read_text()) if path.exists() else StoreContents()
        yield contents
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(contents.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # the rename itself survives a power cut
        finally:
            os.close(dir_fd)
        current_app.extensions.pop(_CACHE, None)
    finally:
        fcntl.flock(lock_fd, fcntl.LOCK_UN)
        os.close(lock_fd)


def update(change: Callable[[StoreContents], object]) -> None:
    """Apply ``change`` to the store atomically (other processes' writes are kept)."""
    with _locked_update() as contents:
        change(contents)


def add_key(ref: str, data_key: bytes) -> None:
    """Store a new data key, wrapped by the keyring's active key."""
    wrapped = keyring().encrypt(data_key, wrap_aad(ref))
    update(lambda c: c.keys.__setitem__(ref, wrapped))


def remove_unused_key(ref: str) -> None:
    """Drop a key no row ever referenced (a concurrent writer's key won instead)."""
    update(lambda c: c.keys.pop(ref, None))


def unwrap(ref: str, wrapped: bytes) -> bytes:
    """The plain data key of a stored entry."""
    return keyring().decrypt(wrapped, wrap_aad(ref))


def mark_pending(refs: list[str]) -> None:
    """Note erasures about to commit, so a crash before the keys are shredded is repaired."""
    if not refs:
        return
    now = datetime.now(UTC).isoformat()
    update(lambda c: c.pending.update(dict.fromkeys(refs, now)))


def clear_pending(refs: list[str]) -> None:
    """The erasures were rolled back: their keys stay."""
    if not refs:
        return

    def change(contents: StoreContents) -> None:
        for ref in refs:
            contents.pending.pop(ref, None)

    update(change)


def shred(refs: list[str]) -> None:
    """Destroy data keys for good: the wrapped key goes, a dated tombstone stays."""
    if not refs:
        return
    now = datetime.now(UTC).isoformat()

    def change(contents: StoreContents) -> None:
        for ref in refs:
            contents.keys.pop(ref, None)
            contents.pending.pop(ref, None)
            contents.shredded.setdefault(ref, now)

    update(change)


def rewrap(ring: Keyring) -> int:
    """Re-wrap every data key not under the active keyring key; returns how many."""
    rewrapped = 0

    def change(contents: StoreContents) -> None:
        nonlocal rewrapped
        for ref, wrapped in contents.keys.items():
            if Keyring.key_id_of(wrapped) != ring.active:
                contents.keys[ref] = ring.encrypt(
                    ring.decrypt(wrapped, wrap_aad(ref)), wrap_aad(ref)
                )
                rewrapped += 1

    update(change)
    return rewrapped


def keyring_usage() -> dict[int, int]:
    """How many stored data keys each keyring key wraps."""
    usage: dict[int, int] = {}
    for wrapped in read_store().keys.values():
        key_id = Keyring.key_id_of(wrapped)
        usage[key_id] = usage.get(key_id, 0) + 1
    return usage
