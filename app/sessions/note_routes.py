"""The session note: draft, autosave, format, signing, amendments, and process notes."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request
from flask_login import current_user

from app import audit
from app.authz import roles_required, session_for_counselor
from app.drafts import is_newer, read_autosave_payload
from app.extensions import csrf, db
from app.models import NoteFormat, NoteStatus, Role
from app.services import note_formats, session_picks
from app.services import sessions as service
from app.services.concurrency import StaleEdit, check_version, lock_for_update
from app.sessions import bp
from app.sessions.forms import NoteForm, NoteFormatForm, ProcessNoteForm, SignForm
from app.sessions.pages import BASE, amendment_form, detail_context, detail_url


def _note_or_404(session):
    note = session.note
    if note is None:
        abort(404)
    return note


@bp.route(f"{BASE}/<int:sid>/note", methods=["POST"])
@roles_required(Role.COUNSELOR)
def save_note(case_id: int, sid: int):
    """Save the draft note (optimistic locking: a newer save is never overwritten)."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    note = _note_or_404(session)
    form = NoteForm()
    if note.status is not NoteStatus.DRAFT:
        flash("This note is signed. Add an amendment below instead.", "warning")
        return redirect(detail_url(case.id, session.id, "amend"))
    if not form.validate_on_submit():
        return render_template(
            "sessions/detail.html", **detail_context(case, session, note_form=form)
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
            back_url=detail_url(case.id, session.id, "note"),
        )
    service.save_note(note, fmt=note.format, sections=yours)
    _covers_device_copy(note)
    audit.record("session_note.update", note, case_id=case.id)
    db.session.commit()
    flash("Note saved.", "success")
    return redirect(detail_url(case.id, session.id, "note"))


@bp.route(f"{BASE}/<int:sid>/note/autosave", methods=["POST"])
@csrf.exempt  # read_autosave_payload checks the token (sendBeacon cannot set headers)
@roles_required(Role.COUNSELOR)
def autosave_note(case_id: int, sid: int):
    """Autosave of the draft note; an older save arriving late is ignored."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    payload = read_autosave_payload()
    note = _note_or_404(session)
    if note.status is not NoteStatus.DRAFT:
        return jsonify(error="signed", message="This note is signed; it can no longer change."), 409
    # Lock first, as every save does: an autosave racing "Save draft" (or another tab) from the
    # same version must lose visibly (409), never overwrite it or be overwritten in silence.
    lock_for_update(note)
    if not is_newer(note, payload.seq):
        return jsonify(saved=False, stale=True, version=note.version)
    if not check_version(note, payload.fields.get("version")):
        raise StaleEdit(saved={}, yours={}, back_url=detail_url(case.id, session.id, "note"))
    keys = [s.key for s in service.note_sections(note.format)] + [
        s.key for s in service.CLIENT_SECTIONS
    ]
    sections = {}
    for key in keys:
        if key in payload.fields:
            sections[key] = payload.text(key, service.SECTION_MAX)
    service.save_note(note, fmt=note.format, sections=sections)
    audit.record("session_note.autosave", note, case_id=case.id)
    db.session.commit()
    # The editor takes the new version for its next save, "Save draft" and "Sign".
    return jsonify(saved=True, version=note.version)


@bp.route(f"{BASE}/<int:sid>/note/format", methods=["POST"])
@roles_required(Role.COUNSELOR)
def note_format(case_id: int, sid: int):
    """Switch a draft note to another format, saving what was typed first (nothing is lost).

    The "Switch" button belongs to the note's own form, so the post carries the text typed
    since the last save; it is saved (with the same version check as "Save draft") before
    the format changes, and text of sections the new format lacks moves into it.
    """
    case, session = session_for_counselor(case_id, sid, writable=True)
    note = _note_or_404(session)
    form = NoteFormatForm()
    typed = NoteForm()
    lock_for_update(note)  # the version bump below must not race a save
    if not form.validate_on_submit() or note.status is not NoteStatus.DRAFT:
        return redirect(detail_url(case.id, session.id, "note"))
    if typed.version.data:
        keys = [s.key for s in service.note_sections(note.format)] + [
            s.key for s in service.CLIENT_SECTIONS
        ]
        yours = {key: typed[key].data or "" for key in keys}
        if not check_version(note, typed.version.data):
            raise StaleEdit(
                saved={key: (note.sections or {}).get(key, "") for key in keys},
                yours=yours,
                back_url=detail_url(case.id, session.id, "note"),
            )
        service.save_note(note, fmt=note.format, sections=yours)
        _covers_device_copy(note)
    new_format = NoteFormat(form.format.data)
    message, category = _switched(note, case, new_format)
    db.session.commit()  # what was typed is saved even when the switch itself is refused
    flash(message, category)
    return redirect(detail_url(case.id, session.id, "note"))


def _switched(note, case, new_format: NoteFormat) -> tuple[str, str]:
    """Switch the saved note to ``new_format``; the message saying what happened."""
    if new_format is note.format:
        return "Note saved.", "success"
    try:
        moved, into = note_formats.switch_format(note, new_format)
    except service.SessionRuleError as exc:
        return f"Note saved. {exc}", "warning"
    audit.record("session_note.format", note, case_id=case.id, detail=note.format.value)
    message = f"Note saved and switched to {new_format.value}."
    if moved:
        message += f" Your text under {' and '.join(moved)} is now in {into}."
    return message, "success"


def _covers_device_copy(note) -> None:
    """The posted text is saved: the editor's device copy up to its sequence is now stale.

    Without this the next page would "restore" the copy typed before the post (the old
    format's fields and version included) and race the counselor's next click.
    """
    seq = request.form.get("autosave_seq", "")
    if seq.isdigit() and len(seq) < 19:
        note.draft_seq = max(note.draft_seq or 0, int(seq))


@bp.route(f"{BASE}/<int:sid>/sign", methods=["POST"])
@roles_required(Role.COUNSELOR)
def sign(case_id: int, sid: int):
    """Sign the note as saved; it is locked from then on."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    note = _note_or_404(session)
    form = SignForm()
    if not form.validate_on_submit():
        abort(400)
    # Sign exactly the text the counselor saw: no save may slip in between compare and sign.
    lock_for_update(note)
    if note.status is NoteStatus.SIGNED:
        return redirect(detail_url(case.id, session.id, "note"))  # a double click
    try:
        expected = int(form.version.data or 0)
    except ValueError:
        expected = 0
    if expected != note.version:
        flash(
            "The note changed since you opened this page. Check the saved text, then sign again.",
            "warning",
        )
        return redirect(detail_url(case.id, session.id, "note"))
    try:
        service.sign_note(note, current_user)
    except service.SessionRuleError as exc:
        flash(str(exc), "warning")
        return redirect(detail_url(case.id, session.id, "note"))
    audit.record("session_note.sign", note, case_id=case.id)
    db.session.commit()
    flash(
        "Note signed. It is locked now; any later change is added as a dated amendment. "
        "Next: download the client copy for the couple (Client PDF, above).",
        "success",
    )
    return redirect(detail_url(case.id, session.id, "note"))


@bp.route(f"{BASE}/<int:sid>/amend", methods=["POST"])
@roles_required(Role.COUNSELOR)
def amend(case_id: int, sid: int):
    """Add a dated amendment to a signed note (and change the journal entries discussed)."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    note = _note_or_404(session)
    form = amendment_form(
        service.pickable_entries(current_user, case), set(), formdata=request.form
    )
    if form.validate_on_submit():
        try:
            if form.entries_shown.data:
                amendment = session_picks.amend_picks(
                    note,
                    case,
                    session,
                    current_user,
                    form.body.data,
                    list(form.entries.data or []),
                )
            else:
                amendment = service.add_amendment(note, current_user, form.body.data)
        except service.SessionRuleError as exc:
            form.body.errors.append(str(exc))
        else:
            audit.record("note_amendment.create", amendment, case_id=case.id)
            db.session.commit()
            flash("Amendment added.", "success")
            return redirect(detail_url(case.id, session.id, "amend"))
    return render_template(
        "sessions/detail.html", **detail_context(case, session, amendment_form=form)
    ), 422


@bp.route(f"{BASE}/<int:sid>/process-note", methods=["POST"])
@roles_required(Role.COUNSELOR)
def process_note(case_id: int, sid: int):
    """Save the signed-in counselor's own process note."""
    case, session = session_for_counselor(case_id, sid, writable=True)
    form = ProcessNoteForm(prefix="process")
    if not form.validate_on_submit():
        return render_template(
            "sessions/detail.html", **detail_context(case, session, process_form=form)
        ), 422
    existing = service.process_note_for(session.id, current_user.id)
    if existing is not None and not check_version(existing, form.version.data):
        raise StaleEdit(
            saved={"Process notes": existing.body or ""},
            yours={"Process notes": form.body.data or ""},
            back_url=detail_url(case.id, session.id, "process"),
        )
    note = service.save_process_note(session, current_user, form.body.data or "")
    audit.record("process_note.update", note, case_id=case.id)
    db.session.commit()
    flash("Process notes saved. Only you can see them.", "success")
    return redirect(detail_url(case.id, session.id, "process"))
