"""The audit chain's head, anchored outside the database (docs/security.md AUD-3).

The hash chain finds a changed or removed event in the middle, but not the newest events
removed from the end: what is left still chains. So after every commit that appended events,
the newest event's id and hash are written to a small file beside the keys (by default
``instance/audit_anchor.json``, or ``REKINDLE_AUDIT_ANCHOR_FILE``), signed with a key derived
from the keyring, so someone who can rewrite the database can neither move it nor forge it.
``flask audit verify`` fails when the anchored event is missing or differs.

Several app hosts: the anchor file must live on storage all of them share (the same place as
the keyring file), with working ``flock``; a host writing its own local file would only anchor
its own events. The file only ever moves forward: a writer that committed earlier but got here
later leaves a newer anchor alone.

Page views on PostgreSQL commit without waiting for the WAL flush (``app.audit``), so their
events are not anchored at their commit: the anchor must never name an event a crash could
still lose, or ``verify`` would cry tampering after every crash. They are anchored by the next
synchronous append (its commit is flushed, and the WAL with it up to there, so every event
before it is durable too) and, when no write comes, by the consumer's ``anchor_audit_trail``
every minute (``anchor_durable_head``, which waits for the flush). Events removed from the end
within that window, page views only, are not found by the anchor.

What it cannot catch: someone who can write the instance folder and keeps an older signed
copy of the file can put it back together with deleting the newer events. Ship the file to
the backups (or the log host) to narrow that.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from app.crypto import keyring

#: ``Session.info`` key holding the newest event a transaction appended: (id, chain hash).
PENDING_HEAD = "audit_head"


class AnchorInvalid(RuntimeError):
    """The anchor file exists but is unreadable or its signature does not match."""


@dataclass(frozen=True)
class Anchor:
    """The newest event known to have been committed."""

    event_id: int
    chain_hash: str


def anchor_path(app: Flask) -> Path:
    """Where the anchor lives."""
    configured = app.config.get("REKINDLE_AUDIT_ANCHOR_FILE")
    return Path(configured) if configured else Path(app.instance_path) / "audit_anchor.json"


def _signature(event_id: int, chain_hash: str) -> str:
    key = hmac.new(keyring().index_key, b"audit-anchor", hashlib.sha256).digest()
    return hmac.new(key, f"{event_id}\x1f{chain_hash}".encode(), hashlib.sha256).hexdigest()


def read_anchor(app: Flask) -> Anchor | None:
    """The anchored head, None when there is no file, ``AnchorInvalid`` when it is not genuine."""
    path = anchor_path(app)
    try:
        data = json.loads(path.read_text())
        anchor = Anchor(event_id=int(data["event_id"]), chain_hash=str(data["chain_hash"]))
        signature = str(data["signature"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AnchorInvalid(f"{path} cannot be read") from exc
    if not hmac.compare_digest(signature, _signature(anchor.event_id, anchor.chain_hash)):
        raise AnchorInvalid(f"{path} is not signed with this keyring")
    return anchor


def write_anchor(app: Flask, head: Anchor, *, force: bool = False) -> None:
    """Move the anchor to ``head`` (never backwards unless ``force``), atomically."""
    path = anchor_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_fd = os.open(path.with_suffix(".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        if not force:
            try:
                current = read_anchor(app)
            except AnchorInvalid:
                current = None  # a broken file is replaced; verify reports the gap, if any
            if current is not None and current.event_id >= head.event_id:
                return
        body = json.dumps(
            {
                "event_id": head.event_id,
                "chain_hash": head.chain_hash,
                "signature": _signature(head.event_id, head.chain_hash),
            }
        )
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        fcntl.flock(lock_fd, fcntl.LOCK_UN)
        os.close(lock_fd)


def note_pending_head(
    session: Session | scoped_session[Any], event_id: int, chain_hash: str
) -> None:
    """Remember the newest event of this transaction; it is anchored once the commit succeeds."""
    session.info[PENDING_HEAD] = (event_id, chain_hash)


@event.listens_for(Session, "after_commit")
def _anchor_after_commit(session: Session) -> None:
    head = session.info.pop(PENDING_HEAD, None)
    if head is None or not has_app_context():
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        write_anchor(app, Anchor(*head))
    except OSError:
        # The events are committed; failing the request now would not undo them. Verify will
        # report the anchor as behind, and operators must see this line.
        app.logger.error("could not write the audit anchor file %s", anchor_path(app))


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING_HEAD, None)


#: The newest event and how far the WAL had been written when it was read, in one statement:
#: every commit visible to that statement's snapshot is in the WAL before that point.
_HEAD_AND_WAL = sa.text(
    "SELECT id, chain_hash, pg_current_wal_insert_lsn()::text FROM audit_events "
    "ORDER BY id DESC LIMIT 1"
)
_FLUSHED_PAST = sa.text("SELECT pg_current_wal_flush_lsn() >= CAST(:lsn AS pg_lsn)")


def anchor_durable_head(session: Session | scoped_session[Any], timeout: float = 10.0) -> bool:
    """Anchor the chain's newest event once it is on disk; False if the flush did not come."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if session.get_bind().dialect.name != "postgresql":
        row = session.execute(
            sa.text("SELECT id, chain_hash, '' FROM audit_events ORDER BY id DESC LIMIT 1")
        ).first()
        session.rollback()
        if row is not None:
            write_anchor(app, Anchor(int(row[0]), str(row[1])))
        return True
    row = session.execute(_HEAD_AND_WAL).first()
    session.rollback()
    if row is None:
        return True
    deadline = time.monotonic() + timeout
    while not session.scalar(_FLUSHED_PAST, {"lsn": row[2]}):
        session.rollback()
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    session.rollback()
    write_anchor(app, Anchor(int(row[0]), str(row[1])))
    return True
