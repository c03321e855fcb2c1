"""Forms of the cases blueprint: one per use case."""

from __future__ import annotations

import secrets

from email_validator import EmailNotValidError, validate_email
from wtforms import EmailField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.forms import BaseForm, RequiredSelectField
from app.models import CaseKind


def email_address(form, field) -> None:
    """A syntactically valid address; reserved test domains are allowed (demo, tests)."""
    if not field.data:
        return
    try:
        validate_email(field.data.strip(), check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise ValidationError("This does not look like an e-mail address.") from None


NAME_HELP = "As the person likes to be called; they see it too."


class NewCaseForm(BaseForm):
    """A case with one or two members."""

    label = StringField(
        "Case label",
        validators=[DataRequired(message="Give the case a label."), Length(max=120)],
        description="Shown on your caseload and to the clients, e.g. “Rivera couple”.",
    )
    kind = RadioField(
        "Kind of case",
        choices=[
            SelectChoice(CaseKind.COUPLE.value, "Couple"),
            SelectChoice(CaseKind.INDIVIDUAL.value, "Individual"),
        ],
        default=CaseKind.COUPLE.value,
        validators=[DataRequired(message="Choose couple or individual.")],
    )
    a_name = StringField(
        "Name",
        validators=[DataRequired(message="Enter a name."), Length(max=120)],
        description=NAME_HELP,
    )
    a_email = EmailField(
        "E-mail",
        validators=[
            DataRequired(message="Enter an e-mail address."),
            email_address,
            Length(max=254),
        ],
    )
    # No Optional(): it would stop the chain before the couple-only checks below run.
    b_name = StringField("Name", validators=[Length(max=120)], description=NAME_HELP)
    b_email = EmailField(
        "E-mail",
        validators=[
            email_address,
            Length(max=254),
        ],
    )
    request_key = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.request_key.data:
            self.request_key.data = secrets.token_urlsafe(24)

    @property
    def is_couple(self) -> bool:
        """True when the second partner's fields count."""
        return self.kind.data == CaseKind.COUPLE.value

    def validate_b_name(self, field) -> None:
        if self.is_couple and not (field.data or "").strip():
            raise ValidationError("Enter the second partner's name.")

    def validate_b_email(self, field) -> None:
        if self.is_couple and not (field.data or "").strip():
            raise ValidationError("Enter the second partner's e-mail address.")


class StatusForm(BaseForm):
    """Move a case to another status."""

    # Its own id: the case page's "Status" section is id="status" (links point at #status).
    status = RequiredSelectField(
        "New status", id="new-status", placeholder="Choose a status…", validators=[DataRequired()]
    )
    reason = TextAreaField(
        "Note (optional)",
        validators=[Optional(), Length(max=500)],
        description="Why, in a few words. Kept in the status history.",
        render_kw={"rows": 2, "maxlength": 500},
    )


class ReopenForm(BaseForm):
    """Reopen a closed case."""

    reason = TextAreaField(
        "Why is the case reopened?",
        validators=[DataRequired(message="Please say why the case is reopened."), Length(max=500)],
        render_kw={"rows": 2, "maxlength": 500},
    )
