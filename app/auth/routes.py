"""Sign in, sign out, change password."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit
from app.auth import bp
from app.auth.forms import ChangePasswordForm, LoginForm, PostForm
from app.auth.passwords import check_password
from app.auth.redirects import safe_next
from app.auth.services import (
    PasswordRejected,
    authenticate,
    end_session,
    set_password,
    start_session,
)
from app.auth.throttle import Refused, begin_login
from app.auth.totp import second_factor_pending
from app.extensions import db

LOGIN_FAILED = "That email and password do not match an active account."


def wait_message(refused: Refused) -> str:
    """How long to wait, in words, for a field's error message."""
    minutes = -(-refused.retry_after // 60)
    wait = f"{refused.retry_after} seconds" if refused.retry_after < 60 else f"{minutes} minutes"
    return f"Too many attempts for this account from here. Try again in {wait}."


def throttled(template: str, refused: Refused, **context):
    """The form again, with the wait on the field, as a 429 with ``Retry-After``."""
    audit.record("auth.login", outcome="denied", detail=f"throttled ({refused.reason})")
    response = render_template(template, throttled=True, **context)
    return response, 429, {"Retry-After": str(refused.retry_after)}


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; the same message for every kind of failure."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        attempt = begin_login(form.email.data)
        if isinstance(attempt, Refused):
            # Refused before the password is checked, so guessing gains nothing here.
            form.password.errors.append(wait_message(attempt))
            return throttled("auth/login.html", attempt, form=form)
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            attempt.failed()
            audit.record("auth.login", outcome="failed")
            form.password.errors.append(LOGIN_FAILED)
        else:
            attempt.succeeded()
            start_session(user)
            audit.record("auth.login", user, actor=user)
            db.session.commit()
            target = safe_next(form.next.data)
            if second_factor_pending(user):
                return redirect(url_for("auth.totp_verify", next=target or None))
            return redirect(target or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out: the login session is revoked server-side, so a copied cookie stops working."""
    form = PostForm()
    if form.validate_on_submit():
        audit.record("auth.logout", current_user)
        end_session(current_user)
        db.session.commit()
        flash("You are signed out.", "info")
    response = redirect(url_for("auth.login"))
    # Nothing readable stays on a shared device: the browser drops this site's local storage
    # (drafts included) even when the page's own clean-up did not run.
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    """Change one's own password; every other session of the account is signed out.

    The current-password check counts like a sign-in (a stolen session must not become a way
    to guess the password), and each wrong one is audited.
    """
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        attempt = begin_login(user.email)
        if isinstance(attempt, Refused):
            form.current.errors.append(wait_message(attempt))
            audit.record(
                "auth.password_check",
                user,
                outcome="denied",
                detail=f"throttled ({attempt.reason})",
            )
            response = render_template("auth/change_password.html", form=form)
            return response, 429, {"Retry-After": str(attempt.retry_after)}
        if not check_password(user.password_hash, form.current.data):
            attempt.failed()
            audit.record("auth.password_check", user, outcome="failed")
            form.current.errors.append("That is not your current password.")
        else:
            attempt.succeeded()
            try:
                set_password(user, form.password.data)
            except PasswordRejected as exc:
                form.password.errors.append(str(exc))
            else:
                start_session(user, second_factor_done=getattr(user, "second_factor_done", False))
                audit.record("auth.password_changed", user)
                db.session.commit()
                flash("Your password is changed. Other devices were signed out.", "success")
                return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)
