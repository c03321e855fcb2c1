"""``/`` sends each role home; ``/healthz`` reports whether the database answers."""

import sqlalchemy as sa
from flask import jsonify, redirect, url_for
from flask_login import current_user

from app.extensions import db
from app.main import bp
from app.models import Role

HOME_BY_ROLE = {
    Role.ADMIN: "admin.index",
    Role.COUNSELOR: "caseload.index",
    Role.CLIENT: "client.home",
}


@bp.route("/")
def index():
    """Redirect to the signed-in role's home page."""
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


@bp.route("/healthz")
def healthz():
    """Liveness and database reachability for load balancers and monitors."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", db="unreachable"), 503
    return jsonify(status="ok", db="ok")
