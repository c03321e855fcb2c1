"""Hidden inputs render without an id, so pages with several forms repeat no id."""

import pytest
from wtforms import HiddenField, StringField

from app.auth.forms import PostForm
from app.forms import BaseForm


class VersionedForm(BaseForm):
    version = HiddenField()
    title = StringField("Title")


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True}


@pytest.mark.parametrize("form_class", [PostForm, VersionedForm])
def test_two_forms_on_one_page_repeat_no_id(app, form_class):
    with app.test_request_context("/"):
        html = "".join(
            str(field) for _ in range(2) for field in form_class() if field.type != "StringField"
        )
    assert 'name="csrf_token"' in html
    assert "id=" not in html


def test_hidden_fields_keep_their_names_and_values(app):
    with app.test_request_context("/"):
        form = VersionedForm(data={"version": "3"})
        html = str(form.version)
    assert html == '<input name="version" type="hidden" value="3">'


def test_visible_fields_keep_their_ids_for_their_labels(app):
    with app.test_request_context("/"):
        form = VersionedForm()
        assert 'id="title"' in str(form.title)
        assert 'for="title"' in str(form.title.label)


def test_an_id_the_template_gives_is_kept(app):
    with app.test_request_context("/"):
        assert 'id="note-version"' in VersionedForm().version(id="note-version")
