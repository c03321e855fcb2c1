"""The admin's home."""

import sqlalchemy as sa
from flask import render_template

from app.admin import bp
from app.authz import roles_required
from app.extensions import db
from app.models import Case, Role, User


@bp.route("")
@roles_required(Role.ADMIN)
def index():
    """Staff accounts and how many cases each counselor holds (metadata only)."""
    case_counts = (
        sa.select(Case.counselor_id, sa.func.count(Case.id).label("cases"))
        .group_by(Case.counselor_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(User, sa.func.coalesce(case_counts.c.cases, 0))
        .outerjoin(case_counts, case_counts.c.counselor_id == User.id)
        .where(User.role.in_([Role.ADMIN, Role.COUNSELOR]))
        .order_by(User.role, User.name)
    ).all()
    return render_template("admin/index.html", staff=rows)
