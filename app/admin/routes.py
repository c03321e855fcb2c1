"""Practice administration: accounts and case assignment, never clinical content."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import audit
from app.admin import bp, list_args
from app.admin.forms import NewCounselorForm, ReassignForm
from app.auth.forms import PostForm
from app.auth.services import deactivate_account, find_user, normalise_email
from app.authz import case_for_admin, roles_required, user_for_admin
from app.cases.delivery import send_links
from app.cases.routes import STATUS_LABELS
from app.extensions import db
from app.models import Role, User
from app.services import cases as case_service
from app.services import invitations, staff_accounts
from app.services.cases import CaseRuleError


def _render(form: NewCounselorForm | None = None, status: int = 200):
    staff_filters = _staff_filters()
    staff, staff_page, staff_pages = staff_accounts.staff_list(**staff_filters)
    latest = invitations.latest_staff_invitations(
        [user.id for user, _ in staff if not user.has_password]
    )
    links = invitations.take_shown_once([inv.id for inv in latest.values()])
    filters = _case_filters()
    cases, page, pages = case_service.case_list(**filters)
    counselors = case_service.active_counselors()
    audit.record("admin.accounts_viewed", detail=f"staff={len(staff)} cases={len(cases)}")
    return render_template(
        "admin/index.html",
        staff=staff,
        staff_page=staff_page,
        staff_pages=staff_pages,
        staff_filters=staff_filters,
        staff_roles=staff_accounts.STAFF_ROLES,
        staff_states=staff_accounts.STAFF_STATES,
        invitations=latest,
        links=links,
        cases=cases,
        case_page=page,
        case_pages=pages,
        filters=filters,
        counselors=counselors,
        form=form or NewCounselorForm(),
        action_form=PostForm(),
        status_labels=STATUS_LABELS,
    ), status


def _case_filters() -> dict:
    """The case list's search, counselor and status filters and page, from the query."""
    return {
        "search": list_args.text("q"),
        "counselor_id": list_args.number("counselor"),
        "status": list_args.text("status", 32),
        "page": list_args.page("page"),
    }


def _staff_filters() -> dict:
    """The account list's search, role and state filters and page (their own names in the
    query, so both lists keep their place on the one page)."""
    return {
        "search": list_args.text("staff_q"),
        "role": list_args.text("role", 32),
        "state": list_args.text("state", 32),
        "page": list_args.page("staff_page"),
    }


@bp.route("")
@roles_required(Role.ADMIN)
def index():
    """Staff accounts, and every case's metadata (label, counselor, status, dates)."""
    return _render()


def _issue_counselor_link(user: User) -> None:
    invitation, token = invitations.issue(user, case_id=None, created_by=current_user)
    db.session.commit()
    send_links([(invitation, user, token)])


@bp.route("/counselors", methods=["POST"])
@roles_required(Role.ADMIN)
def create_counselor():
    """A new counselor account with an invitation link."""
    form = NewCounselorForm()
    if not form.validate_on_submit():
        return _render(form, 400)
    if find_user(form.email.data) is not None:
        form.email.errors.append("An account with this e-mail already exists.")
        return _render(form, 400)
    user = User(
        email=normalise_email(form.email.data),
        name=form.name.data.strip(),
        role=Role.COUNSELOR,
        password_hash=None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", user, detail="role=counselor")
    _issue_counselor_link(user)
    flash(f"{user.name} can now join with the link below.", "success")
    return redirect(url_for("admin.index") + "#staff")


@bp.route("/users/<int:user_id>/invitation", methods=["POST"])
@roles_required(Role.ADMIN)
def reissue_invitation(user_id: int):
    """A fresh link for a staff member who has not set a password yet."""
    user = user_for_admin(user_id)
    if PostForm().validate_on_submit():
        if user.role is Role.CLIENT or user.has_password or not user.is_active:
            flash("This account cannot get a new invitation.", "danger")
        else:
            _issue_counselor_link(user)
    return redirect(url_for("admin.index") + "#staff")


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def deactivate(user_id: int):
    """Stop an account from signing in; its open sessions end at once."""
    user = user_for_admin(user_id)
    if PostForm().validate_on_submit() and user.active:
        deactivate_account(user)
        audit.record("user.deactivated", user)
        db.session.commit()
        flash(f"{user.name} can no longer sign in.", "success")
    return redirect(url_for("admin.index") + "#staff")


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate(user_id: int):
    """Let a deactivated account sign in again."""
    user = user_for_admin(user_id)
    if PostForm().validate_on_submit() and not user.active:
        user.active = True
        audit.record("user.reactivated", user)
        db.session.commit()
        flash(f"{user.name} can sign in again.", "success")
    return redirect(url_for("admin.index") + "#staff")


@bp.route("/cases/reassign", methods=["POST"])
@roles_required(Role.ADMIN)
def reassign_chosen():
    """The one reassign form of the case list: the case is chosen in the form."""
    case_id = request.form.get("case", "")
    if not case_id.isdigit() or len(case_id) > 9:
        flash("Choose a case to reassign.", "danger")
        return redirect(url_for("admin.index") + "#cases")
    return reassign(int(case_id))


@bp.route("/cases/<int:case_id>/reassign", methods=["POST"])
@roles_required(Role.ADMIN)
def reassign(case_id: int):
    """Give a case to another counselor; the previous one loses access at once."""
    case = case_for_admin(case_id)
    form = ReassignForm()
    form.counselor.choices = [
        SelectChoice(str(c.id), c.name) for c in case_service.active_counselors()
    ]
    if form.validate_on_submit():
        try:
            counselor = case_service.reassign(case, form.counselor.data)
        except CaseRuleError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"“{case.label}” is now with {counselor.name}.", "success")
    else:
        flash("Choose an active counselor.", "danger")
    return redirect(url_for("admin.index") + "#cases")
