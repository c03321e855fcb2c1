"""The consent gate: a client with an unsigned current document signs it before anything else.

It runs after ``require_login`` on every request. It is off while the practice has published
no consent document, and never stands between the client and signing out, the signing pages
themselves, their signed PDFs, static files, the health check or the quick exit's page.
"""

from __future__ import annotations

from flask import jsonify, redirect, request, url_for
from flask_login import current_user

from app.errors import wants_json
from app.intake import bp, consents
from app.models import Role

REACHABLE = frozenset(
    {
        "static",
        "bootstrap.static",
        "main.healthz",
        "intake.consents",
        "intake.sign",
        "intake.signature_pdf",
        "intake.neutral",
        "pdfs.show",
        "pdfs.status",
        "pdfs.download",
    }
)


def _reachable(endpoint: str | None) -> bool:
    return endpoint is None or endpoint in REACHABLE or endpoint.startswith("auth.")


@bp.before_app_request
def consent_gate():
    """Send a client with documents to sign to the signing page."""
    if _reachable(request.endpoint):
        return None
    if not current_user.is_authenticated or current_user.role is not Role.CLIENT:
        return None
    if not consents.unsigned_cases(current_user):
        return None
    if wants_json():  # autosave: the script keeps the text and says why it was refused
        return jsonify(error="consent_required", message="Please sign your consent first."), 403
    return redirect(url_for("intake.consents"), code=303)
