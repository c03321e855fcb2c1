"""``/invite/<token>``: accept an invitation by choosing a password, then land on one's home."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app import audit
from app.auth import bp
from app.auth.forms import SetPasswordForm
from app.auth.services import PasswordRejected, start_session
from app.extensions import db
from app.services import invitations
from app.services.invitations import InvitationUnusable


def _unusable(state: str):
    audit.record("invitation.refused", outcome="denied", detail=state)
    code = 404 if state == "unknown" else 410
    return render_template("auth/invitation_unusable.html", state=state), code


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Choose a password with a one-time link; used, expired or withdrawn links get a clear page."""
    try:
        invitation, user = invitations.usable(token)
    except InvitationUnusable as refused:
        if refused.state == "answer_signed_in":
            # An account already in use answers on its home page, after signing in as itself.
            if current_user.is_authenticated and current_user.is_staff:
                return redirect(url_for("main.index"))  # staff have no client home to go to
            return redirect(url_for("client.home") + "#invitations")
        return _unusable(refused.state)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept(token, form.password.data)
        except PasswordRejected as problem:
            db.session.rollback()
            form.password.errors.append(str(problem))
        except InvitationUnusable as refused:
            db.session.rollback()
            return _unusable(refused.state)
        else:
            start_session(user)
            audit.record("auth.login", user, actor=user, detail="invitation accepted")
            db.session.commit()
            flash(
                "Welcome. Your password is set and you are signed in. What comes next: the "
                "exercises your counselor gives you appear under “What to do next”, and your "
                "journal stays private until you choose to share an entry.",
                "success",
            )
            return redirect(url_for("main.index"))
    # The name the inviting counselor typed: an account made by someone else's invitation
    # must not show this holder of the link the name another counselor gave it.
    return render_template(
        "auth/invitation.html", form=form, invitee=user, greeting_name=invitation.invitee_name
    )
