"""The base form every Rekindle form extends, and text cleaning shared with JSON endpoints."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm

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
