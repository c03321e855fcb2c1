"""Bad input on the new-case form gets a message next to the field, never a 500."""

import pytest

BASE = {
    "label": "Harper couple",
    "kind": "couple",
    "a_name": "Billie Harper",
    "a_email": "billie@example.test",
    "b_name": "Frankie Harper",
    "b_email": "frankie@example.test",
}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("label", "", "Give the case a label."),
        ("label", "x" * 121, "Field cannot be longer than 120 characters."),
        ("a_email", "not-an-address", "does not look like an e-mail address"),
        ("b_name", "", "second partner&#39;s name"),
        ("b_email", "", "second partner&#39;s e-mail"),
        ("kind", "triple", "Not a valid choice"),
        ("a_name", "\x00", "Enter a name."),
    ],
)
def test_field_errors(factory, login_as, field, value, message):
    client = login_as(factory.counselor())
    response = client.post("/cases/new", data=dict(BASE, **{field: value}))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "invalid-feedback" in page or "text-danger" in page
    # What was typed elsewhere is kept.
    if field != "label":
        assert "Harper couple" in page


def test_form_renders(factory, login_as):
    page = login_as(factory.counselor()).get("/cases/new").get_data(as_text=True)
    assert 'name="request_key"' in page and "Partner B" in page
