"""Sessions, notes, process notes, homework, journal picks, PDF summaries and check-ins."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
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
from app.drafts import is_newer, read_autosave_payload
from app.extensions import csrf, db
from app.models import Modality, NoteFormat, NoteStatus, Role, SessionKind
from app.pdf import documents
from app.pdf import views as pdf_views
from app.services import checkins as checkin_service
from app.services import sessions as service
from app.services.concurrency import StaleEdit, check_version
from app.sessions import bp
from app.sessions import sections as _sections  # noqa: F401  (registers page sections)
from app.sessions.forms import (
    AmendmentForm,
    CheckInForm,
    HomeworkForm,
    NoteForm,
    NoteFormatForm,
    PicksForm,
    ProcessNoteForm,
    ReviewedForm,
    SessionForm,
    SignForm,
)

BASE = "/cases/<int:case_id>/sessions"


@bp.context_processor
def _helpers() -> dict:
    def case_url(case_id: int) -> str:
        if "cases.detail" in current_app.view_functions:
            return url_for("cases.detail", case_id=case_id)
        return url_for("caseload.index")

    return {"case_url": case_url}


def _tz() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("REKINDLE_TIMEZONE", "UTC"))


def _attendee_choices(case_id: int) -> list[tuple[int, str]]:
    return [SelectChoice(m.user_id, m.user.name) for m in service.case_clients(case_id)]


def _session_values(form: SessionForm) -> dict:
    local = datetime.combine(form.date.data, form.time.data, tzinfo=_tz())
    return {
        "starts_at": local.astimezone(UTC),
        "duration_minutes": form.duration_minutes.data,
        "modality": Modality(form.modality.data),
        "kind": SessionKind(form.kind.data),
        "attendee_ids": list(form.attendees.data or []),
    }


def _detail_url(case_id: int, session_id: int, anchor: str | None = None) -> str:
    return url_for("sessions.detail", case_id=case_id, sid=session_id, _anchor=anchor)


@bp.route(f"{BASE}/new", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def new(case_id: int):
    """Record a session of the case."""
    case = case_for_counselor(case_id, writable=True)
    form = SessionForm()
    form.attendees.choices = _attendee_choices(case.id)
    if request.method == "GET":
        now = datetime.now(_tz())
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
        local = session.starts_at.astimezone(_tz())
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
    return render_template("sessions/detail.html", **_detail_context(case, session))


def _detail_context(case, session, **forms) -> dict:
    note = session.note
    sections = note.sections or {}
    note_form = forms.get("note_form") or NoteForm(formdata=None, data=sections)
    note_form.version.data = note.version
    process = service.process_note_for(session.id, current_user.id)
    process_form = forms.get("process_form") or ProcessNoteForm(
        formdata=None, prefix="process", data={"body": process.body if process else ""}
    )
    process_form.version.data = process.version if process else 0
    assignments = service.case_assignments(case.id)
    reviewed_ids = service.linked_assignment_ids(session.id, service.REVIEWED)
    homework_ids = service.linked_assignment_ids(session.id, service.HOMEWORK)
    reviewed_form = ReviewedForm(formdata=None, data={"assignments": sorted(reviewed_ids)})
    reviewed_form.assignments.choices = [(a.id, a.module_version.title) for a in assignments]
    pickable = service.pickable_entries(case.id)
    picked = {e.id for e in service.picked_entries(session)}
    picks_form = PicksForm(formdata=None, data={"entries": sorted(picked)})
    picks_form.entries.choices = [SelectChoice(e.id, e.title or "Untitled entry") for e in pickable]
    members = service.case_clients(case.id)
    homework_form = forms.get("homework_form") or _homework_form(case, members)
    return {
        "case": case,
        "session": session,
        "note": note,
        "sections": sections,
        "format_sections": service.note_sections(note.format),
        "client_sections": service.CLIENT_SECTIONS,
        "note_form": note_form,
        "format_form": NoteFormatForm(formdata=None, data={"format": note.format.value}),
        "sign_form": SignForm(formdata=None, data={"version": note.version}),
        "amendment_form": forms.get("amendment_form") or AmendmentForm(formdata=None),
        "process_form": process_form,
        "assignments": assignments,
        "homework_ids": homework_ids,
        "reviewed_form": reviewed_form,
        "picks_form": picks_form,
        "pickable": pickable,
        "homework_form": homework_form,
        "members": members,
        "signed": note.status is NoteStatus.SIGNED,
        "modality_labels": {m.value: m.value.replace("_", " ") for m in Modality},
    }


def _assign_module():
    """The modules feature's assignment flow, or None while it is not there yet."""
    try:
        from app.services.assignments import assign_module
    except ImportError:
        return None
    return assign_module


def _module_version_choices() -> list[tuple[int, str]]:
    """The current version of every module the counselor may assign (built-in or their own)."""
    import sqlalchemy as sa

    from app.models import ModuleVersion, StrategyModule

    rows = db.session.execute(
        sa.select(ModuleVersion.id, ModuleVersion.title)
        .join(StrategyModule, StrategyModule.current_version_id == ModuleVersion.id)
        .where(
            sa.or_(StrategyModule.is_builtin.is_(True), StrategyModule.owner_id == current_user.id)
        )
        .order_by(ModuleVersion.title)
    ).all()
    return [SelectChoice(version_id, title) for version_id, title in rows]


def _homework_form(case, members, formdata=None) -> HomeworkForm | None:
    if _assign_module() is None:
        return None
    form = HomeworkForm(formdata=formdata)
    try:
        form.module_version.choices = _module_version_choices()
    except Exception:  # noqa: BLE001 - module columns may differ; hide the form rather than fail
        db.session.rollback()
        return None
    form.recipients.choices = [SelectChoice(m.user_id, m.user.name) for m in members]
    if formdata is None:
        form.recipients.data = [m.user_id for m in members]
        form.request_key.data = secrets.token_urlsafe(24)
    return form


def _note_or_409(session):
    note = session.note
    if note is None:
        abort(404)
    return note


@bp.route(f"{BASE}/<int:sid>/note", methods=["POST"])
@roles_required(Role.COUNSELOR)
def save_note(case_id: int, sid: int):
    """Save the draft note (optimistic locking: a newer save is never overwritten)."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    note = _note_or_409(session)
    form = NoteForm()
    if note.status is not NoteStatus.DRAFT:
        flash("This note is signed. Add an amendment below instead.", "warning")
        return redirect(_detail_url(case.id, session.id, "amend"))
    if not form.validate_on_submit():
        return render_template(
            "sessions/detail.html", **_detail_context(case, session, note_form=form)
        ), 422
    keys = [s.key for s in service.note_sections(note.format)] + [
        s.key for s in service.CLIENT_SECTIONS
    ]
    yours = {key: form[key].data or "" for key in keys}
    saved = dict(note.sections or {})
    if not check_version(note, form.version.data):
        raise StaleEdit(
            saved={key: saved.get(key, "") for key in keys},
            yours=yours,
            back_url=_detail_url(case.id, session.id, "note"),
        )
    service.save_note(note, fmt=note.format, sections=yours)
    audit.record("session_note.update", note, case_id=case.id)
    db.session.commit()
    flash("Note saved.", "success")
    return redirect(_detail_url(case.id, session.id, "note"))


@bp.route(f"{BASE}/<int:sid>/note/autosave", methods=["POST"])
@csrf.exempt  # read_autosave_payload checks the token (sendBeacon cannot set headers)
@roles_required(Role.COUNSELOR)
def autosave_note(case_id: int, sid: int):
    """Autosave of the draft note; an older save arriving late is ignored."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    payload = read_autosave_payload()
    note = _note_or_409(session)
    if note.status is not NoteStatus.DRAFT:
        return jsonify(error="signed", message="This note is signed; it can no longer change."), 409
    if not is_newer(note, payload.seq):
        return jsonify(saved=False, stale=True)
    keys = [s.key for s in service.note_sections(note.format)] + [
        s.key for s in service.CLIENT_SECTIONS
    ]
    sections = {}
    for key in keys:
        if key in payload.fields:
            sections[key] = payload.text(key, service.SECTION_MAX)
    # The version is left alone: autosaves are ordered by ``seq``, and bumping it would make
    # the editor's own "Save draft" (and "Sign") look like a conflicting edit.
    service.save_note(note, fmt=note.format, sections=sections)
    audit.record("session_note.autosave", note, case_id=case.id)
    db.session.commit()
    return jsonify(saved=True)


@bp.route(f"{BASE}/<int:sid>/note/format", methods=["POST"])
@roles_required(Role.COUNSELOR)
def note_format(case_id: int, sid: int):
    """Switch a draft note to another format (text already written is kept)."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    note = _note_or_409(session)
    form = NoteFormatForm()
    if form.validate_on_submit() and note.status is NoteStatus.DRAFT:
        note.format = NoteFormat(form.format.data)
        note.version += 1
        audit.record("session_note.format", note, case_id=case.id, detail=note.format.value)
        db.session.commit()
    return redirect(_detail_url(case.id, session.id, "note"))


@bp.route(f"{BASE}/<int:sid>/sign", methods=["POST"])
@roles_required(Role.COUNSELOR)
def sign(case_id: int, sid: int):
    """Sign the note as saved; it is locked from then on."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    note = _note_or_409(session)
    form = SignForm()
    if not form.validate_on_submit():
        abort(400)
    if note.status is NoteStatus.SIGNED:
        return redirect(_detail_url(case.id, session.id, "note"))  # a double click
    try:
        expected = int(form.version.data or 0)
    except ValueError:
        expected = 0
    if expected != note.version:
        flash(
            "The note changed since you opened this page. Check the saved text, then sign again.",
            "warning",
        )
        return redirect(_detail_url(case.id, session.id, "note"))
    try:
        service.sign_note(note, current_user)
    except service.SessionRuleError as exc:
        flash(str(exc), "warning")
        return redirect(_detail_url(case.id, session.id, "note"))
    audit.record("session_note.sign", note, case_id=case.id)
    db.session.commit()
    flash("Note signed. Later changes are added as dated amendments.", "success")
    return redirect(_detail_url(case.id, session.id, "note"))


@bp.route(f"{BASE}/<int:sid>/amend", methods=["POST"])
@roles_required(Role.COUNSELOR)
def amend(case_id: int, sid: int):
    """Add a dated amendment to a signed note."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    note = _note_or_409(session)
    form = AmendmentForm()
    if form.validate_on_submit():
        try:
            amendment = service.add_amendment(note, current_user, form.body.data)
        except service.SessionRuleError as exc:
            form.body.errors.append(str(exc))
        else:
            audit.record("note_amendment.create", amendment, case_id=case.id)
            db.session.commit()
            flash("Amendment added.", "success")
            return redirect(_detail_url(case.id, session.id, "amend"))
    return render_template(
        "sessions/detail.html", **_detail_context(case, session, amendment_form=form)
    ), 422


@bp.route(f"{BASE}/<int:sid>/process-note", methods=["POST"])
@roles_required(Role.COUNSELOR)
def process_note(case_id: int, sid: int):
    """Save the signed-in counselor's own process note."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    form = ProcessNoteForm(prefix="process")
    if not form.validate_on_submit():
        return render_template(
            "sessions/detail.html", **_detail_context(case, session, process_form=form)
        ), 422
    existing = service.process_note_for(session.id, current_user.id)
    if existing is not None and not check_version(existing, form.version.data):
        raise StaleEdit(
            saved={"Process notes": existing.body or ""},
            yours={"Process notes": form.body.data or ""},
            back_url=_detail_url(case.id, session.id, "process"),
        )
    note = service.save_process_note(session, current_user, form.body.data or "")
    audit.record("process_note.update", note, case_id=case.id)
    db.session.commit()
    flash("Process notes saved. Only you can see them.", "success")
    return redirect(_detail_url(case.id, session.id, "process"))


@bp.route(f"{BASE}/<int:sid>/picks", methods=["POST"])
@roles_required(Role.COUNSELOR)
def picks(case_id: int, sid: int):
    """Choose the shared journal entries discussed in the session."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    form = PicksForm()
    if form.validate_on_submit():
        try:
            service.set_picks(session, list(form.entries.data or []))
        except service.SessionRuleError as exc:
            db.session.rollback()
            flash(str(exc), "warning")
        else:
            audit.record("session.picks", session, case_id=case.id)
            db.session.commit()
            flash("Journal entries for this session saved.", "success")
    return redirect(_detail_url(case.id, session.id, "journal"))


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
            db.session.rollback()
            flash(str(exc), "warning")
        else:
            audit.record("session.reviewed", session, case_id=case.id)
            db.session.commit()
            flash("Reviewed assignments saved.", "success")
    return redirect(_detail_url(case.id, session.id, "homework"))


@bp.route(f"{BASE}/<int:sid>/homework", methods=["POST"])
@roles_required(Role.COUNSELOR)
def homework(case_id: int, sid: int):
    """Assign a module as homework (the modules feature's flow) and link it to the session."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    assign_module = _assign_module()
    if assign_module is None:
        abort(404)
    members = service.case_clients(case.id)
    form = _homework_form(case, members, formdata=request.form)
    if form is None:
        abort(404)
    member_ids = {m.user_id for m in members}
    if form.validate_on_submit():
        chosen = [uid for uid in (form.recipients.data or []) if uid in member_ids]
        valid_versions = {c.value for c in form.module_version.choices}
        if not chosen:
            form.recipients.errors.append("Choose at least one partner.")
        elif form.module_version.data not in valid_versions:
            form.module_version.errors.append("Choose a published module.")
        else:
            from app.models import ModuleVersion
            from app.services.assignments import AssignmentError

            version = db.session.get(ModuleVersion, form.module_version.data)
            recipients = [m.user for m in members if m.user_id in chosen]
            try:
                assignment = assign_module(
                    case,
                    version,
                    recipients,
                    due_date=form.due_date.data,
                    note=form.note.data or "",
                    assigned_by=current_user,
                    request_key=form.request_key.data or None,
                )
            except AssignmentError as exc:
                db.session.rollback()
                form.module_version.errors.append(str(exc))
                return render_template(
                    "sessions/detail.html", **_detail_context(case, session, homework_form=form)
                ), 422
            service.link_homework(session, assignment)
            audit.record("session.homework", session, case_id=case.id)
            db.session.commit()
            flash("Homework assigned.", "success")
            return redirect(_detail_url(case.id, session.id, "homework"))
    return render_template(
        "sessions/detail.html", **_detail_context(case, session, homework_form=form)
    ), 422


@bp.route(f"{BASE}/<int:sid>/summary.pdf")
@roles_required(Role.COUNSELOR)
def summary_pdf(case_id: int, sid: int):
    """The session summary as a PDF: ``copy=clinician`` (default) or ``copy=client``."""
    case, session = session_for_counselor(case_id, sid)
    copy = request.args.get("copy", "clinician")
    if copy not in ("clinician", "client"):
        abort(404)
    day = session.starts_at.astimezone(_tz()).strftime("%Y-%m-%d")
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
    from app.models import Case

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
