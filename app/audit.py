"""The audit trail (docs/security.md AUD-1, AUD-2).

Views and services call ``record``. A view's commit carries the events recorded before it, in
the same transaction, so a write and its events are stored together or not at all; the events
no commit carried (a read-only page's, refusals) are written after the request's own work, in
a write transaction of their own, so a read-only page never holds a write lock while it
renders. Each event's ``chain_hash`` is an HMAC over the event and the previous
hash, keyed outside the database: editing or deleting a row breaks the chain from there on.
The chain's newest event is anchored outside the database too (``app.audit_anchor``), so
removing events from the end is found as well.

Page views do not wait for the disk (docs/security.md, "Audit", AUD-4). Appending holds the
chain's one lock until the commit ends; with a synchronous commit that includes the WAL flush,
so every audited request queued behind the disk (S8, docs/performance.md T10). On PostgreSQL a
request that wrote nothing the user was told was saved (a safe method whose view committed
nothing) commits its events with ``synchronous_commit = off``: the lock is released as soon as
the commit record is in the WAL buffers, and the flush follows within a fraction of a second.
A crash may lose the newest page-view events, never an acknowledged write or its events (those
commit synchronously), and the chain stays whole because the WAL is replayed in order: whatever
survives is a prefix of the chain. Chosen over a staging table chained by a job (a second place
to read and verify, events unchained for a while) and over a shorter hold (the flush is the
hold). Such events are not anchored at their commit, since the anchor must never name an event
a crash could still lose; see ``app.audit_anchor.anchor_durable_head``.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy.orm import Session

from app.audit_anchor import note_pending_head
from app.crypto import keyring
from app.database import defer_write, ending_reads, is_page_view
from app.extensions import Model, db
from app.models import AuditEvent, utcnow
from app.netaddr import client_address

GENESIS = "0" * 64


@dataclass
class PendingEvent:
    """An event waiting to be written at the end of the request."""

    action: str
    object_type: str | None
    object_id: int | None
    case_id: int | None
    outcome: str
    detail: str | None
    actor_id: int | None
    actor_role: str | None
    address: str | None
    at: datetime


def about_case(case_id: int) -> sa.ColumnElement[bool]:
    """Events in a case or about the case itself: a reassignment is recorded with the case as
    its object (``object_type == "cases"``), not "in" it, and belongs to the case's trail."""
    return sa.or_(
        AuditEvent.case_id == case_id,
        sa.and_(AuditEvent.object_type == "cases", AuditEvent.object_id == case_id),
    )


def record(
    action: str,
    obj: Model | None = None,
    *,
    case_id: int | None = None,
    outcome: str = "ok",
    detail: str | None = None,
    actor: object | None = None,
) -> None:
    """Queue one audit event. ``detail`` is metadata only: never client writing."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    # Unwrap proxies such as current_user so the record names the real object.
    if obj is not None and hasattr(obj, "_get_current_object"):
        obj = obj._get_current_object()
    actor = actor._get_current_object() if hasattr(actor, "_get_current_object") else actor
    event = PendingEvent(
        action=action,
        object_type=type(obj).__tablename__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        case_id=case_id if case_id is not None else getattr(obj, "case_id", None),
        outcome=outcome,
        detail=detail[:300] if detail else None,
        actor_id=getattr(actor, "id", None),
        actor_role=str(actor.role) if actor is not None and hasattr(actor, "role") else None,
        address=client_address() if has_request_context() else None,
        at=utcnow(),
    )
    if not has_request_context():
        write_events([event])
        db.session.commit()
        return
    if "audit_events" not in g:
        g.audit_events = []
        defer_write(_append_after_the_request)
    g.audit_events.append(event)


def _append_after_the_request() -> None:
    """The events no commit of the view carried (reads, refusals, work never committed)."""
    events = g.pop("audit_events", [])
    if events:
        write_events(events, durable=not is_page_view())


@sa.event.listens_for(Session, "before_commit")
def _append_with_the_write(session: Session) -> None:
    """A view's commit carries the events recorded before it, in the same transaction.

    So a write and its events are stored together or not at all: before, they were two
    commits, and a crash or a database outage between them (bench/faults.py saw it) kept a
    saved write without its event, answered 503 although it was saved.
    """
    if not has_request_context() or not g.get("audit_events") or ending_reads():
        return  # (a commit that only ends a read is no write: the events stay deferred)
    events = g.pop("audit_events")
    g.audit_events_in_commit = events  # first: the append itself may fail (its autoflush)
    write_events(events, durable=True)


@sa.event.listens_for(Session, "after_commit")
def _appended(_session: Session) -> None:
    if has_request_context():
        g.pop("audit_events_in_commit", None)


@sa.event.listens_for(Session, "after_rollback")
def _give_back(_session: Session) -> None:
    # The commit failed: the events go back to the queue, and are written after the request
    # as they were before (the deferred write registered with the first event is still due).
    if has_request_context() and "audit_events_in_commit" in g:
        g.audit_events = g.pop("audit_events_in_commit") + g.get("audit_events", [])


#: The chain's head, read under its lock (migration "scale"), for a durable commit...
HEAD = sa.text("SELECT rekindle_audit_chain_head()")
#: ... and for page-view events: the same statement also makes this transaction's commit
#: asynchronous (``set_config(..., true)`` is ``SET LOCAL``), so T1 counts no extra statement.
HEAD_FOR_PAGE_VIEW = sa.text(
    "SELECT rekindle_audit_chain_head() FROM set_config('synchronous_commit', 'off', true)"
)


def write_events(events: list[PendingEvent], *, durable: bool = True) -> None:
    """Append events to the chain (the caller commits).

    ``durable=False``: only page-view events in this transaction (see the module docstring);
    on PostgreSQL its commit does not wait for the WAL flush, and it is not anchored.
    """
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        # One chain, one writer: the function takes the chain's advisory lock, then reads the
        # head with a snapshot taken after the lock (migration "scale"), in one statement.
        previous = session.scalar(HEAD if durable else HEAD_FOR_PAGE_VIEW) or GENESIS
    else:
        # SQLite: this write transaction began with BEGIN IMMEDIATE, so no writer is between.
        previous = (
            session.scalar(sa.select(AuditEvent.chain_hash).order_by(AuditEvent.id.desc()).limit(1))
            or GENESIS
        )
    for pending in events:
        row = AuditEvent(**pending.__dict__, chain_hash="")
        row.chain_hash = chain_hash(previous, row)
        session.add(row)
        previous = row.chain_hash
    session.flush()
    if events and (durable or session.get_bind().dialect.name != "postgresql"):
        # SQLite commits every transaction the same way (synchronous=NORMAL), so its page
        # views are anchored as before.
        note_pending_head(session, row.id, row.chain_hash)


def chain_hash(previous: str, event: AuditEvent) -> str:
    """HMAC over the previous hash and this event's fields."""
    fields = [
        previous,
        event.at.isoformat(timespec="microseconds"),
        event.actor_id,
        event.actor_role,
        event.action,
        event.object_type,
        event.object_id,
        event.case_id,
        event.address,
        event.outcome,
        event.detail,
    ]
    message = "\x1f".join("" if f is None else str(f) for f in fields).encode()
    key = hmac.new(keyring().index_key, b"audit-chain", hashlib.sha256).digest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def verify_chain() -> AuditEvent | None:
    """Return the first event whose hash does not match, or None when the chain is intact."""
    previous = GENESIS
    for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        if not hmac.compare_digest(event.chain_hash, chain_hash(previous, event)):
            return event
        previous = event.chain_hash
    return None
