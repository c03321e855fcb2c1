"""The audit log for practice admins (AUD-1): who did what, when, from where — metadata only.

Events carry no client writing by design (``app.audit.record``), and this page shows only
their columns plus account e-mails and case labels, so an admin can investigate access to a
case without ever reading it. ``flask --app wsgi audit verify`` is attached here too.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app, render_template, request
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from app import audit
from app.admin import bp
from app.admin.audit_words import ROUTINE, action_choices, people_in, sentence
from app.authz import roles_required
from app.extensions import db
from app.form_dates import DayField
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
    action = SelectField(
        "What",
        choices=[SelectChoice("", "Anything")] + [SelectChoice(c, w) for c, w in action_choices()],
        default="",
    )
    start = DayField("From", validators=[Optional()])
    end = DayField("To (inclusive)", validators=[Optional()])
    routine = BooleanField("Show routine page views")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


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
            # Events about the case too: its reassignments are recorded with the case as object.
            query = query.where(audit.about_case(form.case.data))
        if form.action.data:
            query = query.where(AuditEvent.action == form.action.data)
        elif not form.routine.data:
            # The admin's own page views flood the log: hidden unless asked for.
            query = query.where(AuditEvent.action.not_in(ROUTINE))
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
    for event in events:
        actor_ids |= people_in(event)
    case_ids = {e.case_id for e in events if e.case_id}
    case_ids |= {e.object_id for e in events if e.object_type == "cases" and e.object_id}
    accounts = db.session.execute(
        sa.select(User.id, User.email, User.name).where(User.id.in_(actor_ids))
    ).all()
    emails = {uid: email for uid, email, _ in accounts}
    names = {uid: name for uid, _, name in accounts}
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
        names=names,
        sentences={e.id: _capitalised(sentence(e, names)) for e in events},
        about={
            e.id: e.case_id or (e.object_id if e.object_type == "cases" else None) for e in events
        },
        labels=labels,
        page=page,
        has_more=has_more,
        args=args,
        unknown_user=unknown_user,
        timezone=current_app.config.get("REKINDLE_TIMEZONE", "UTC"),
    )
