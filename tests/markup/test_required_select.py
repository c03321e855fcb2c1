"""A required select opens on an empty "Choose …" option and says so when it is submitted."""

import pytest
from werkzeug.datastructures import MultiDict
from wtforms.validators import DataRequired, InputRequired

from app.forms import BaseForm, RequiredSelectField


class PickForm(BaseForm):
    module = RequiredSelectField(
        "Module", coerce=int, placeholder="Choose a module…", validators=[DataRequired("Choose.")]
    )
    status = RequiredSelectField("Status", validators=[InputRequired("Pick one.")])


def _form(app, **data):
    with app.test_request_context("/", method="POST"):
        form = PickForm(formdata=MultiDict(data) if data else None)
        form.module.choices = [("1", "First"), ("2", "Second")]
        form.status.choices = [("active", "Active"), ("paused", "Paused")]
        valid = form.validate() if data else None
        return form, valid, str(form.module), str(form.status)


def test_the_placeholder_comes_first_with_an_empty_value_and_is_selected(app):
    _, _, html, _ = _form(app)
    first = html.split("<option", 2)[1]
    assert first.startswith(' selected value="">Choose a module…</option>')
    assert '<option value="1">First</option>' in html
    assert "required" in html


@pytest.mark.parametrize(("field", "message"), [("module", "Choose."), ("status", "Pick one.")])
def test_submitting_the_placeholder_gives_the_required_message_only(app, field, message):
    form, valid, _, _ = _form(app, module="", status="")
    assert valid is False
    assert getattr(form, field).errors == [message]
    assert getattr(form, field).data is None


def test_a_real_choice_is_kept_and_stays_selected(app):
    form, valid, module_html, status_html = _form(app, module="2", status="paused")
    assert valid is True
    assert (form.module.data, form.status.data) == (2, "paused")
    assert '<option selected value="2">' in module_html
    assert '<option selected value="paused">' in status_html
    assert '<option value="">' in module_html


def test_a_value_outside_the_choices_is_refused(app):
    form, valid, _, _ = _form(app, module="9", status="closed")
    assert valid is False
    assert form.module.errors and form.status.errors
