"""``flask --app wsgi audit verify``: check the audit trail's hash chain and its anchor.

The chain (AUD-2) finds changed or removed events in the middle; the anchor (AUD-3,
``app.audit_anchor``) finds events removed from the end, down to all of them.
"""

from __future__ import annotations

from typing import NoReturn

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.audit import record, verify_chain
from app.audit_anchor import Anchor, AnchorInvalid, anchor_path, read_anchor, write_anchor
from app.extensions import db
from app.models import AuditEvent

audit_cli = AppGroup("audit", help="Inspect the audit trail.")


def _fail(message: str) -> NoReturn:
    click.echo(f"Audit trail TAMPERED: {message}", err=True)
    raise SystemExit(1)


def _check_anchor(total: int) -> str:
    """Compare the database's chain with the anchored head; a sentence for the report."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        anchor = read_anchor(app)
    except AnchorInvalid as exc:
        _fail(f"the anchor file is not genuine ({exc}).")
    newest = db.session.scalar(sa.select(sa.func.max(AuditEvent.id)))
    if anchor is None:
        if total:
            _fail(
                f"there is no anchor file at {anchor_path(app)}, so events removed from the end "
                "cannot be ruled out. It is written with every event; if this is the first run "
                "after an upgrade or a restore, check the trail and run `flask audit reanchor`."
            )
        return "no events yet"
    event = db.session.get(AuditEvent, anchor.event_id)
    if event is None or event.chain_hash != anchor.chain_hash:
        _fail(
            f"events are missing at the end: the anchor names event {anchor.event_id}, the "
            f"newest event in the database is {newest or 'none (the trail is empty)'}."
        )
    after = db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.id > anchor.event_id)
    )
    # Events after the anchor are still chained; they are the ones a crash kept from anchoring.
    return f"anchored at event {anchor.event_id}" + (f", {after} newer" if after else "")


@audit_cli.command("verify")
def verify() -> None:
    """Recompute the hash chain and check its anchored end; on any gap, say where and exit 1."""
    total = db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) or 0
    broken = verify_chain()
    if broken is not None:
        _fail(
            f"event {broken.id} ({broken.action}, {broken.at.isoformat(timespec='seconds')}) "
            "does not match the hash chain. It, or the event before it, was changed or deleted."
        )
    anchored = _check_anchor(total)
    click.echo(f"Audit trail intact: {total} events, hash chain verified, {anchored}.")


@audit_cli.command("reanchor")
def reanchor() -> None:
    """Anchor the trail's current end (after an upgrade or a restored backup); audited."""
    newest = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    head = newest.first()
    try:
        previous = read_anchor(current_app)
    except AnchorInvalid:
        previous = None
    if head is not None:
        write_anchor(current_app, Anchor(head.id, head.chain_hash), force=True)
    else:
        anchor_path(current_app).unlink(missing_ok=True)
    # The event itself moves the anchor on once more, so the re-anchoring is on the record.
    record(
        "audit.reanchored",
        outcome="ok",
        detail=f"previous anchor {previous.event_id if previous else 'none'}",
    )
    click.echo(f"Anchored the audit trail at event {head.id if head else 'none'}.")
