"""Answer forms, one per exercise kind.

"Save for later" keeps a draft and accepts incomplete answers; "Send" checks that the answer
is complete. Either way, lengths are limited and bad values get a message next to the field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import (
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.form_dates import DayField
from app.forms import BaseForm
from app.models import Exercise, ExerciseKind
from app.policy import ANSWER
from app.practice_dates import practice_today
from app.services.responses import ANSWER_FIELDS, VISIBILITY_LABELS


class AnswerForm(BaseForm):
    """What every answer form has: who may read it, and how it is sent."""

    visibility = RadioField(
        "Who can read this answer?",
        choices=[SelectChoice(v.value, label) for v, label in VISIBILITY_LABELS.items()],
        default=ANSWER.default.value,
    )
    version = HiddenField()
    draft_seq = HiddenField()
    save_draft = SubmitField("Save for later")
    send = SubmitField("Send")

    @property
    def sending(self) -> bool:
        """True for "Send", False for "Save for later"."""
        return bool(self.send.data)

    def require(self, field, message: str) -> None:
        """Refuse an empty value, but only when sending."""
        if self.sending and not (field.data or "").strip():
            raise ValidationError(message)

    def answer(self) -> dict[str, Any]:
        """The answer as stored (JSON), keyed as in ``ANSWER_FIELDS``."""
        result: dict[str, Any] = {}
        for name in ANSWER_FIELDS[self.kind]:
            value = getattr(self, name).data
            if isinstance(value, date):
                value = value.isoformat()
            elif name == "value":
                value = int(value) if value not in (None, "", "None") else None
            elif name == "checked":
                value = list(value or [])
            result[name] = value if value is not None or name == "value" else ""
        return result

    @classmethod
    def data_from_answer(cls, answer: dict[str, Any] | None) -> dict[str, Any]:
        """Form data for an existing answer (dates back to ``date``)."""
        data = dict(answer or {})
        for name, value in list(data.items()):
            if name.endswith("_date"):
                try:
                    data[name] = date.fromisoformat(value) if value else None
                except (TypeError, ValueError):
                    data[name] = None
            elif name == "value" and value is not None:
                data[name] = str(value)
        return data

    kind: ExerciseKind


class ReflectionForm(AnswerForm):
    """Free-text reflection."""

    kind = ExerciseKind.REFLECTION
    text = TextAreaField("Your answer", validators=[Length(max=20_000)], render_kw={"rows": 10})

    def validate_text(self, field) -> None:
        self.require(field, "Write a few words before you send this.")


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a list of choices."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChecklistForm(AnswerForm):
    """Tick what applies, with an optional note."""

    kind = ExerciseKind.CHECKLIST
    checked = MultiCheckboxField("Tick what applies to you", choices=[])
    note = TextAreaField(
        "Anything you would like to add? (optional)",
        validators=[Length(max=2_000)],
        render_kw={"rows": 3},
    )


class ScaleForm(AnswerForm):
    """A number from 0 to 10 with labelled ends."""

    kind = ExerciseKind.SCALE
    value = RadioField(
        "Your number",
        choices=[SelectChoice(str(i), str(i)) for i in range(11)],
        validate_choice=False,
    )
    note = TextAreaField(
        "Anything you would like to add? (optional)",
        validators=[Length(max=2_000)],
        render_kw={"rows": 3},
    )

    def validate_value(self, field) -> None:
        if field.data in (None, "", "None"):
            field.data = None
            if self.sending:
                raise ValidationError("Choose a number from 0 to 10.")
            return
        if not str(field.data).isdigit() or not 0 <= int(field.data) <= 10:
            raise ValidationError("Choose a number from 0 to 10.")


class GoalPlanForm(AnswerForm):
    """A goal, its steps and a target date."""

    kind = ExerciseKind.GOAL_PLAN
    goal = StringField("My goal", validators=[Length(max=500)])
    steps = TextAreaField(
        "Small steps towards it",
        description="One step per line.",
        validators=[Length(max=5_000)],
        render_kw={"rows": 5},
    )
    target_date = DayField("Target date", validators=[Optional()])

    def validate_goal(self, field) -> None:
        self.require(field, "Write down your goal.")

    def validate_steps(self, field) -> None:
        self.require(field, "Add at least one small step.")

    def validate_target_date(self, field) -> None:
        if field.data is None:
            if self.sending:
                raise ValidationError("Choose a target date.")
            return
        if self.sending and field.data < practice_today():
            raise ValidationError("Choose today or a later date.")


class ConversationPlannerForm(AnswerForm):
    """Topic, an "I" statement, and what I need to hear."""

    kind = ExerciseKind.CONVERSATION_PLANNER
    topic = StringField("Topic", validators=[Length(max=300)])
    i_statement = TextAreaField(
        'My "I" statement',
        description='For example: "I feel … when … because …"',
        validators=[Length(max=2_000)],
        render_kw={"rows": 3},
    )
    need_to_hear = TextAreaField(
        "What I need to hear", validators=[Length(max=2_000)], render_kw={"rows": 3}
    )

    def validate_topic(self, field) -> None:
        self.require(field, "Name the topic in a few words.")

    def validate_i_statement(self, field) -> None:
        self.require(field, 'Write your "I" statement.')

    def validate_need_to_hear(self, field) -> None:
        self.require(field, "Write what you need to hear.")


class SpaceCommitmentForm(AnswerForm):
    """A period of space with start and end dates and a short daily check-in."""

    kind = ExerciseKind.SPACE_COMMITMENT
    start_date = DayField("From", validators=[Optional()])
    end_date = DayField("Until", validators=[Optional()])
    checkin = TextAreaField(
        "Daily check-in",
        description="A line or two each day about how you are doing.",
        validators=[Length(max=5_000)],
        render_kw={"rows": 6},
    )

    def validate_start_date(self, field) -> None:
        if self.sending and field.data is None:
            raise ValidationError("Choose the first day of the period.")

    def validate_end_date(self, field) -> None:
        if field.data is None:
            if self.sending:
                raise ValidationError("Choose the last day of the period.")
            return
        if self.start_date.data and field.data <= self.start_date.data:
            raise ValidationError("The end date must be after the start date.")


FORMS: dict[ExerciseKind, type[AnswerForm]] = {
    form.kind: form
    for form in (
        ReflectionForm,
        ChecklistForm,
        ScaleForm,
        GoalPlanForm,
        ConversationPlannerForm,
        SpaceCommitmentForm,
    )
}


def answer_form(exercise: Exercise, **kwargs) -> AnswerForm:
    """The answer form for ``exercise``, with its kind-specific choices."""
    form = FORMS[exercise.kind](**kwargs)
    if exercise.kind is ExerciseKind.CHECKLIST:
        items = (exercise.config or {}).get("items", [])
        form.checked.choices = [SelectChoice(item, item) for item in items]
    return form
