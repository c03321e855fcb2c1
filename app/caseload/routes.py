"""The counselor's home: the caseload dashboard."""

from flask import render_template, request
from flask_login import current_user

from app.authz import roles_required
from app.caseload import bp
from app.cases.routes import STATUS_LABELS
from app.forms import clean_text
from app.measures.results import latest_csi
from app.models import Role
from app.services.caseload import STATUS_FILTERS, dashboard


@bp.route("/caseload")
@roles_required(Role.COUNSELOR)
def index():
    """The counselor's cases, most in need of attention first."""
    status = request.args.get("status", "open")
    if status not in STATUS_FILTERS:
        status = "open"
    # Control characters (NUL above all) cannot reach PostgreSQL; nobody types them anyway.
    search = clean_text(request.args.get("q", ""))[:100]
    page = request.args.get("page", 1, type=int) or 1
    result = dashboard(current_user, status=status, search=search, page=page)
    return render_template(
        "caseload/index.html",
        result=result,
        status=status,
        search=search,
        status_labels=STATUS_LABELS,
        latest_csi=latest_csi(current_user, [row.case for row in result.rows]),
    )
