"""The audit log for practice admins (AUD-1): who did what, when, from where — metadata only.

Events carry no client writing by design (``app.audit.record``), and this page shows only
their columns plus account e-mails and case labels, so an admin can investigate access to a
case without ever reading it. ``flask --app wsgi audit verify`` is attached here too.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app, render_template, request
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional

from app import audit
from app.admin import bp
from app.authz import roles_required
from app.extensions import db
from app.forms import BaseForm
from app.models import AuditEvent, Case, Role, User

PAGE_SIZE = 50


class AuditFilterForm(BaseForm):
    """Filters of the audit page; a GET form, so it carries no CSRF token."""

    class Meta:
        csrf = False

    user = StringField("User e-mail", validators=[Optional(), Length(max=254)])
    case = IntegerField(
        "Case number",
        validators=[Optional(), NumberRange(min=1, max=2**31 - 1, message="Enter a case number.")],
    )
    start = DateField("From", validators=[Optional()])
    end = DateField("To (inclusive)", validators=[Optional()])


def _page() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        return 1


@bp.route("/audit", endpoint="audit")
@roles_required(Role.ADMIN)
def audit_log():
    """Browse audit events by user, case and date, newest first, 50 a page."""
    form = AuditFilterForm(request.args)
    query = sa.select(AuditEvent)
    unknown_user = False
    if form.validate():
        if form.user.data:
            actor_id = db.session.scalar(
                sa.select(User.id).where(User.email == form.user.data.strip().lower())
            )
            unknown_user = actor_id is None
            query = query.where(AuditEvent.actor_id == actor_id)
        if form.case.data:
            query = query.where(AuditEvent.case_id == form.case.data)
        if form.start.data:
            query = query.where(AuditEvent.at >= datetime.combine(form.start.data, time(), UTC))
        if form.end.data:
            end = datetime.combine(form.end.data, time(), UTC) + timedelta(days=1)
            query = query.where(AuditEvent.at < end)
    else:
        query = query.where(sa.false())
    page = _page()
    rows = db.session.scalars(
        query.order_by(AuditEvent.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    ).all()
    has_more = len(rows) > PAGE_SIZE
    events = rows[:PAGE_SIZE]
    actor_ids = {e.actor_id for e in events if e.actor_id}
    case_ids = {e.case_id for e in events if e.case_id}
    emails = dict(
        db.session.execute(sa.select(User.id, User.email).where(User.id.in_(actor_ids))).all()
    )
    labels = dict(
        db.session.execute(sa.select(Case.id, Case.label).where(Case.id.in_(case_ids))).all()
    )
    audit.record("audit.viewed", detail=f"page {page}")
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "admin/audit.html",
        form=form,
        events=events,
        emails=emails,
        labels=labels,
        page=page,
        has_more=has_more,
        args=args,
        unknown_user=unknown_user,
        timezone=current_app.config.get("REKINDLE_TIMEZONE", "UTC"),
    )
