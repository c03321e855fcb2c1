"""The notification preferences form: one choice per kind, quiet hours, time zone, discreet."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from app.form_dates import ClockField
from app.forms import BaseForm
from app.notifications import KindPreference, Preferences, time_zone_names
from app.practice_dates import TIME_MESSAGE

#: What a person may choose for a kind that can be switched off.
WHEN_CHOICES = [
    SelectChoice("immediate", "Straight away"),
    SelectChoice("digest", "In my daily summary"),
    SelectChoice("off", "Off"),
]

ZONE_MESSAGE = "Choose a time zone from the list, written like Europe/London or America/New_York."


def field_name(code: str) -> str:
    """The form field of a kind (``assignments.new`` → ``kind_assignments_new``)."""
    return "kind_" + code.replace(".", "_").replace("-", "_")


def _chosen(form: BaseForm, field: SelectField) -> None:
    """A choice is needed, but a kind added since the page was opened keeps its current one
    (so no ``required`` attribute: every option is a real choice, none is a placeholder)."""
    if not field.data:
        raise ValidationError("Choose when to hear about this.")


def _a_time(form: BaseForm, field: ClockField) -> None:
    if field.data is None:
        raise ValidationError(TIME_MESSAGE)


def _known_time_zone(form: BaseForm, field: StringField) -> None:
    value = (field.data or "").strip()
    if value not in time_zone_names():
        raise ValidationError(ZONE_MESSAGE)
    field.data = value


class PreferencesForm(BaseForm):
    """Fields that hold for every kind; ``build`` adds one select per kind."""

    time_zone = StringField(
        "Your time zone",
        validators=[
            InputRequired(message="Choose your time zone."),
            Length(max=64, message=ZONE_MESSAGE),
        ],
        description="Quiet hours and the daily summary follow this clock. Start typing a city.",
        render_kw={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"},
    )
    # The times carry no "required" flag: each always holds a value, and "(required)" beside
    # three short labels crowds a phone; an emptied one gets the message all the same.
    quiet_start = ClockField(
        "Quiet from",
        validators=[_a_time],
        description="No e-mails from this time…",
    )
    quiet_end = ClockField(
        "Quiet until",
        validators=[_a_time],
        description="…until this time. The same time in both means no quiet hours.",
    )
    digest_time = ClockField(
        "Daily summary at",
        validators=[_a_time],
        description="One e-mail a day listing what you chose to hear about in the summary.",
    )
    discreet = BooleanField("Send me discreet e-mails")

    kind_fields: list[tuple[KindPreference, str]]

    def validate_time_zone(self, field: StringField) -> None:
        _known_time_zone(self, field)

    def kind_choice(self, code: str) -> dict[str, Any]:
        """What the form says for ``code``: ``{"enabled": bool, "timing": str}``."""
        value = self[field_name(code)].data
        if value == "off":
            return {"enabled": False}
        return {"enabled": True, "timing": value}


def build(preferences: Preferences, *, formdata: Any = None) -> PreferencesForm:
    """The form for a person's kinds, filled with their current choices unless posted."""

    class Form(PreferencesForm):
        pass

    fields: list[tuple[KindPreference, str]] = []
    for pref in preferences.kinds.values():
        name = field_name(pref.code)
        if pref.can_switch_off:
            setattr(
                Form,
                name,
                SelectField(
                    pref.name,
                    choices=WHEN_CHOICES,
                    validators=[_chosen],
                ),
            )
        fields.append((pref, name))
    data: dict[str, Any] = {
        "time_zone": preferences.time_zone,
        "quiet_start": preferences.quiet_start,
        "quiet_end": preferences.quiet_end,
        "digest_time": preferences.digest_time,
        "discreet": preferences.discreet,
    }
    for pref, name in fields:
        data[name] = pref.timing if pref.enabled else "off"
    kwargs: dict[str, Any] = {"data": data}
    if formdata is not None:
        kwargs["formdata"] = formdata
    form = Form(**kwargs)
    if not preferences.discreet_allowed:
        del form.discreet
    form.kind_fields = fields
    return form
