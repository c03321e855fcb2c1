"""The counselor's inbox: every thread of the caseload, newest first; reply and mark done."""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit
from app.auth.forms import PostForm
from app.authz import deny, roles_required
from app.extensions import db
from app.messages import bp, services
from app.messages import inbox as inbox_service
from app.messages.forms import MessageForm
from app.models import Role


@bp.route("/inbox")
@roles_required(Role.COUNSELOR)
def inbox():
    """Threads of the caseload with their last message; filter by case and "needs a reply"."""
    case_id = request.args.get("case", type=int)
    needs_reply = request.args.get("needs") == "reply"
    page = inbox_service.inbox(
        current_user, case_id=case_id, needs_reply=needs_reply, after=request.args.get("after")
    )
    forms = {}
    for row in page.rows:
        form = MessageForm(formdata=None)
        form.request_key.data = secrets.token_urlsafe(24)
        form.next.data = "inbox"
        forms[row.view.thread.id] = form
    audit.record("message.inbox", detail=f"{len(page.rows)} threads shown")
    return render_template(
        "messages/inbox.html",
        page=page,
        forms=forms,
        cases=inbox_service.cases_for_filter(current_user),
        case_id=case_id,
        needs_reply=needs_reply,
        done_form=PostForm(formdata=None),
    )


@bp.route("/inbox/<int:thread_id>/done", methods=["POST"])
@roles_required(Role.COUNSELOR)
def mark_done(thread_id: int):
    """The counselor has dealt with a thread: it leaves "needs a reply"."""
    if not PostForm().validate_on_submit():
        abort(400)
    view = services.thread_for(current_user, thread_id)
    if view is None:
        deny(f"message thread {thread_id} (done)")
    inbox_service.mark_done(view)
    audit.record("message.done", view.thread)
    db.session.commit()
    flash("Marked as done.", "success")
    return redirect(url_for(".inbox", needs=request.args.get("needs")))
