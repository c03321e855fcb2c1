"""The session page as the session routes share it: its address, its forms, what it shows.

Every form on the page posts to its own route (``routes``, ``note_routes``,
``material_routes``); a form with errors is shown again on the whole page, so they all build
the page the same way, here.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from app.models import Case, CaseMember, CounselingSession, Modality, NoteStatus
from app.services import session_picks
from app.services import sessions as service
from app.services.modules import visible_modules
from app.sessions.forms import (
    AmendmentForm,
    HomeworkForm,
    NoteForm,
    NoteFormatForm,
    PicksForm,
    ProcessNoteForm,
    ReviewedForm,
    SignForm,
)

BASE = "/cases/<int:case_id>/sessions"


def detail_url(case_id: int, session_id: int, anchor: str | None = None) -> str:
    """The session page, at one of its sections."""
    return url_for("sessions.detail", case_id=case_id, sid=session_id, _anchor=anchor)


def homework_form(members: list[CaseMember], formdata: MultiDict | None = None) -> HomeworkForm:
    """The "assign a module as homework" form, for the modules the counselor may assign."""
    form = HomeworkForm(formdata=formdata)
    form.module_version.choices = [
        SelectChoice(m.current_version_id, m.current_version.title)
        for m in visible_modules(current_user)
    ]
    form.recipients.choices = [SelectChoice(m.user_id, m.user.name) for m in members]
    if formdata is None:
        form.recipients.data = [m.user_id for m in members]
        form.request_key.data = secrets.token_urlsafe(24)
    return form


def amendment_form(
    pickable: list, picked_ids: set[int], formdata: MultiDict | None = None
) -> AmendmentForm:
    """The amendment form; on a signed note it also holds the journal entries discussed."""
    form = AmendmentForm(formdata=formdata)
    form.entries.choices = [SelectChoice(e.id, e.title or "Untitled entry") for e in pickable]
    if formdata is None:
        form.entries.data = sorted(picked_ids)
        form.entries_shown.data = "1" if pickable else ""
    return form


def detail_context(case: Case, session: CounselingSession, **forms: Any) -> dict[str, Any]:
    """Everything the session page shows; ``forms`` are posted forms shown with their errors."""
    note = session.note
    assert note is not None  # every session is created with its note
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
    reviewed_form.assignments.choices = [
        (a.id, a.module_version.title)
        for a in service.reviewable(session, assignments, reviewed_ids)
    ]
    pickable = service.pickable_entries(current_user, case)
    picked = service.picked_entries(current_user, case, session)
    picked_ids = {e.id for e in picked}
    picks_form = PicksForm(formdata=None, data={"entries": sorted(picked_ids)})
    picks_form.entries.choices = [SelectChoice(e.id, e.title or "Untitled entry") for e in pickable]
    members = service.case_clients(case.id)
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
        "amendment_form": forms.get("amendment_form") or amendment_form(pickable, picked_ids),
        "process_form": process_form,
        "assignments": assignments,
        "homework_ids": homework_ids,
        "reviewed_form": reviewed_form,
        "picks_form": picks_form,
        "pickable": pickable,
        "picked": picked,
        "withdrawn": session_picks.withdrawn_excerpts(current_user, case, session),
        "homework_form": forms.get("homework_form") or homework_form(members),
        "members": members,
        "signed": note.status is NoteStatus.SIGNED,
        "modality_labels": {m.value: m.value.replace("_", " ") for m in Modality},
    }
