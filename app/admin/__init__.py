"""Practice administration: accounts and case assignment, never clinical content."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import audit_routes, erasure, routes  # noqa: E402,F401
