"""Intake for two: consent each partner signs, the case's confidentiality policy, and the
private safety check with its quick exit (docs/security.md "Intake and safety")."""

from flask import Blueprint

bp = Blueprint("intake", __name__)

from app.intake import (  # noqa: E402,F401
    admin_routes,
    client_routes,
    counselor_routes,
    documents,
    gate,
    notifications,
)
