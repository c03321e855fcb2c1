"""The journal as others read it: what the partner shared, and the counselor's feed."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit
from app.authz import ensure_open, entry_for_reader, roles_required
from app.extensions import db
from app.journal import bp
from app.journal.forms import CommentForm
from app.journal.search import results_page, run_search
from app.models import JournalComment, JournalEntry, Role
from app.services import journal as journal_service


def _comments(entry: JournalEntry) -> list[JournalComment]:
    return journal_service.comments_on(entry, current_user)


# --- what the partner shared --------------------------------------------------------------


@bp.route("/me/journal/shared", methods=["GET", "POST"])
@roles_required(Role.CLIENT)
def partner_index():
    """Entries the partner chose to share with the signed-in client."""
    searched = run_search(".partner_index", current_user.id)
    if not isinstance(searched, tuple):
        return searched
    form, filters = searched
    page = journal_service.partner_entries(current_user, filters, request.args.get("after"))
    audit.record("journal.list", detail=f"partner entries, {len(page.rows)} shown")
    html = render_template("journal/partner_index.html", form=form, page=page)
    return results_page(html, 422 if form.errors else 200)


@bp.route("/me/journal/shared/<int:entry_id>")
@roles_required(Role.CLIENT)
def partner_entry(entry_id: int):
    """One entry the partner shared, read-only, labelled with its author."""
    entry = entry_for_reader(entry_id)
    audit.record("journal.read", entry, detail="partner")
    return render_template("journal/partner_entry.html", entry=entry, comments=_comments(entry))


# --- the counselor ------------------------------------------------------------------------


@bp.route("/caseload/journal", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def shared_feed():
    """Entries shared with the counselor across the caseload, newest share first."""
    unread_only = request.values.get("unread") == "1"
    searched = run_search(
        ".shared_feed", current_user.id, **({"unread": "1"} if unread_only else {})
    )
    if not isinstance(searched, tuple):
        return searched
    form, filters = searched
    page = journal_service.shared_feed(
        current_user, filters, request.args.get("after"), unread_only
    )
    audit.record("journal.list", detail=f"shared feed, {len(page.rows)} shown")
    html = render_template(
        "journal/shared_feed.html", form=form, page=page, unread_only=unread_only
    )
    return results_page(html, 422 if form.errors else 200)


@bp.route("/caseload/journal/<int:entry_id>")
@roles_required(Role.COUNSELOR)
def counselor_entry(entry_id: int):
    """A shared entry for the counselor, with comments, a comment form and "mark read"."""
    entry = entry_for_reader(entry_id)
    audit.record("journal.read", entry, detail="counselor")
    return render_template(
        "journal/counselor_entry.html",
        entry=entry,
        comments=_comments(entry),
        form=CommentForm(),
        is_read=journal_service.is_read_by(entry, current_user.id),
    )


@bp.route("/caseload/journal/<int:entry_id>/read", methods=["POST"])
@roles_required(Role.COUNSELOR)
def mark_read(entry_id: int):
    """Mark a shared entry as read."""
    entry = entry_for_reader(entry_id)
    journal_service.mark_read(entry, current_user)
    audit.record("journal.mark_read", entry)
    db.session.commit()
    flash("Marked as read.", "success")
    if request.form.get("back") == "feed":
        return redirect(url_for(".shared_feed"))
    return redirect(url_for(".counselor_entry", entry_id=entry.id))


@bp.route("/caseload/journal/<int:entry_id>/comments", methods=["POST"])
@roles_required(Role.COUNSELOR)
def comment(entry_id: int):
    """Add a comment to a shared entry."""
    entry = entry_for_reader(entry_id)
    ensure_open(entry.case)
    form = CommentForm()
    if not form.validate_on_submit():
        audit.record("journal.read", entry, detail="counselor")
        return render_template(
            "journal/counselor_entry.html",
            entry=entry,
            comments=_comments(entry),
            form=form,
            is_read=journal_service.is_read_by(entry, current_user.id),
        )
    new_comment, created = journal_service.add_comment(
        entry, current_user, form.body.data, form.request_key.data
    )
    if created:
        audit.record("journal.comment", new_comment, case_id=entry.case_id)
    db.session.commit()
    flash("Your comment is added.", "success")
    return redirect(url_for(".counselor_entry", entry_id=entry.id))
