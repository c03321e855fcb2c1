"""The one date field and the one time field of every form (issue ux-pass, item 4).

Both render as text inputs (``autocomplete="off"``) showing the value the way the app writes
it, with a visible example that ``templates/_macros/forms.html`` puts under the input
(``field.hint``). Reading goes through ``app.practice_dates``. Text that is not a date or a
time gives the parser's message next to the field, and what was typed is shown again so the
person can correct it rather than start over; nothing a person types can raise past the form.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from wtforms import Field
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from app.forms import clean_text
from app.practice_dates import (
    DATE_HINT,
    TIME_HINT,
    parse_day,
    parse_time,
    write_day,
    write_time,
)

#: Longest text shown back in a field after a refusal (it is not stored anywhere).
_SHOWN_BACK = 64


class _TypedTextField(Field):
    """A text input whose value is parsed into ``data``; the typed text is kept on refusal."""

    widget = TextInput()
    hint = ""
    _input_attrs: dict[str, Any] = {"autocomplete": "off", "spellcheck": "false"}

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        render_kw = {**self._input_attrs, **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def write(self, value: Any) -> str:
        raise NotImplementedError

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = " ".join(clean_text(str(valuelist[0])).split())
        # Blank after trimming is blank for InputRequired/Optional too, which read raw_data.
        self.raw_data = [text]
        if not text:
            self.data = None
            return
        try:
            self.data = self.parse(text)
        except ValueError:
            self.data = None
            raise

    def pre_validate(self, form: Any) -> None:
        # Refused text has its message already; "Choose a date" on top of "Enter a date like
        # 01 Dec 2026" would only confuse, so the field's other checks wait for a real date.
        if self.process_errors:
            raise StopValidation()

    def _value(self) -> str:
        # Read: shown as the app writes it (an ISO bookmark shows 01 Dec 2026). Refused: the
        # typed text, to be corrected.
        if self.data is not None:
            return self.write(self.data)
        return str(self.raw_data[0])[:_SHOWN_BACK] if self.raw_data else ""


class DayField(_TypedTextField):
    """A date typed as the app writes it (``01 Dec 2026``) or as ISO ``2026-12-01``."""

    hint = DATE_HINT
    data: Any  # a date; None while blank or refused

    def parse(self, text: str) -> date:
        return parse_day(text)

    def write(self, value: Any) -> str:
        return write_day(value) if isinstance(value, date) else str(value)


class ClockField(_TypedTextField):
    """A time of day on the 24-hour clock (``14:30``), as the app writes times."""

    hint = TIME_HINT
    data: Any  # a time; None while blank or refused

    def parse(self, text: str) -> time:
        return parse_time(text)

    def write(self, value: Any) -> str:
        return write_time(value) if isinstance(value, time) else str(value)
