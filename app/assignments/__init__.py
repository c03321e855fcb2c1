"""Assignments: a strategy module given to a case, each partner's answers, the counselor's review."""

from flask import Blueprint

bp = Blueprint("assignments", __name__)

from app.assignments import routes  # noqa: E402,F401
