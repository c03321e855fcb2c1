"""Forms of messages: the composer and the counselor's rule for a case."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.forms import BaseForm
from app.messages.services import MAX_BODY


class MessageForm(BaseForm):
    """Write one message; ``request_key`` makes a double-clicked Send create one message."""

    body = TextAreaField(
        "Your message",
        validators=[
            DataRequired(message="Write a few words before sending."),
            Length(
                max=MAX_BODY,
                message=f"A message holds up to {MAX_BODY:,} characters. Your text is still "
                "here: shorten it or send it in two parts.",
            ),
        ],
        render_kw={"rows": 4},
    )
    request_key = HiddenField()
    next = HiddenField()


class RulesForm(BaseForm):
    """Whether the case's clients may start a conversation or only reply."""

    clients_may_start = RadioField(
        "Who may start a conversation",
        choices=[
            SelectChoice("yes", "Clients may start a conversation"),
            SelectChoice("no", "Clients only reply to what I write"),
        ],
        default="yes",
    )
