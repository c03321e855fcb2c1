"""Forms of the appointment book: book, move, cancel, mark; the calendar feed's buttons."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.form_dates import ClockField, DayField
from app.forms import BaseForm
from app.models import AppointmentStatus, Modality
from app.sessions.forms import KIND_LABELS, MODALITY_LABELS, MultiCheckboxField

REPEAT_CHOICES = [
    SelectChoice("none", "Does not repeat"),
    SelectChoice("1", "Every week"),
    SelectChoice("2", "Every two weeks"),
]
END_CHOICES = [
    SelectChoice("count", "After a number of sessions"),
    SelectChoice("until", "On a date"),
]
OUTCOME_LABELS = {
    AppointmentStatus.ATTENDED: "Attended",
    AppointmentStatus.LATE_CANCELLED: "Late-cancelled",
    AppointmentStatus.NO_SHOW: "No-show",
}
STATUS_LABELS = {
    AppointmentStatus.BOOKED: "Booked",
    AppointmentStatus.CANCELLED: "Cancelled",
    **OUTCOME_LABELS,
}


class _When(BaseForm):
    date = DayField("Date", validators=[InputRequired("Choose the date of the session.")])
    time = ClockField("Start time", validators=[InputRequired("Choose the start time.")])
    duration_minutes = IntegerField(
        "Duration (minutes)",
        default=50,
        validators=[
            InputRequired("Enter the length in minutes."),
            NumberRange(5, 600, "Between 5 and 600 minutes."),
        ],
    )
    modality = SelectField(
        "Modality", choices=[SelectChoice(m.value, label) for m, label in MODALITY_LABELS.items()]
    )
    location = StringField(
        "Location",
        validators=[Optional(), Length(max=200, message="Keep the location under 200 characters.")],
        description="For in-person sessions: the room or address.",
    )
    video_url = StringField(
        "Video link",
        validators=[Optional(), Length(max=500, message="Keep the link under 500 characters.")],
        description="For video sessions: the https:// link the clients open.",
    )

    def validate_video_url(self, field: StringField) -> None:
        if self.modality.data == Modality.VIDEO.value:
            value = (field.data or "").strip()
            if not value.startswith("https://") or " " in value or len(value) < 12:
                raise ValidationError("Enter the video link, starting with https://.")
            field.data = value

    def validate_location(self, field: StringField) -> None:
        if self.modality.data == Modality.IN_PERSON.value and not (field.data or "").strip():
            raise ValidationError("Say where the session takes place.")


class BookForm(_When):
    """Book a session, or a recurring series of them."""

    kind = SelectField(
        "Kind", choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()]
    )
    expected = MultiCheckboxField("Who is expected", coerce=int, validate_choice=False)
    repeat = SelectField("Repeats", choices=REPEAT_CHOICES, default="none")
    ends = RadioField("Ends", choices=END_CHOICES, default="count")
    count = IntegerField(
        "Number of sessions",
        default=6,
        validators=[Optional(), NumberRange(2, 52, "Between 2 and 52 sessions.")],
    )
    until = DayField("Last date", validators=[Optional()])
    overlap_ok = BooleanField("Book it anyway (I know it overlaps)")
    request_key = HiddenField()

    def validate_until(self, field: DayField) -> None:
        if self.repeat.data != "none" and self.ends.data == "until":
            if field.data is None:
                raise ValidationError("Choose the date of the last session.")
            if self.date.data and field.data <= self.date.data:
                raise ValidationError("The last date comes after the first session.")
            if self.date.data and (field.data - self.date.data).days > 366:
                raise ValidationError("A series can run for at most a year.")

    def validate_count(self, field: IntegerField) -> None:
        if self.repeat.data != "none" and self.ends.data == "count" and field.data is None:
            raise ValidationError("Enter how many sessions (2 to 52).")


class RescheduleForm(_When):
    """Move a session (and, for a series, optionally the following ones)."""

    scope = RadioField(
        "Change",
        choices=[
            SelectChoice("one", "Only this session"),
            SelectChoice("following", "This and the following sessions"),
        ],
        default="one",
    )
    reason = StringField(
        "Reason (optional)",
        validators=[Optional(), Length(max=300, message="Keep the reason under 300 characters.")],
        description="Kept in the appointment's history. No clinical details.",
    )
    overlap_ok = BooleanField("Move it anyway (I know it overlaps)")


class CancelForm(BaseForm):
    """Cancel a session with a reason."""

    reason = TextAreaField(
        "Reason",
        validators=[
            InputRequired("Give a short reason (kept in the history, not sent to clients)."),
            Length(max=300, message="Keep the reason under 300 characters."),
        ],
    )
    late = BooleanField("Late cancellation")
    scope = RadioField(
        "Cancel",
        choices=[
            SelectChoice("one", "Only this session"),
            SelectChoice("following", "This and the following sessions"),
        ],
        default="one",
    )


class MarkForm(BaseForm):
    """How a session went."""

    status = SelectField(
        "Outcome", choices=[SelectChoice(s.value, label) for s, label in OUTCOME_LABELS.items()]
    )
