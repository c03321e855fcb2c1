"""The client's home, and their answers to invitations to join a case."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.auth.forms import PostForm
from app.authz import deny, roles_required
from app.client import bp
from app.extensions import db
from app.models import Case, CaseMember, Role
from app.sections import CLIENT_HOME
from app.services import case_invitations
from app.services.case_invitations import NotYours


@bp.route("/me")
@roles_required(Role.CLIENT)
def home():
    """What to do next, for the signed-in client."""
    memberships = db.session.scalars(
        sa.select(CaseMember)
        .where(CaseMember.user_id == current_user.id, CaseMember.erased_at.is_(None))
        .options(joinedload(CaseMember.case).joinedload(Case.counselor))
        .order_by(CaseMember.joined_at.desc())
    ).all()
    sections = CLIENT_HOME.load(current_user, memberships)
    return render_template(
        "client/home.html",
        memberships=memberships,
        sections=sections,
        pending_invitations=case_invitations.pending_for(current_user),
        answer_form=PostForm(),
    )


@bp.route("/me/invitations/<int:invitation_id>/accept", methods=["POST"])
@roles_required(Role.CLIENT)
def accept_invitation(invitation_id: int):
    """Join the case the invitation names."""
    if PostForm().validate_on_submit():
        try:
            case = case_invitations.accept(invitation_id, current_user)
        except NotYours:
            deny(f"case invitation {invitation_id} (answer)")
        db.session.commit()
        flash(f"You joined “{case.label}”.", "success")
    return redirect(url_for("client.home"))


@bp.route("/me/invitations/<int:invitation_id>/decline", methods=["POST"])
@roles_required(Role.CLIENT)
def decline_invitation(invitation_id: int):
    """Say no: the client does not join the case, and nothing of theirs reaches it."""
    if PostForm().validate_on_submit():
        try:
            case_invitations.decline(invitation_id, current_user)
        except NotYours:
            deny(f"case invitation {invitation_id} (answer)")
        db.session.commit()
        flash("You declined the invitation. You are not part of that case.", "success")
    return redirect(url_for("client.home"))
