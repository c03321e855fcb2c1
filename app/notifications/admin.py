"""Dead letters for the practice admin: metadata only, and a button to try again.

An admin sees which notification could not be delivered: its kind, its recipient's account
e-mail, when it was due, how many attempts, the last error (a class name and SMTP code, never
message text) and the Message-ID to look for in the mail server's log. Never what it was
about beyond the kind: the admin reads no clinical content.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app import audit
from app.authz import roles_required
from app.extensions import db
from app.forms import BaseForm
from app.models import Notification, NotificationState, Role, User
from app.notifications.kinds import NotificationKind, find_kind, register_kind

bp = Blueprint("dead_letters", __name__, url_prefix="/admin/notifications")
PAGE_SIZE = 100


def _still_dead(n: Notification) -> bool:
    if n.about_id is None:
        return False
    return (
        db.session.scalar(sa.select(Notification.state).where(Notification.id == n.about_id))
        is NotificationState.DEAD
    )


register_kind(
    NotificationKind(
        code="notifications.dead_letter",
        audience="admin",
        title="A notification could not be delivered",
        label="Notifications that could not be delivered",
        link=lambda n: url_for("dead_letters.index"),
        still_relevant=_still_dead,
    )
)


class RetryForm(BaseForm):
    """The retry button (CSRF only)."""


@bp.route("/dead-letters")
@roles_required(Role.ADMIN)
def index() -> str:
    """Every dead letter, newest first: metadata only."""
    rows = db.session.execute(
        sa.select(
            Notification.id,
            Notification.kind,
            Notification.due_at,
            Notification.dead_at,
            Notification.attempts,
            Notification.last_error,
            Notification.message_id,
            User.email,
        )
        .join(User, User.id == Notification.recipient_id)
        .where(Notification.state == NotificationState.DEAD)
        .order_by(Notification.dead_at.desc(), Notification.id.desc())
        .limit(PAGE_SIZE)
    ).all()
    letters = [
        {"row": row, "kind": (find_kind(row.kind) or _unknown(row.kind)).name} for row in rows
    ]
    return render_template(
        "notifications/admin/dead_letters.html", letters=letters, form=RetryForm()
    )


def _unknown(code: str) -> NotificationKind:
    return NotificationKind(
        code=code if "." in code else f"unknown.{code}",
        audience="admin",
        title=code,
        link=lambda n: "/",
        still_relevant=lambda n: False,
    )


@bp.route("/dead-letters/<int:notification_id>/retry", methods=["POST"])
@roles_required(Role.ADMIN)
def retry(notification_id: int) -> ResponseReturnValue:
    """Put a dead letter back in the outbox, due now."""
    from app.notifications.sweep import retry_dead

    form = RetryForm()
    if not form.validate_on_submit():
        abort(400)
    if db.session.get(Notification, notification_id) is None:
        abort(404)
    if not retry_dead(notification_id):  # tried again already (a second click)
        flash("That notification is no longer waiting here.", "info")
        return redirect(url_for("dead_letters.index"))
    audit.record("notification.retried", detail=f"notification {notification_id}")
    db.session.commit()
    flash("The notification is back in the outbox and will be tried again now.", "success")
    return redirect(url_for("dead_letters.index"))
