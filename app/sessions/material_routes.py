"""What a session worked with: journal entries discussed, assignments reviewed, homework given."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_login import current_user

from app import audit
from app.authz import record_denial, roles_required, session_for_counselor
from app.extensions import db
from app.models import ModuleVersion, Role
from app.services import sessions as service
from app.services.assignments import AssignmentError, assign_module
from app.sessions import bp
from app.sessions.forms import PicksForm, ReviewedForm
from app.sessions.pages import BASE, detail_context, detail_url, homework_form


@bp.route(f"{BASE}/<int:sid>/picks", methods=["POST"])
@roles_required(Role.COUNSELOR)
def picks(case_id: int, sid: int):
    """Choose the shared journal entries discussed in the session (until its note is signed)."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    form = PicksForm()
    if form.validate_on_submit():
        try:
            service.set_picks(current_user, case, session, list(form.entries.data or []))
        except service.SessionRuleError as exc:
            # Refused before anything changed: nothing to roll back.
            if isinstance(exc, service.PickRefused):
                # Only entries shared with this counselor can be picked: anything else is a
                # refusal, audited like any foreign id.
                record_denial(f"journal picks for session {session.id}", case_id=case.id)
            flash(str(exc), "warning")
        else:
            audit.record("session.picks", session, case_id=case.id)
            db.session.commit()
            flash("Journal entries for this session saved.", "success")
    return redirect(detail_url(case.id, session.id, "journal"))


@bp.route(f"{BASE}/<int:sid>/reviewed", methods=["POST"])
@roles_required(Role.COUNSELOR)
def reviewed(case_id: int, sid: int):
    """Mark which assignments were reviewed in the session."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    form = ReviewedForm()
    if form.validate_on_submit():
        try:
            service.set_reviewed(session, list(form.assignments.data or []))
        except service.SessionRuleError as exc:
            flash(str(exc), "warning")
        else:
            audit.record("session.reviewed", session, case_id=case.id)
            db.session.commit()
            flash("Reviewed assignments saved.", "success")
    return redirect(detail_url(case.id, session.id, "homework"))


@bp.route(f"{BASE}/<int:sid>/homework", methods=["POST"])
@roles_required(Role.COUNSELOR)
def homework(case_id: int, sid: int):
    """Assign a module as homework (the modules feature's flow) and link it to the session."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    members = service.case_clients(case.id)
    form = homework_form(members, formdata=request.form)
    if form.validate_on_submit():
        member_ids = {m.user_id for m in members}
        chosen = [uid for uid in (form.recipients.data or []) if uid in member_ids]
        if not chosen:
            form.recipients.errors.append("Choose at least one partner.")
        elif form.module_version.data not in {c.value for c in form.module_version.choices}:
            form.module_version.errors.append("Choose a published module.")
        else:
            try:
                assignment = assign_module(
                    case,
                    db.session.get_one(ModuleVersion, form.module_version.data),
                    [m.user for m in members if m.user_id in chosen],
                    due_date=form.due_date.data,
                    note=form.note.data or "",
                    assigned_by=current_user,
                    request_key=form.request_key.data or None,
                )
            except AssignmentError as exc:
                # assign_module checks its rules before it adds anything.
                form.module_version.errors.append(str(exc))
            else:
                service.link_homework(session, assignment)
                audit.record("session.homework", session, case_id=case.id)
                db.session.commit()
                flash("Homework assigned.", "success")
                return redirect(detail_url(case.id, session.id, "homework"))
    return render_template(
        "sessions/detail.html", **detail_context(case, session, homework_form=form)
    ), 422
