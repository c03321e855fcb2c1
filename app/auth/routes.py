"""Sign in, sign out, change password."""

from flask import abort, flash, redirect, render_template, request, url_for
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
from app.auth.throttle import login_blocked, record_login_failure
from app.auth.totp import second_factor_pending
from app.extensions import db

LOGIN_FAILED = "That email and password do not match an active account."


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; the same message for every kind of failure."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        if login_blocked(form.email.data):
            # Refused before the password is checked, so guessing gains nothing here.
            audit.record("auth.login", outcome="denied", detail="throttled")
            db.session.commit()
            abort(429)
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            record_login_failure(form.email.data)
            audit.record("auth.login", outcome="failed")
            form.password.errors.append(LOGIN_FAILED)
            db.session.commit()
        else:
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
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    """Change one's own password; every other session of the account is signed out."""
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if not check_password(user.password_hash, form.current.data):
            form.current.errors.append("That is not your current password.")
        else:
            try:
                set_password(user, form.password.data)
            except PasswordRejected as exc:
                form.password.errors.append(str(exc))
            else:
                start_session(
                    user, second_factor_done=getattr(user, "second_factor_done", False)
                )
                audit.record("auth.password_changed", user)
                db.session.commit()
                flash("Your password is changed. Other devices were signed out.", "success")
                return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)
