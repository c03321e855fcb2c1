"""The client's home."""

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.authz import roles_required
from app.client import bp
from app.extensions import db
from app.models import Case, CaseMember, Role
from app.sections import CLIENT_HOME


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
    return render_template("client/home.html", memberships=memberships, sections=sections)
