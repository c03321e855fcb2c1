"""Routes of the journal: the client's own journal, the partner's shared entries, the counselor's feed."""

from __future__ import annotations

import re
import secrets

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import audit, policy
from app.auth.forms import PostForm
from app.authz import (
    client_case_ids,
    deny,
    ensure_open,
    entry_for_author,
    roles_required,
)
from app.drafts import AutosavePayload, is_newer, read_autosave_payload
from app.extensions import csrf, db
from app.journal import bp
from app.journal.chart import mood_chart
from app.journal.forms import (
    VISIBILITY_LABELS,
    EditEntryForm,
    NewEntryForm,
    ShareForm,
)
from app.journal.search import is_searching, results_page, run_search
from app.journal.writing import case_to_write_in, draft_key
from app.models import (
    JournalComment,
    JournalEntry,
    ResponseStatus,
    Role,
)
from app.policy import EVERY_CASE, JOURNAL
from app.services import client_cases
from app.services import journal as journal_service
from app.services import journal_drafts as drafts_service
from app.services import responses as response_service
from app.services.concurrency import StaleEdit, check_version, create_once
from app.services.journal import MAX_BODY, MAX_TITLE, EntryInput
from app.services.journal_search import parse_tags

REQUEST_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


# --- helpers ------------------------------------------------------------------------------


def _response_choices() -> list[SelectChoice]:
    """The signed-in client's own exercise answers, to link an entry to."""
    rows = response_service.linkable_answers(current_user)
    return [SelectChoice("", "None")] + [
        SelectChoice(str(rid), f"{module}: {title}") for rid, title, module in rows
    ]


def _entry_input(form) -> EntryInput:
    return EntryInput(
        title=form.title.data or "",
        body=form.body.data or "",
        mood=form.mood_value(),
        tags=parse_tags(form.tags.data),
        exercise_response_id=form.exercise_response_id.data,
    )


def _comments(entry: JournalEntry) -> list[JournalComment]:
    return journal_service.comments_on(entry, current_user)


def _editor_data(entry: JournalEntry) -> dict:
    return {
        "title": entry.title or "",
        "body": entry.body or "",
        "mood": str(entry.mood) if entry.mood else "",
        "tags": ", ".join(entry.tags or []),
        "exercise_response_id": entry.exercise_response_id,
        "version": entry.version,
    }


# --- the client's own journal ------------------------------------------------------------


@bp.route("/me/journal", methods=["GET", "POST"])
@roles_required(Role.CLIENT)
def index():
    """The signed-in client's entries with search, filters, pages and the mood chart."""
    searched = run_search(".index", current_user.id)
    if not isinstance(searched, tuple):
        return searched
    form, filters = searched
    page = journal_service.own_entries(current_user, filters, request.args.get("after"))
    points = journal_service.mood_points(current_user, EVERY_CASE, [current_user.id])
    chart = mood_chart(
        "mood-mine", "Your mood over the last six months", [(t, m) for _, t, m in points]
    )
    audit.record("journal.list", detail=f"own entries, {len(page.rows)} shown")
    html = render_template(
        "journal/index.html",
        form=form,
        page=page,
        chart=chart,
        searching=is_searching(filters),
        has_case=bool(client_case_ids()),
        visibility_labels=VISIBILITY_LABELS,
    )
    return results_page(html, 422 if form.errors else 200)


@bp.route("/me/journal/new", methods=["GET", "POST"])
@roles_required(Role.CLIENT)
def new():
    """Write a new entry in the case chosen; autosaved as a draft until saved."""
    audience, open_cases = case_to_write_in()
    if audience is None:
        return render_template("journal/pick_case.html", cases=open_cases)
    case = audience.case
    form = NewEntryForm()
    form.exercise_response_id.choices = _response_choices()
    if request.method == "GET":
        form.request_key.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        key = form.request_key.data if REQUEST_KEY.match(form.request_key.data or "") else None
        entry, created = create_once(
            JournalEntry, key, lambda: journal_service.new_entry(current_user, case.id)
        )
        if entry.author_id != current_user.id or entry.case_id != case.id:
            deny(f"journal entry {entry.id} (another author's request key)")
        if entry.status is ResponseStatus.SUBMITTED and not created:
            # A second click on "Save entry": the first one already saved it.
            return redirect(url_for(".entry", entry_id=entry.id))
        journal_service.set_visibility(
            entry, policy.level_from(form.visibility.data, JOURNAL.default)
        )
        journal_service.submit(entry, _entry_input(form))
        audit.record("journal.create", entry, detail=f"visibility {entry.visibility}")
        db.session.commit()
        flash(_saved_message(entry), "success")
        return redirect(url_for(".entry", entry_id=entry.id, saved="new"))
    autosave_url = url_for(".autosave_new", key=form.request_key.data or "missing", case=case.id)
    return render_template(
        "journal/editor.html",
        form=form,
        entry=None,
        autosave_url=autosave_url,
        autosave_key=draft_key(current_user.id, case.id),
        seq=0,
        audience=audience,
        can_change_case=len(open_cases) > 1,
    )


def _saved_draft_key(entry: JournalEntry, saved: str | None) -> str | None:
    """The draft a confirmed save makes obsolete on the device (``?saved=new|edit``)."""
    if saved == "new":
        return draft_key(entry.author_id, entry.case_id)
    return draft_key(entry.author_id, entry_id=entry.id) if saved else None


def _saved_message(entry: JournalEntry) -> str:
    if not policy.is_shared(entry.visibility):
        return "Your entry is saved. Only you can read it."
    if not policy.reaches_partner(entry.visibility):
        return "Your entry is saved and shared with your counselor."
    return "Your entry is saved and shared with your counselor and your partner."


@bp.route("/me/journal/<int:entry_id>")
@roles_required(Role.CLIENT)
def entry(entry_id: int):
    """One of the client's own entries, with counselor comments and sharing controls."""
    entry = entry_for_author(entry_id)
    share_form = ShareForm(visibility=entry.visibility.value)
    offered = {c.value: c.label for c in share_form.visibility.choices}
    open_labels = policy.labels_open_to(entry.case, entry.visibility, offered)
    share_form.visibility.choices = [SelectChoice(v, label) for v, label in open_labels.items()]
    audit.record("journal.read", entry, detail="author")
    return render_template(
        "journal/entry.html",
        entry=entry,
        comments=_comments(entry),
        share_form=share_form,
        exercise_title=response_service.exercise_title(entry.exercise_response_id),
        visibility_labels=VISIBILITY_LABELS,
        clear_draft=_saved_draft_key(entry, request.args.get("saved")),
        audience=client_cases.audience_of(current_user, entry.case_id),
    )


@bp.route("/me/journal/<int:entry_id>/edit", methods=["GET", "POST"])
@roles_required(Role.CLIENT)
def edit(entry_id: int):
    """Change an entry's text; a stale save gets the conflict page, never an overwrite."""
    entry = entry_for_author(entry_id, writable=True)
    kept = drafts_service.kept_edit(entry, current_user)
    if request.method == "POST":
        form = EditEntryForm()
    else:
        # An edit kept on the server comes back in the editor, based on the version it started
        # from: if the entry was saved elsewhere since, Save shows the conflict page.
        data = _editor_data(entry)
        if kept is not None:
            data.update(kept.fields, version=kept.base_version)
        form = EditEntryForm(data=data)
    form.exercise_response_id.choices = _response_choices()
    if form.validate_on_submit():
        if not check_version(entry, form.version.data):
            raise StaleEdit(
                saved={"Title": entry.title or "", "Text": entry.body or ""},
                yours={"Title": form.title.data or "", "Text": form.body.data or ""},
                back_url=url_for(".edit", entry_id=entry.id),
            )
        was_draft = entry.status is ResponseStatus.DRAFT
        journal_service.submit(entry, _entry_input(form))
        drafts_service.forget_saved_edit(
            entry, current_user, editor_seq=_int_or_none(form.autosave_seq.data)
        )
        audit.record("journal.update", entry)
        db.session.commit()
        flash(_saved_message(entry) if was_draft else "Your changes are saved.", "success")
        return redirect(url_for(".entry", entry_id=entry.id, saved=str(entry.id)))
    return render_template(
        "journal/editor.html",
        form=form,
        entry=entry,
        autosave_url=url_for(".autosave", entry_id=entry.id),
        autosave_key=draft_key(current_user.id, entry_id=entry.id),
        seq=max(entry.draft_seq or 0, kept.seq if kept else 0),
        kept_since=kept.updated_at if kept is not None and request.method == "GET" else None,
        audience=client_cases.audience_of(current_user, entry.case_id),
    )


def _int_or_none(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def _version_of(payload: AutosavePayload, entry: JournalEntry) -> int:
    """The entry version the editor started from (the entry's own when it sent none)."""
    version = _int_or_none(payload.fields.get("version"))
    return entry.version if version is None else version


def _autosave(entry: JournalEntry, payload: AutosavePayload, *, created: bool):
    """Apply one autosave to ``entry``; the reply never echoes any text."""
    if entry.status is ResponseStatus.SUBMITTED and policy.is_shared(entry.visibility):
        # Others can read this entry: half-typed edits must not reach them, nor stay readable
        # on a shared device. They wait on the server, for the author alone, until Save.
        if drafts_service.keep_edit(
            entry,
            current_user,
            seq=payload.seq,
            fields={
                "title": payload.text("title", MAX_TITLE * 4),
                "body": payload.text("body", MAX_BODY),
                "mood": payload.text("mood", 2),
                "tags": payload.text("tags", 1000),
            },
            base_version=_version_of(payload, entry),
        ):
            audit.record("journal.keep_edit", entry)
            db.session.commit()
        return jsonify(saved=False, kept="server", version=entry.version)
    if not is_newer(entry, payload.seq):
        return jsonify(saved=False, version=entry.version)
    if not created and not check_version(entry, payload.fields.get("version")):
        raise StaleEdit(saved={}, yours={}, back_url=url_for(".edit", entry_id=entry.id))
    mood = payload.text("mood", 2)
    data = EntryInput(
        title=payload.text("title", MAX_TITLE * 4),
        body=payload.text("body", MAX_BODY),
        mood=int(mood) if mood in {"1", "2", "3", "4", "5"} else None,
        tags=parse_tags(payload.text("tags", 1000)),
        exercise_response_id=entry.exercise_response_id,
    )
    journal_service.apply_text(entry, data)
    audit.record("journal.autosave", entry)
    db.session.commit()
    return jsonify(saved=True, version=entry.version)


@bp.route("/me/journal/new/<key>/autosave", methods=["POST"])
@csrf.exempt
@roles_required(Role.CLIENT)
def autosave_new(key: str):
    """Autosave of a new entry: the first save creates the draft, later ones update it."""
    payload = read_autosave_payload()
    if not REQUEST_KEY.match(key):
        abort(400)
    audience, _ = case_to_write_in()
    if audience is None:  # several open cases and none chosen: the page always names one
        abort(400)
    case_id = audience.case.id
    entry, created = create_once(
        JournalEntry, key, lambda: journal_service.new_entry(current_user, case_id)
    )
    if entry.author_id != current_user.id or entry.case_id != case_id:
        # Someone else's draft key (the partner's): refused and audited like any foreign id.
        deny(f"journal entry {entry.id} (another author's draft key)")
    return _autosave(entry, payload, created=created)


@bp.route("/me/journal/<int:entry_id>/autosave", methods=["POST"])
@csrf.exempt
@roles_required(Role.CLIENT)
def autosave(entry_id: int):
    """Autosave of an existing entry."""
    payload = read_autosave_payload()
    entry = entry_for_author(entry_id, writable=True)
    return _autosave(entry, payload, created=False)


@bp.route("/me/journal/<int:entry_id>/kept-edit/discard", methods=["POST"])
@roles_required(Role.CLIENT)
def discard_kept_edit(entry_id: int):
    """Throw away the unsaved changes kept on the server; the saved entry stays as it is."""
    entry = entry_for_author(entry_id)
    if PostForm().validate_on_submit():
        drafts_service.drop_kept_edit(entry, current_user)
        audit.record("journal.discard_kept_edit", entry)
        db.session.commit()
        flash("Your unsaved changes are discarded.", "info")
    return redirect(url_for(".entry", entry_id=entry.id, saved=str(entry.id)))


@bp.route("/me/journal/<int:entry_id>/visibility", methods=["POST"])
@roles_required(Role.CLIENT)
def share(entry_id: int):
    """Share or revoke an entry; revoking takes effect at once, in closed cases too."""
    entry = entry_for_author(entry_id)
    form = ShareForm()
    if not form.validate_on_submit():
        flash("Choose who can read this entry.", "error")
        return redirect(url_for(".entry", entry_id=entry.id))
    old, new = entry.visibility, policy.level_from(form.visibility.data, JOURNAL.default)
    if not policy.may_change_audience(entry.case, new, old):
        ensure_open(entry.case)  # a closed case refuses only a wider audience (409)
    if journal_service.set_visibility(entry, new):
        revoked = policy.narrows(entry.visibility, old)
        audit.record(
            "journal.revoke" if revoked else "journal.share",
            entry,
            detail=f"{old} -> {entry.visibility}",
        )
        db.session.commit()
        flash(f"Now readable by: {VISIBILITY_LABELS[entry.visibility.value].lower()}.", "success")
    return redirect(url_for(".entry", entry_id=entry.id))
