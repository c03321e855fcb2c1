"""The admin erases one client (docs/security.md GD-2): find, confirm with the email and a reason."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from wtforms import EmailField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from app import audit
from app.admin import bp
from app.auth.services import normalise_email
from app.authz import client_for_erasure, roles_required
from app.extensions import db
from app.forms import BaseForm
from app.models import (
    Role,
)
from app.services import erasure as erasure_service


class FindClientForm(BaseForm):
    """Look a client up by email (posted, so the address stays out of URLs and logs)."""

    email = EmailField("Client's email", validators=[DataRequired(), Length(max=254)])
    submit = SubmitField("Find")


class EraseClientForm(BaseForm):
    """Confirm an erasure by typing the client's email again, with the reason for the record."""

    email = EmailField(
        "Type the client's email again to confirm",
        validators=[DataRequired(), Length(max=254)],
    )
    reason = TextAreaField(
        "Reason for the erasure",
        validators=[DataRequired(), Length(min=10, max=200)],
        description="For example: the client's written request of 27 Nov. Kept in the audit log. "
        "Do not write anything the client told you in counseling.",
    )
    submit = SubmitField("Erase this client permanently")

    def __init__(self, *args, expected_email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.expected_email = expected_email

    def validate_email(self, field) -> None:
        """The typed address must be the account's own."""
        if normalise_email(field.data or "") != self.expected_email:
            raise ValidationError("This is not the client's email. Check it and type it again.")


@bp.route("/erasure", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def erasure_index():
    """Find the client to erase."""
    form = FindClientForm()
    if form.validate_on_submit():
        user = erasure_service.client_by_email(normalise_email(form.email.data))
        if user is not None:
            return redirect(url_for(".erase_client", user_id=user.id))
        form.email.errors.append("No client account has this email.")
    return render_template("admin/erasure_find.html", form=form)


@bp.route("/erasure/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def erase_client(user_id: int):
    """Confirm and carry out the erasure of one client."""
    user = client_for_erasure(user_id)
    memberships = erasure_service.memberships_of(user)
    form = EraseClientForm(expected_email=user.email)
    if form.validate_on_submit():
        summary = erasure_service.erase_client(user)
        audit.record(
            "client.erased",
            user,
            detail=f"reason: {form.reason.data.strip()} | {summary.detail()}",
        )
        db.session.commit()
        erasure_service.compact_after_erasure()
        flash(
            "The client is erased: their writing is destroyed and their account anonymised. "
            "Their partner's data and the case's sessions and notes are kept.",
            "success",
        )
        return redirect(url_for(".erasure_index"))
    return render_template(
        "admin/erasure_confirm.html",
        user=user,
        memberships=memberships,
        counts=erasure_service.what_will_go(user),
        form=form,
    )
