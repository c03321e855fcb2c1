"""The counselor's caseload: dashboard and cases."""

from flask import Blueprint

bp = Blueprint("caseload", __name__)

from app.caseload import routes  # noqa: E402,F401
