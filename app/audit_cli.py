"""``flask --app wsgi audit verify``: check the audit trail's keyed hash chain (AUD-2).

Registered by ``app.cli`` with every other command group.
"""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.audit import verify_chain
from app.extensions import db
from app.models import AuditEvent

audit_cli = AppGroup("audit", help="Inspect the audit trail.")


@audit_cli.command("verify")
def verify() -> None:
    """Recompute the hash chain; name the first changed or missing event and exit 1."""
    total = db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) or 0
    broken = verify_chain()
    if broken is None:
        click.echo(f"Audit trail intact: {total} events, hash chain verified.")
        return
    click.echo(
        f"Audit trail TAMPERED: event {broken.id} ({broken.action}, "
        f"{broken.at.isoformat(timespec='seconds')}) does not match the hash chain. "
        "It, or the event before it, was changed or deleted.",
        err=True,
    )
    raise SystemExit(1)
