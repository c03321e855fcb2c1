"""The floor page F1: one indexed primary-key query and a tiny template (docs/performance.md).

Part of the benchmark only: ``bench.app.install`` registers it on the app the benchmark
serves; the product (``wsgi:app``) never has it.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template

from app.extensions import db
from app.models import Case

bp = Blueprint("bench", __name__, url_prefix="/bench", template_folder="templates")


@bp.route("/floor/<int:case_id>")
def floor(case_id: int):
    """The cheapest signed-in page there is, to measure every other page against."""
    label = db.session.scalar(sa.select(Case.label).where(Case.id == case_id))
    if label is None:
        abort(404)
    return render_template("bench/floor.html", label=label)
