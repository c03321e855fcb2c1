"""Forms of assigning a module to a case and of feedback on a partner's answers."""

from __future__ import annotations

from wtforms import (
    HiddenField,
    RadioField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.form_dates import DayField
from app.forms import BaseForm, RequiredSelectField
from app.practice_dates import practice_today


class AssignForm(BaseForm):
    """Give a module to both partners or one."""

    module = RequiredSelectField(
        "Module",
        coerce=int,
        placeholder="Choose a module…",
        validators=[DataRequired("Choose a module.")],
    )
    recipients = RadioField("Give it to", validators=[DataRequired("Choose who receives it.")])
    due_date = DayField(
        "Due date",
        validators=[Optional()],
        description="Optional. Clients see it as a gentle target.",
    )
    note = TextAreaField(
        "Note to clients",
        description="Optional. Clients see this above the exercises.",
        validators=[Length(max=2_000)],
        render_kw={"rows": 3},
    )
    request_key = HiddenField()
    submit = SubmitField("Assign module")

    def validate_due_date(self, field) -> None:
        if field.data and field.data < practice_today():
            raise ValidationError("Choose today or a later date.")


class FeedbackForm(BaseForm):
    """The counselor's feedback to one partner."""

    feedback = TextAreaField(
        "Feedback",
        description="This partner sees it on their exercises page.",
        validators=[Length(max=5_000)],
        render_kw={"rows": 4},
    )
    save = SubmitField("Save feedback")
    mark_reviewed = SubmitField("Save and mark reviewed")
