"""The counselor's home."""

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.authz import roles_required
from app.caseload import bp
from app.extensions import db
from app.models import Case, CaseMember, Role


@bp.route("/caseload")
@roles_required(Role.COUNSELOR)
def index():
    """The counselor's cases."""
    cases = db.session.scalars(
        sa.select(Case)
        .where(Case.counselor_id == current_user.id)
        .options(selectinload(Case.members).joinedload(CaseMember.user))
        .order_by(Case.updated_at.desc())
    ).all()
    return render_template("caseload/index.html", cases=cases)
