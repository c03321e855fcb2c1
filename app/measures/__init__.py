"""Validated measures (CSI-4, CSI-16, PHQ-9, GAD-7): scheduling, answering, trends, safety."""

from flask import Blueprint

bp = Blueprint("measures", __name__)

from app.measures import client_routes, routes  # noqa: E402,F401


@bp.app_template_global("measures_in_client_copy")
def measures_in_client_copy(session_id: int) -> bool:
    """Whether the counselor chose to show measures in this session's client copy."""
    from app.measures.summary import included_id

    return included_id(session_id)
