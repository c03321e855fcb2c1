"""Forms of the measures feature (answers themselves come as radio values, read by position)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.forms import clean_text
from app.measures import instruments as catalogue
from app.measures.schedule_rules import CADENCES_OFFERED


class ScheduleForm(FlaskForm):
    """The counselor gives a measure to the case or to one partner."""

    instrument = SelectField("Measure")
    who = SelectField("Who answers")
    cadence = SelectField(
        "When",
        choices=[SelectChoice(c.value, label) for c, label in CADENCES_OFFERED.items()],
    )
    share_results = BooleanField("Show each person their own results")
    request_key = HiddenField()

    def __init__(self, members, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instrument.choices = [
            SelectChoice(i.code, i.name) for i in catalogue.instruments().values()
        ]
        self.who.choices = [SelectChoice("all", "Every partner")] + [
            SelectChoice(str(m.user_id), m.user.name) for m in members
        ]


class PaperForm(FlaskForm):
    """Answers a client gave on paper, typed in by the counselor (radios read separately)."""

    who = SelectField("Whose answers")
    request_key = HiddenField()

    def __init__(self, members, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.who.choices = [SelectChoice(str(m.user_id), m.user.name) for m in members]


class AcknowledgeForm(FlaskForm):
    """What the counselor did about a safety flag."""

    action = TextAreaField(
        "What you did",
        validators=[
            DataRequired("Please say what you did (for example: called the client)."),
            Length(max=4000),
        ],
        filters=[clean_text],
    )
