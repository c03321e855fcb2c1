"""Forms of the sessions feature: one per use case."""

from __future__ import annotations

from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.form_dates import ClockField, DayField
from app.forms import BaseForm, RequiredSelectField
from app.models import Modality, NoteFormat, SessionKind
from app.services.checkins import ITEMS
from app.services.sessions import CLIENT_SECTIONS, NOTE_FORMATS, SECTION_MAX

MODALITY_LABELS = {
    Modality.IN_PERSON: "In person",
    Modality.VIDEO: "Video",
    Modality.PHONE: "Phone",
}
KIND_LABELS = {SessionKind.JOINT: "Joint (both partners)", SessionKind.INDIVIDUAL: "Individual"}


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multiple choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SessionForm(BaseForm):
    """Record or edit a session."""

    date = DayField("Date", validators=[InputRequired("Choose the date of the session.")])
    time = ClockField("Start time", validators=[InputRequired("Choose when the session started.")])
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
    kind = SelectField(
        "Kind", choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()]
    )
    attendees = MultiCheckboxField("Who attended", coerce=int, validate_choice=False)
    request_key = HiddenField()


def _section_fields() -> dict[str, TextAreaField]:
    keys: dict[str, str] = {}
    for sections in NOTE_FORMATS.values():
        for section in sections:
            keys.setdefault(section.key, section.label)
    for section in CLIENT_SECTIONS:
        keys[section.key] = section.label
    return {
        key: TextAreaField(
            label,
            validators=[
                Optional(),
                Length(max=SECTION_MAX, message=f"Keep this under {SECTION_MAX:,} characters."),
            ],
        )
        for key, label in keys.items()
    }


NoteForm = type(
    "NoteForm",
    (BaseForm,),
    {
        "__doc__": "The draft note: every section any format has, plus the client-facing ones.",
        "version": HiddenField(),
        **_section_fields(),
    },
)


class NoteFormatForm(BaseForm):
    """Change the format of a draft note."""

    format = SelectField(
        "Note format", choices=[SelectChoice(f.value, f.value) for f in NoteFormat]
    )


class SignForm(BaseForm):
    """Sign the note as it was saved (the version guards against signing unseen changes)."""

    version = HiddenField()


class AmendmentForm(BaseForm):
    """A dated amendment to a signed note."""

    body = TextAreaField(
        "Amendment",
        validators=[
            DataRequired("Write the amendment before adding it."),
            Length(max=SECTION_MAX, message=f"Keep this under {SECTION_MAX:,} characters."),
        ],
        description="Dated and shown below the signed note; the original stays as it was.",
    )
    # A signed session's journal entries change only here, with the amendment that explains it.
    entries = MultiCheckboxField("Journal entries discussed", coerce=int, validate_choice=False)
    entries_shown = HiddenField()


class ProcessNoteForm(BaseForm):
    """The counselor's private process note."""

    body = TextAreaField(
        "Process notes (only you can see these)",
        validators=[
            Optional(),
            Length(max=SECTION_MAX, message=f"Keep this under {SECTION_MAX:,} characters."),
        ],
        description="Stored apart from the session note. Never in a summary, export or report.",
    )
    version = HiddenField()


class PicksForm(BaseForm):
    """Shared journal entries discussed in the session."""

    entries = MultiCheckboxField("Journal entries discussed", coerce=int, validate_choice=False)


class ReviewedForm(BaseForm):
    """Assignments reviewed in the session."""

    assignments = MultiCheckboxField("Reviewed in this session", coerce=int, validate_choice=False)


class HomeworkForm(BaseForm):
    """Assign a module as homework from the session page."""

    module_version = RequiredSelectField(
        "Module",
        coerce=int,
        placeholder="Choose a module…",
        validators=[InputRequired("Choose a module.")],
    )
    recipients = MultiCheckboxField("For", coerce=int, validate_choice=False)
    due_date = DayField("Due date", validators=[Optional()])
    # Its own id: the session page's note section is id="note".
    note = TextAreaField(
        "Note for the couple",
        id="homework-note",
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    request_key = HiddenField()


def _scale(item) -> RadioField:
    return RadioField(
        item.question,
        choices=[SelectChoice(n, str(n)) for n in range(11)],
        coerce=int,
        validators=[InputRequired("Please choose a number from 0 to 10.")],
        description=f"0 = {item.low}, 10 = {item.high}",
    )


CheckInForm = type(
    "CheckInForm",
    (BaseForm,),
    {
        "__doc__": "The four check-in questions, 0 to 10.",
        "request_key": HiddenField(),
        **{item.key: _scale(item) for item in ITEMS},
    },
)
