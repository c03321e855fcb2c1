"""Forms of the practice admin."""

from __future__ import annotations

from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length

from app.cases.forms import email_address
from app.forms import BaseForm, RequiredSelectField


class NewCounselorForm(BaseForm):
    """A counselor account; they choose their password through an invitation."""

    name = StringField("Name", validators=[DataRequired(message="Enter a name."), Length(max=120)])
    email = EmailField(
        "E-mail",
        validators=[
            DataRequired(message="Enter an e-mail address."),
            email_address,
            Length(max=254),
        ],
    )


class ReassignForm(BaseForm):
    """Give a case to another counselor."""

    counselor = RequiredSelectField(
        "New counselor",
        coerce=int,
        placeholder="Choose a counselor…",
        validators=[DataRequired("Choose a counselor.")],
    )
