"""Pages of messages: a client's conversations, a case's threads, one thread, sending."""

from __future__ import annotations

import re
import secrets

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit
from app.auth.forms import PostForm
from app.authz import case_for_counselor, deny, ensure_open, roles_required
from app.database import defer_write
from app.drafts import read_autosave_payload
from app.extensions import csrf, db
from app.messages import bp, counts, notifications, services, thread_setup
from app.messages.forms import MessageForm, RulesForm
from app.models import Case, CaseMember, Role
from app.policy import messages as policy

REQUEST_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
STAFF_AND_CLIENTS = (Role.CLIENT, Role.COUNSELOR)


def _ensure_threads(cases: list[tuple[Case, list[CaseMember]]]) -> None:
    """Create a case's threads the first time anyone opens its messages.

    The check is a read; only when a thread is missing does this GET write, in a write
    transaction of its own (SQLite: BEGIN IMMEDIATE), committed at once.
    """
    if not thread_setup.missing_threads(cases):
        return
    db.session.commit()
    g.sqlite_write = True
    thread_setup.ensure_threads(cases)
    db.session.commit()
    g.sqlite_write = False


def _thread_or_404(thread_id: int) -> services.ThreadView:
    view = services.thread_for(current_user, thread_id)
    if view is None:
        deny(f"message thread {thread_id}")
    return view


def _new_form() -> MessageForm:
    form = MessageForm(formdata=None)
    form.request_key.data = secrets.token_urlsafe(24)
    return form


# --- lists of threads ---------------------------------------------------------------------


@bp.route("/me/messages")
@roles_required(Role.CLIENT)
def mine():
    """The client's conversations in every case they belong to."""
    members = thread_setup.memberships_of(current_user)
    _ensure_threads(members)
    case_ids = [case.id for case, _ in members]
    views = services.threads_of_cases(current_user, case_ids)
    unread = counts.unread_by_thread(current_user, [v.thread.id for v in views])
    audit.record("message.threads_listed", detail=f"{len(views)} threads")
    return render_template("messages/mine.html", views=views, unread=unread)


@bp.route("/cases/<int:case_id>/messages", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def case_threads(case_id: int):
    """The counselor's view of one case's threads, with the case's rule."""
    case = case_for_counselor(case_id)
    members = thread_setup.memberships_in(case)
    _ensure_threads([(case, members)])
    rules = services.rules_of(case)
    form = RulesForm(data={"clients_may_start": "yes" if policy.clients_may_start(rules) else "no"})
    if request.method == "POST" and form.validate_on_submit():
        ensure_open(case)
        services.set_rules(case, form.clients_may_start.data == "yes")
        audit.record(
            "message.rules", case, detail=f"clients_may_start={form.clients_may_start.data}"
        )
        db.session.commit()
        flash("Saved who may start a conversation in this case.", "success")
        return redirect(url_for(".case_threads", case_id=case.id))
    views = services.threads_of_cases(current_user, [case.id])
    unread = counts.unread_by_thread(current_user, [v.thread.id for v in views])
    audit.record("message.threads_listed", case, detail=f"{len(views)} threads")
    return render_template("messages/case.html", case=case, views=views, unread=unread, form=form)


# --- one thread ---------------------------------------------------------------------------


def _render_thread(view: services.ThreadView, form: MessageForm, status: int = 200):
    before = request.args.get("before", type=int)
    page = services.page_of(current_user, view.thread, before)
    draft = services.draft_of(view.thread, current_user) if view.may_write else None
    if draft is not None and not form.body.data and status == 200:
        form.body.data = draft.body
    newest = page.messages[-1].id if page.messages else 0
    mine = page.reads.get(current_user.id, 0)
    if before is None and newest > mine:
        thread_id, user_id = view.thread.id, current_user.id
        defer_write(lambda: services.mark_read(thread_id, user_id, newest))
    audit.record(
        "message.thread_read",
        view.thread,
        detail=f"{view.thread.kind} thread, {len(page.messages)} shown",
    )
    html = render_template(
        "messages/thread.html",
        view=view,
        page=page,
        form=form,
        draft_seq=draft.draft_seq if draft is not None else 0,
        withdraw_form=PostForm(formdata=None),
        may_withdraw=services.may_withdraw,
        clear_draft=request.args.get("sent"),
        refusal=services.refusal(view),
        removed_text=policy.REMOVED_TEXT,
        withdrawn_text=policy.WITHDRAWN_TEXT,
    )
    return html, status


@bp.route("/messages/<int:thread_id>")
@roles_required(*STAFF_AND_CLIENTS)
def thread(thread_id: int):
    """One thread, opened at its newest messages; ``?before=`` pages to older ones."""
    return _render_thread(_thread_or_404(thread_id), _new_form())


@bp.route("/messages/<int:thread_id>", methods=["POST"])
@roles_required(*STAFF_AND_CLIENTS)
def send(thread_id: int):
    """Send a message; a second click with the same form sends nothing new."""
    view = _thread_or_404(thread_id)
    form = MessageForm()
    if view.case.is_closed:
        # A tab left open from before the case closed: refuse, and give the text back.
        return render_template("messages/closed.html", view=view, text=form.body.data or ""), 409
    if not form.validate_on_submit():
        return _render_thread(view, form, 422)
    if not view.may_write:
        return render_template(
            "messages/closed.html",
            view=view,
            text=form.body.data or "",
            reason=services.refusal(view),
        ), 403
    key = form.request_key.data if REQUEST_KEY.match(form.request_key.data or "") else None
    message, created = services.send(view, current_user, form.body.data or "", key)
    if message.author_id != current_user.id or message.thread_id != view.thread.id:
        deny(f"message {message.id} (another author's request key)")
    if created:
        notifications.announce_message(view, message, current_user)
        audit.record("message.sent", message, case_id=view.case.id, detail=f"{view.thread.kind}")
        db.session.commit()
    if form.next.data == "inbox" and current_user.role is Role.COUNSELOR:
        flash("Your reply is sent.", "success")
        return redirect(url_for(".inbox"))
    return redirect(
        url_for(".thread", thread_id=view.thread.id, sent=f"message-{view.thread.id}")
        + f"#m{message.id}"
    )


@bp.route("/messages/<int:thread_id>/draft", methods=["POST"])
@csrf.exempt  # checked in read_autosave_payload (sendBeacon cannot send the header)
@roles_required(*STAFF_AND_CLIENTS)
def autosave(thread_id: int):
    """Keep the composer's text for its author while they write."""
    payload = read_autosave_payload()
    view = _thread_or_404(thread_id)
    if not view.may_write:
        abort(409)
    kept = services.keep_draft(
        view.thread, current_user, payload.seq, payload.text("body", services.MAX_DRAFT)
    )
    db.session.commit()
    return jsonify({"saved": kept, "seq": payload.seq})


@bp.route("/messages/message/<int:message_id>/withdraw", methods=["POST"])
@roles_required(*STAFF_AND_CLIENTS)
def withdraw(message_id: int):
    """The author takes a message back within five minutes; a marker stays."""
    if not PostForm().validate_on_submit():
        abort(400)
    message = services.message_for_author(current_user, message_id)
    if message is None:
        deny(f"message {message_id} (withdraw)")
    if message.thread.case.is_closed:
        ensure_open(message.thread.case)
    if services.withdraw(message):
        notifications.withdrawn(message)
        audit.record("message.withdrawn", message, case_id=message.thread.case_id)
        db.session.commit()
        flash("Your message is withdrawn.", "success")
    else:
        flash("Messages can be withdrawn only in the first five minutes.", "warning")
    return redirect(url_for(".thread", thread_id=message.thread_id))


@bp.route("/messages/find/<int:message_id>")
@roles_required(*STAFF_AND_CLIENTS)
def open_message(message_id: int):
    """Where a notification links: the message in its thread, if the viewer may read it."""
    thread_id = services.thread_of_message(current_user, message_id)
    if thread_id is None:
        deny(f"message {message_id} (notification link)")
    return redirect(url_for(".thread", thread_id=thread_id) + f"#m{message_id}")
