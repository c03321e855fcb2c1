"""The base form every Rekindle form extends, and text cleaning shared with JSON endpoints."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import Choice

# C0 control characters other than tab, newline and carriage return. NUL in particular cannot be
# stored by PostgreSQL, and none of them belongs in anything a person writes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value):
    """Drop control characters and normalise line endings; other values pass unchanged."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value).replace("\r\n", "\n")


class BaseForm(FlaskForm):
    """A FlaskForm whose text inputs are cleaned before validation."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = tuple(unbound_field.kwargs.get("filters", ())) + (clean_text,)
            return unbound_field.bind(form=form, filters=filters, **options)

        def render_field(self, field, render_kw):
            # Hidden inputs (the CSRF token, versions, request keys) get no id unless the
            # template gives one: a page with several forms would otherwise repeat
            # id="csrf_token" or id="version", and nothing refers to a hidden input by id.
            if getattr(field.widget, "input_type", None) == "hidden":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)


class RequiredSelectField(SelectField):
    """A select the person must choose in: it starts on an empty "Choose …" option.

    HTML wants a required select to open on an empty placeholder; without one the first real
    choice is preselected, and a hurried submit picks it by accident. Submitting the
    placeholder leaves ``data`` None, so the field's required validator gives its message.
    """

    data: Any  # the coerced choice, or None while nothing is chosen

    def __init__(
        self,
        label: str | None = None,
        validators: list[Any] | None = None,
        *,
        placeholder: str = "Choose…",
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.placeholder = placeholder

    def iter_choices(self) -> list[Choice]:
        nothing_chosen = self.data is None or self.data == ""
        return [Choice("", self.placeholder, nothing_chosen, {}), *super().iter_choices()]

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and valuelist[0] == "":
            self.data = None
            return
        super().process_formdata(valuelist)

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data is not None:  # nothing chosen: the required validator says what to do
            super().pre_validate(form)
