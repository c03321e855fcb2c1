"""The practice admin's consent texts: versions and how many signed each (metadata only)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.authz import roles_required
from app.extensions import db
from app.intake import bp, consents
from app.intake.forms import VersionForm
from app.models import ConsentKind, Role


@bp.route("/admin/consents")
@roles_required(Role.ADMIN)
def admin_consents():
    """Every version of every document, with its hash and its number of signatures."""
    return render_template(
        "intake/admin_consents.html",
        current=consents.current_documents(),
        versions=consents.version_overview(),
        labels=consents.KIND_LABELS,
        kinds=list(ConsentKind),
    )


@bp.route("/admin/consents/<kind>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_consent(kind: str):
    """Edit a text; saving a changed text publishes a new version clients sign at next visit."""
    try:
        consent_kind = ConsentKind(kind)
    except ValueError:
        abort(404)
    current = consents.current_documents().get(consent_kind)
    form = VersionForm()
    if not form.is_submitted():
        # A kind never published starts from the text shipped with the app, to adapt.
        title, text = (
            (current.title, current.text)
            if current is not None
            else consents.shipped_text(consent_kind)
        )
        form.title.data, form.text.data = title, text
    if form.validate_on_submit():
        try:
            document = consents.publish(
                consent_kind, form.title.data or "", form.text.data or "", current_user
            )
        except consents.ConsentError as exc:
            form.text.errors = [*form.text.errors, str(exc)]
        else:
            db.session.commit()
            if current is not None and document.id == current.id:
                flash("The text is unchanged, so no new version was made.", "info")
            else:
                flash("New version published. Clients sign it at their next visit.", "success")
            return redirect(url_for("intake.admin_consents"), code=303)
    return render_template(
        "intake/admin_edit.html",
        form=form,
        label=consents.KIND_LABELS[consent_kind],
        current=current,
    ), (422 if form.errors else 200)
