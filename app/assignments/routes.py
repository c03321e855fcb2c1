"""Assigning modules to a case, reviewing each partner's answers, feedback, removing."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import audit, policy
from app.assignments import bp
from app.assignments.forms import AssignForm, FeedbackForm
from app.auth.forms import PostForm
from app.authz import (
    assignment_for_counselor,
    case_for_counselor,
    deny,
    roles_required,
)
from app.extensions import db
from app.models import (
    AssignmentRecipient,
    CaseMember,
    MemberRole,
    Role,
)
from app.policy import review as review_policy
from app.services import assignments as assignment_service
from app.services import modules as module_service
from app.services import responses as response_service
from app.services.cases import case_members

counselor_only = roles_required(Role.COUNSELOR)


def _recipient_choices(members: Sequence[CaseMember]) -> list[SelectChoice]:
    if len(members) == 1:
        return [SelectChoice(str(members[0].user_id), members[0].user.name)]
    return [SelectChoice("both", "Both partners")] + [
        SelectChoice(str(m.user_id), f"{m.user.name} only") for m in members
    ]


@bp.route("/cases/<int:case_id>/assignments/new", methods=["GET", "POST"])
@counselor_only
def assign(case_id: int):
    """Give a module to both partners of a case, or one."""
    case = case_for_counselor(case_id, writable=True)
    members = case_members(case)
    modules = module_service.visible_modules(current_user)
    form = AssignForm()
    form.module.choices = [
        SelectChoice(str(m.id), m.current_version.title + ("" if m.is_builtin else " (yours)"))
        for m in modules
    ]
    form.recipients.choices = _recipient_choices(members)
    if request.method == "GET":
        form.request_key.data = secrets.token_urlsafe(24)
        form.module.data = request.args.get("module", type=int)
        form.recipients.data = form.recipients.choices[0].value if form.recipients.choices else None
    if not members:
        flash("This case has no clients yet, so there is nobody to give a module to.", "info")
    elif form.validate_on_submit():
        module = next((m for m in modules if m.id == form.module.data), None)
        if module is None:
            form.module.errors.append("Choose a module.")
        else:
            chosen = (
                [m.user for m in members]
                if form.recipients.data == "both"
                else [m.user for m in members if str(m.user_id) == form.recipients.data]
            )
            try:
                assignment_service.assign_module(
                    case,
                    module.current_version,
                    chosen,
                    due_date=form.due_date.data,
                    note=form.note.data or "",
                    assigned_by=current_user,
                    request_key=form.request_key.data or None,
                )
            except assignment_service.AssignmentError as exc:
                form.recipients.errors.append(str(exc))
            else:
                title = module.current_version.title
                db.session.commit()
                flash(f"“{title}” is assigned.", "success")
                return redirect(case_page_url(case.id))
    return render_template(
        "assignments/assign.html",
        case=case,
        form=form,
        members=members,
        modules=modules,
        cautions={m.id: m.current_version.caution for m in modules if m.current_version.caution},
    )


def case_page_url(case_id: int) -> str:
    """The case page (``/cases/<id>``), whichever endpoint serves it."""
    for rule in current_app.url_map.iter_rules():
        parts = rule.rule.strip("/").split("/")
        is_case_page = len(parts) == 2 and parts[0] == "cases" and parts[1].startswith("<")
        if is_case_page and rule.arguments and "GET" in (rule.methods or ()):
            values: dict[str, Any] = {next(iter(rule.arguments)): case_id}
            return url_for(rule.endpoint, **values)
    return f"/cases/{case_id}"


def _partner_label(role: MemberRole) -> str:
    return {"partner_a": "Partner A", "partner_b": "Partner B"}.get(str(role), "Client")


@bp.route("/cases/<int:case_id>/assignments/<int:assignment_id>")
@counselor_only
def review(case_id: int, assignment_id: int):
    """Both partners' answers side by side, per exercise, with feedback per partner."""
    assignment = assignment_for_counselor(case_id, assignment_id)
    roles = assignment_service.member_roles(assignment.case_id)
    recipients = sorted(assignment.recipients, key=lambda r: str(roles.get(r.user_id, "z")))
    responses = response_service.responses_by_exercise([r.id for r in recipients])
    readable = {
        key: response
        for key, response in responses.items()
        if policy.may_read(current_user, assignment.case, response)
    }
    unread = {
        key: reason.value
        for key, response in responses.items()
        if (reason := review_policy.why_unread(current_user, assignment.case, response))
    }
    sent_any = {
        r.id: review_policy.has_sent_any([v for (rid, _), v in responses.items() if rid == r.id])
        for r in recipients
    }
    forms = {}
    for recipient in recipients:
        form = FeedbackForm(prefix=f"r{recipient.id}", data={"feedback": recipient.feedback or ""})
        forms[recipient.id] = form
    audit.record(
        "assignment.review_viewed",
        assignment,
        detail=f"{len(readable)} answer(s) shown",
    )
    return render_template(
        "assignments/review.html",
        assignment=assignment,
        case=assignment.case,
        version=assignment.module_version,
        recipients=recipients,
        roles={uid: _partner_label(role) for uid, role in roles.items()},
        readable=readable,
        unread=unread,
        sent_any=sent_any,
        started=set(responses),
        forms=forms,
        newer=assignment_service.newer_version_exists(assignment),
        remove_form=PostForm(),
    )


@bp.route(
    "/cases/<int:case_id>/assignments/<int:assignment_id>/feedback/<int:recipient_id>",
    methods=["POST"],
)
@counselor_only
def feedback(case_id: int, assignment_id: int, recipient_id: int):
    """Save feedback for one partner, and optionally mark their work reviewed."""
    assignment = assignment_for_counselor(case_id, assignment_id, writable=True)
    recipient: AssignmentRecipient | None = next(
        (r for r in assignment.recipients if r.id == recipient_id), None
    )
    if recipient is None:
        deny(f"assignment recipient {recipient_id} of assignment {assignment.id}", case_id=case_id)
    form = FeedbackForm(prefix=f"r{recipient.id}")
    if not form.validate_on_submit():
        for error in form.feedback.errors:
            flash(error, "danger")
        return redirect(url_for("assignments.review", case_id=case_id, assignment_id=assignment.id))
    try:
        assignment_service.save_feedback(
            assignment,
            recipient,
            form.feedback.data or "",
            mark_reviewed=bool(form.mark_reviewed.data),
        )
    except assignment_service.AssignmentError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash(
            "Feedback saved." + (" Marked as reviewed." if form.mark_reviewed.data else ""),
            "success",
        )
    return redirect(
        url_for("assignments.review", case_id=case_id, assignment_id=assignment.id)
        + f"#recipient-{recipient.id}"
    )


@bp.route("/cases/<int:case_id>/assignments/<int:assignment_id>/remove", methods=["GET", "POST"])
@counselor_only
def unassign(case_id: int, assignment_id: int):
    """Confirm, then take the assignment back (answers are kept)."""
    assignment = assignment_for_counselor(case_id, assignment_id, writable=True)
    form = PostForm()
    if request.method == "POST" and form.validate_on_submit():
        title = assignment.module_version.title
        assignment_service.unassign(assignment, current_user)
        db.session.commit()
        flash(f"“{title}” was taken back. Answers already written are kept.", "success")
        return redirect(case_page_url(case_id))
    return render_template(
        "assignments/unassign.html", assignment=assignment, case=assignment.case, form=form
    )


@bp.context_processor
def _helpers() -> dict:
    return {"case_page_url": case_page_url}


@bp.app_template_filter("iso_day")
def iso_day(value: str | None) -> str:
    """An ISO date string (as stored in answers) shown as ``27 Nov 2026``."""
    from datetime import date

    from app.practice_dates import write_day

    try:
        return write_day(date.fromisoformat(value or ""))
    except ValueError:
        return ""
