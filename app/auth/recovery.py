"""Getting back in (docs/security.md AU-5, AU-6): password reset and sign-in links by e-mail.

Anyone may ask for a link for an address; the page answers the same whether or not an account
uses it, and the e-mail goes out after the response is sent, so the answer takes about as long
either way. Staff start resets too: the admin for staff, a counselor for a client of their case.
Either way the link goes only to the account's own address: nobody else sees it or the password.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user

from app import audit, mail
from app.auth import bp
from app.auth import links as link_service
from app.auth.forms import EmailForm, PostForm, SetPasswordForm
from app.auth.services import PasswordRejected, find_user, start_session
from app.auth.throttle import link_request_allowed, remember_address
from app.auth.totp import second_factor_pending
from app.authz import case_for_counselor, member_for_counselor, roles_required, user_for_admin
from app.extensions import db
from app.models import Role, User


def _after_response(send: Callable[[], bool]) -> None:
    """Send the e-mail once the response has gone out (WSGI servers close it after sending)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    @after_this_request
    def _later(response):
        def run() -> None:
            with app.app_context():
                send()

        response.call_on_close(run)
        return response


def _request_link(email: str, purpose: str) -> None:
    """Issue and (later) e-mail a link when the address belongs to an account that may have one."""
    action = f"auth.{purpose}_link_requested"
    if not link_request_allowed(email):
        audit.record(action, outcome="denied", detail="throttled")
        return
    user = find_user(email)
    if not link_service.may_receive(user):
        audit.record(action, outcome="failed", detail="no active account with a password")
        return
    token = link_service.issue(user, purpose)
    db.session.commit()
    _after_response(link_service.sender(user, token, purpose))


def _link_request_page(purpose: str):
    form = EmailForm()
    if form.validate_on_submit():
        _request_link(form.email.data, purpose)
        minutes = (
            link_service.RESET_MINUTES
            if purpose == link_service.RESET
            else link_service.SIGN_IN_MINUTES
        )
        return render_template(
            "auth/link_sent.html", purpose=purpose, email=form.email.data, minutes=minutes
        )
    return render_template("auth/link_request.html", form=form, purpose=purpose)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a password-reset link."""
    return _link_request_page(link_service.RESET)


@bp.route("/login/email", methods=["GET", "POST"])
def request_sign_in_link():
    """Ask for a sign-in link (the way in while password attempts are being slowed down)."""
    return _link_request_page(link_service.SIGN_IN)


def _unusable(purpose: str):
    audit.record(f"auth.{purpose}_link_refused", outcome="denied")
    return render_template("auth/link_unusable.html", purpose=purpose), 410


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password with a reset link; every session of the account ends."""
    try:
        _, user = link_service.usable(token, link_service.RESET)
    except link_service.LinkUnusable:
        return _unusable(link_service.RESET)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            link_service.reset_password(token, form.password.data)
        except PasswordRejected as problem:
            db.session.rollback()
            form.password.errors.append(str(problem))
        except link_service.LinkUnusable:
            db.session.rollback()
            return _unusable(link_service.RESET)
        else:
            db.session.commit()
            flash(
                "Your password is changed and every device was signed out. Sign in with it.",
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, account=user)


@bp.route("/login/email/<token>", methods=["GET", "POST"])
def sign_in_link(token: str):
    """Sign in with an e-mailed link. GET only asks, so mail scanners opening links spend nothing."""
    try:
        _, user = link_service.usable(token, link_service.SIGN_IN)
    except link_service.LinkUnusable:
        return _unusable(link_service.SIGN_IN)
    form = PostForm()
    if form.validate_on_submit():
        try:
            user = link_service.sign_in_with(token)
        except link_service.LinkUnusable:
            db.session.rollback()
            return _unusable(link_service.SIGN_IN)
        start_session(user)
        remember_address(user.email)
        audit.record("auth.login", user, actor=user, detail="sign-in link")
        db.session.commit()
        if second_factor_pending(user):
            return redirect(url_for("auth.totp_verify"))
        return redirect(url_for("main.index"))
    return render_template("auth/sign_in_link.html", form=form, account=user)


# --- resets started by staff: the link goes to the account holder only ---


def _send_reset_for(user: User) -> None:
    """Issue a reset link for ``user`` and e-mail it; the staff member is told what happened."""
    token = link_service.issue(user, link_service.RESET, created_by=current_user)
    db.session.commit()
    sent = link_service.sender(user, token, link_service.RESET, sent_by=current_user.name)()
    if sent and mail.to_files():
        flash(
            "No mail server is set up, so the reset link was saved in the server's "
            "instance/mail/ folder instead of being e-mailed.",
            "warning",
        )
    elif sent:
        flash(
            f"A password reset link was e-mailed to {user.name}. It works once, for "
            f"{link_service.RESET_MINUTES} minutes.",
            "success",
        )
    else:
        flash("The e-mail could not be sent. Please try again later.", "danger")


@bp.route("/admin/users/<int:user_id>/password-reset", methods=["POST"])
@roles_required(Role.ADMIN)
def staff_password_reset(user_id: int):
    """The admin e-mails a staff member a reset link."""
    user = user_for_admin(user_id)
    if PostForm().validate_on_submit():
        if user.role is Role.CLIENT or not link_service.may_receive(user):
            flash(
                "This account cannot get a reset link (it has no password yet, or is off).",
                "danger",
            )
        else:
            _send_reset_for(user)
    return redirect(url_for("admin.index") + "#staff")


@bp.route("/cases/<int:case_id>/members/<int:member_id>/password-reset", methods=["POST"])
@roles_required(Role.COUNSELOR)
def client_password_reset(case_id: int, member_id: int):
    """A counselor e-mails a client of their case a reset link; they never see it."""
    case = case_for_counselor(case_id)
    member = member_for_counselor(case, member_id)
    if PostForm().validate_on_submit():
        user = db.session.get(User, member.user_id)
        if member.erased_at is not None or not link_service.may_receive(user):
            flash("This client has no password yet: send a new invitation link instead.", "danger")
        else:
            _send_reset_for(user)
    return redirect(url_for("cases.detail", case_id=case.id) + "#members")
