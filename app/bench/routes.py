"""The floor page F1: one indexed primary-key query and a tiny template (PERFORMANCE.md)."""

import sqlalchemy as sa
from flask import abort, render_template

from app.bench import bp
from app.extensions import db
from app.models import Case


@bp.route("/floor/<int:case_id>")
def floor(case_id: int):
    """The cheapest signed-in page there is, to measure every other page against."""
    label = db.session.scalar(sa.select(Case.label).where(Case.id == case_id))
    if label is None:
        abort(404)
    return render_template("bench/floor.html", label=label)
