"""Forms of the journal: one per use case."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.form_dates import DayField
from app.forms import BaseForm
from app.policy import JOURNAL, audience_labels
from app.services.journal import MAX_BODY, MAX_TITLE, MOOD_WORDS

MOODS = [SelectChoice(str(n), f"{n} · {w}") for n, w in MOOD_WORDS.items()]
#: ``{visibility value: label}``, the policy's wording for journal entries.
VISIBILITY_LABELS = audience_labels(JOURNAL)
VISIBILITY_CHOICES = [SelectChoice(v, label) for v, label in VISIBILITY_LABELS.items()]


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class EntryFields(BaseForm):
    """The text of an entry, shared by the new and edit forms."""

    title = StringField(
        "Title",
        validators=[Optional(), Length(max=MAX_TITLE, message="Please keep the title shorter.")],
        description="Optional.",
    )
    body = TextAreaField(
        "What is on your mind?",
        validators=[
            DataRequired(message="Write a few words before saving."),
            Length(
                max=MAX_BODY,
                message=f"This entry is longer than {MAX_BODY:,} characters, the most one entry "
                "can hold. Your text is still here: shorten it or split it into two entries.",
            ),
        ],
        description="Plain text; line breaks are kept. Drafts save themselves as you write.",
        render_kw={"rows": 14},
    )
    mood = SelectField(
        "Mood", choices=[SelectChoice("", "Not now"), *MOODS], default="", validate_choice=True
    )
    tags = StringField(
        "Tags",
        validators=[Optional(), Length(max=1000, message="Please use fewer or shorter tags.")],
        description="Optional, separated by commas, for example: weekend, listening.",
    )
    exercise_response_id = SelectField(
        "Linked exercise",
        choices=[SelectChoice("", "None")],
        coerce=_optional_int,
        default=None,
        description="Optional: an exercise of yours this entry is about.",
    )
    version = HiddenField()
    request_key = HiddenField()

    def mood_value(self) -> int | None:
        """The chosen mood, or None."""
        return int(self.mood.data) if self.mood.data else None


class NewEntryForm(EntryFields):
    """Write a new entry and choose who may read it."""

    visibility = RadioField(
        "Who can read this entry",
        choices=VISIBILITY_CHOICES,
        default=JOURNAL.default.value,
        validators=[DataRequired(message="Choose who can read this entry.")],
        description="You can change this at any time.",
    )
    submit = SubmitField("Save entry")


class EditEntryForm(EntryFields):
    """Change an entry's text (sharing is changed on the entry's page)."""

    # Set by autosave.js on submit: the newest edit this editor made, so Save forgets the edit
    # kept on the server only when it is not newer than what is being saved.
    autosave_seq = HiddenField()
    submit = SubmitField("Save changes")


class ShareForm(BaseForm):
    """Change who may read an entry."""

    visibility = RadioField(
        "Who can read this entry",
        choices=VISIBILITY_CHOICES,
        validators=[DataRequired(message="Choose who can read this entry.")],
    )
    submit = SubmitField("Update sharing")


class CommentForm(BaseForm):
    """A counselor's comment on a shared entry."""

    body = TextAreaField(
        "Your comment",
        validators=[
            DataRequired(message="Write a comment before sending."),
            Length(max=10_000, message="Please keep a comment under 10,000 characters."),
        ],
        description="The author will see it; their partner too if the entry is shared with them.",
        render_kw={"rows": 4},
    )
    request_key = HiddenField()  # a double click adds one comment (docs/security.md RE-4)
    submit = SubmitField("Add comment")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.request_key.data:
            self.request_key.data = secrets.token_urlsafe(24)


FIRST_SEARCH_DAY = date(1900, 1, 1)
LAST_SEARCH_DAY = date(2999, 12, 31)


def _plausible_day(form, field) -> None:
    """A day a journal can hold: far dates are typos (or probes), not searches."""
    if field.data and not FIRST_SEARCH_DAY <= field.data <= LAST_SEARCH_DAY:
        raise ValidationError(
            f"Choose a date between {FIRST_SEARCH_DAY.year} and {LAST_SEARCH_DAY.year}."
        )


class SearchForm(BaseForm):
    """Search and filters of a journal list, posted so that no word lands in an address."""

    q = StringField("Words", validators=[Optional(), Length(max=200)])
    tag = StringField("Tag", validators=[Optional(), Length(max=40)])
    mood = SelectField("Mood", choices=[SelectChoice("", "Any"), *MOODS], default="")
    since = DayField("From", validators=[Optional(), _plausible_day])
    until = DayField("To", validators=[Optional(), _plausible_day])

    def validate_until(self, field) -> None:
        """The range must not end before it starts."""
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end date is before the start date.")
