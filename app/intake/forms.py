"""The intake forms: signing, waiving, the policy, the safety decision, overrides, versions."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from app.forms import BaseForm, RequiredSelectField
from app.intake.safety import DECISION_LABELS
from app.models import ConfidentialityPolicy
from app.policy.confidentiality import LABELS


class SignForm(BaseForm):
    """A client signs one document: their full name typed and a tick."""

    full_name = StringField(
        "Your full name",
        validators=[DataRequired("Type your full name to sign."), Length(max=200)],
        description="Typing your name here is your signature.",
    )
    agree = BooleanField("I have read this document and I agree to it.")
    request_key = HiddenField()


class WaiverForm(BaseForm):
    """The counselor lets a client use the app without signing."""

    reason = TextAreaField(
        "Why this client may use the app without signing",
        validators=[DataRequired("Write the reason."), Length(max=2000)],
    )


class PolicyForm(BaseForm):
    """The counselor chooses the case's confidentiality policy."""

    policy = RadioField(
        "Confidentiality policy",
        choices=[SelectChoice(p.value, LABELS[p]) for p in ConfidentialityPolicy],
        validators=[InputRequired("Choose a policy.")],
    )


class DecisionForm(BaseForm):
    """The counselor's decision after a safety concern."""

    decision = RequiredSelectField(
        "Your decision",
        placeholder="Choose a decision…",
        choices=[SelectChoice(d.value, label) for d, label in DECISION_LABELS.items()],
        validators=[InputRequired("Choose a decision.")],
    )
    note = TextAreaField("Your note (only you can read it)", validators=[Length(max=5000)])


class OverrideForm(BaseForm):
    """The counselor overrides a module's caution block for this case."""

    module_id = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        "Why this module is right for this couple now",
        validators=[DataRequired("Write your reason."), Length(max=5000)],
    )


class VersionForm(BaseForm):
    """The admin edits a consent text; saving publishes a new version."""

    title = StringField(
        "Title", validators=[DataRequired("Give the document a title."), Length(max=200)]
    )
    text = TextAreaField("Text", validators=[DataRequired("Write the text."), Length(max=20_000)])
