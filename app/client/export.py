"""The client downloads a copy of their own data: a page, the JSON file and the PDF (GD-1)."""

from __future__ import annotations

import json

from flask import current_app, render_template
from flask_login import current_user

from app import audit
from app.authz import roles_required
from app.client import bp
from app.models import Role, utcnow
from app.pdf import documents
from app.pdf import views as pdf_views
from app.services.export import build_export, summary


def _download(body: bytes | str, mimetype: str, extension: str):
    response = current_app.response_class(body, mimetype=mimetype)
    filename = f"rekindle-my-data-{utcnow().date().isoformat()}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/me/export")
@roles_required(Role.CLIENT)
def export_page():
    """What the copy holds, with the two download buttons."""
    return render_template("dataprotection/export.html")


@bp.route("/me/export.json")
@roles_required(Role.CLIENT)
def export_json():
    """Everything the client wrote and may see, as one JSON file."""
    data = build_export(current_user)
    audit.record("export.json", current_user, detail=summary(data))
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _download(text.encode(), "application/json", "json")


@bp.route("/me/export.pdf")
@roles_required(Role.CLIENT)
def export_pdf():
    """The same data as a readable PDF, rendered in the job queue (PDF-4)."""
    return pdf_views.respond(
        documents.EXPORT,
        title="A copy of your data",
        filename=f"rekindle-my-data-{utcnow().date().isoformat()}.pdf",
    )
