"""Session records (new, edit, the session page), the summary PDF and the client's check-in.

The note's routes are in ``note_routes``; journal entries discussed, assignments reviewed and
homework in ``material_routes``; what the session page shows in ``pages``.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import audit
from app.authz import (
    case_for_counselor,
    ensure_open,
    membership_for_client,
    roles_required,
    session_for_counselor,
)
from app.extensions import db
from app.models import Case, Modality, Role, SessionKind
from app.pdf import documents
from app.pdf import views as pdf_views
from app.practice_dates import practice_zone
from app.services import checkins as checkin_service
from app.services import sessions as service
from app.sessions import bp
from app.sessions.forms import CheckInForm, SessionForm
from app.sessions.pages import BASE, detail_context
from app.sessions.pages import detail_url as _detail_url

# Short names the views below were written with (the summary route's body is kept as it is).


@bp.context_processor
def _helpers() -> dict:
    def case_url(case_id: int) -> str:
        return url_for("cases.detail", case_id=case_id)

    return {"case_url": case_url}


def _attendee_choices(case_id: int) -> list[tuple[int, str]]:
    return [SelectChoice(m.user_id, m.user.name) for m in service.case_clients(case_id)]


def _session_values(form: SessionForm) -> dict:
    local = datetime.combine(form.date.data, form.time.data, tzinfo=practice_zone())
    return {
        "starts_at": local.astimezone(UTC),
        "duration_minutes": form.duration_minutes.data,
        "modality": Modality(form.modality.data),
        "kind": SessionKind(form.kind.data),
        "attendee_ids": list(form.attendees.data or []),
    }


@bp.route(f"{BASE}/new", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def new(case_id: int):
    """Record a session of the case."""
    case = case_for_counselor(case_id, writable=True)
    form = SessionForm()
    form.attendees.choices = _attendee_choices(case.id)
    if request.method == "GET":
        now = datetime.now(practice_zone())
        form.date.data, form.time.data = now.date(), now.time().replace(second=0, microsecond=0)
        form.attendees.data = [c.value for c in form.attendees.choices]
        form.request_key.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        try:
            session, _created = service.create_session(
                case, current_user, request_key=form.request_key.data, **_session_values(form)
            )
        except service.SessionRuleError as exc:
            form.attendees.errors.append(str(exc))
        else:
            audit.record("session.create", session, case_id=case.id)
            db.session.commit()
            return redirect(_detail_url(case.id, session.id))
    return render_template("sessions/form.html", case=case, form=form, session=None)


@bp.route(f"{BASE}/<int:sid>/edit", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def edit(case_id: int, sid: int):
    """Change a session's date, length, modality, kind and attendees."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    form = SessionForm(obj=None)
    form.attendees.choices = _attendee_choices(case.id)
    if request.method == "GET":
        local = session.starts_at.astimezone(practice_zone())
        form.date.data, form.time.data = local.date(), local.time().replace(second=0)
        form.duration_minutes.data = session.duration_minutes
        form.modality.data = session.modality.value
        form.kind.data = session.kind.value
        form.attendees.data = [a.user_id for a in session.attendees]
    if form.validate_on_submit():
        try:
            service.update_session(session, **_session_values(form))
        except service.SessionRuleError as exc:
            form.attendees.errors.append(str(exc))
        else:
            audit.record("session.update", session, case_id=case.id)
            db.session.commit()
            flash("Session details saved.", "success")
            return redirect(_detail_url(case.id, session.id))
    return render_template("sessions/form.html", case=case, form=form, session=session)


@bp.route(f"{BASE}/<int:sid>")
@roles_required(Role.COUNSELOR)
def detail(case_id: int, sid: int):
    """The session page: details, note, process notes, homework, picks and summaries."""
    case, session = session_for_counselor(case_id, sid)
    audit.record("session_note.read", session.note, case_id=case.id)
    return render_template("sessions/detail.html", **detail_context(case, session))


@bp.route(f"{BASE}/<int:sid>/summary.pdf")
@roles_required(Role.COUNSELOR)
def summary_pdf(case_id: int, sid: int):
    """The session summary as a PDF: ``copy=clinician`` (default) or ``copy=client``."""
    case, session = session_for_counselor(case_id, sid)
    copy = request.args.get("copy", "clinician")
    if copy not in ("clinician", "client"):
        abort(404)
    day = session.starts_at.astimezone(practice_zone()).strftime("%Y-%m-%d")
    # Rendered in the job queue; the page waits a moment for short summaries only (PDF-4).
    return pdf_views.respond(
        documents.SESSION_SUMMARY,
        title=f"Session summary of {day}, {copy} copy",
        filename=f"session-{day}-{copy}-copy.pdf",
        case_id=case.id,
        session_id=session.id,
        variant=copy,
    )


@bp.route("/me/check-in", methods=["GET", "POST"])
@roles_required(Role.CLIENT)
def check_in():
    """The client's check-in before a session: four questions, 0 to 10."""
    member = membership_for_client(request.args.get("case", type=int))
    case = db.session.get(Case, member.case_id)
    form = CheckInForm()
    if request.method == "GET":
        form.request_key.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        ensure_open(case)
        values = {item.key: form[item.key].data for item in checkin_service.ITEMS}
        record, _ = checkin_service.record_check_in(member, values, form.request_key.data)
        audit.record("check_in.create", record, case_id=case.id)
        db.session.commit()
        flash(
            "Thank you for checking in. Your counselor will see it before your session.", "success"
        )
        return redirect(url_for("client.home"))
    return render_template(
        "sessions/check_in.html", form=form, items=checkin_service.ITEMS, case=case
    )
