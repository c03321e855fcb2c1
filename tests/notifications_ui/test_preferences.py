"""The preferences page: per kind on/off and at once/summary, quiet hours and time zone with
clear messages next to the fields, discreet e-mails for clients with the reason they exist."""

from __future__ import annotations

import re
from datetime import time

import pytest
from flask import url_for

from app.extensions import db
from app.models import User
from app.notifications import NotificationKind, preferences_for
from app.notifications import kinds as kind_registry

URL = "/account/notifications"
VALID = {
    "time_zone": "Europe/Helsinki",
    "quiet_start": "22:30",
    "quiet_end": "07:00",
    "digest_time": "18:00",
    "kind_assignments_new": "immediate",
    "kind_assignments_feedback": "digest",
    "kind_journal_comment": "off",
}


def _prefs(app, user):
    with app.app_context():
        return preferences_for(db.session.get(User, user.id))


def _error_after(html: str, field_id: str) -> str:
    """The message shown next to a field (the invalid-feedback right after its input)."""
    match = re.search(
        rf'id="{field_id}"[^>]*>(?:</select>)?.*?<div class="invalid-feedback[^"]*">([^<]+)</div>',
        html,
        re.S,
    )
    assert match, f"no message next to {field_id}"
    return match.group(1)


def test_a_client_sees_their_kinds_and_why_discreet_mode_exists(app, factory, login_as):
    html = login_as(factory.client()).get(URL).get_data(as_text=True)
    for label in (
        "A new exercise from my counselor",
        "Feedback on my exercises",
        "A comment on my journal entry",
    ):
        assert label in html
    assert "A client checks in" not in html
    assert "Discreet e-mails" in html and "a partner" in html
    assert 'list="time-zones"' in html and '<option value="Europe/Helsinki">' in html


def test_a_counselor_sees_theirs_and_no_discreet_mode(app, factory, login_as):
    html = login_as(factory.counselor()).get(URL).get_data(as_text=True)
    assert "A client shares a journal entry with me" in html
    assert "A new exercise from my counselor" not in html
    assert "Discreet e-mails" not in html
    # Shared entries and answers come in the daily summary unless chosen otherwise.
    select = re.search(r'<select[^>]*id="kind_journal_shared".*?</select>', html, re.S).group(0)
    assert re.search(r'<option selected value="digest">|<option value="digest" selected', select)


def test_choices_are_saved(app, factory, login_as):
    user = factory.client()
    client = login_as(user)
    response = client.post(URL, data={**VALID, "discreet": "y"})
    assert response.status_code == 302
    prefs = _prefs(app, user)
    assert (prefs.time_zone, prefs.quiet_start, prefs.quiet_end, prefs.digest_time) == (
        "Europe/Helsinki",
        time(22, 30),
        time(7, 0),
        time(18, 0),
    )
    assert prefs.discreet
    chosen = {code: (k.enabled, k.timing) for code, k in prefs.kinds.items()}
    assert chosen["assignments.new"] == (True, "immediate")
    assert chosen["assignments.feedback"] == (True, "digest")
    assert chosen["journal.comment"][0] is False
    assert "Your notification choices are saved." in client.get(URL).get_data(as_text=True)
    # And off again.
    client.post(URL, data=VALID)
    assert not _prefs(app, user).discreet


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Mars/Olympus_Mons", "Choose a time zone from the list"),
        ("time_zone", "", "Choose your time zone."),
        ("time_zone", "Europe/Helsinki" * 500, "Choose a time zone from the list"),
        ("time_zone", "🕰️ Zeit", "Choose a time zone from the list"),
        ("quiet_start", "25:61", "Enter a time as hours and minutes"),
        ("quiet_end", "soon", "Enter a time as hours and minutes"),
        ("digest_time", "", "Enter a time as hours and minutes"),
        ("kind_assignments_new", "sometimes", "Not a valid choice"),
    ],
)
def test_bad_input_gets_a_message_next_to_its_field(app, factory, login_as, field, value, message):
    user = factory.client()
    client = login_as(user)
    response = client.post(URL, data={**VALID, field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in _error_after(html, field)
    # Nothing was saved, and the other choices stay as typed.
    assert _prefs(app, user).time_zone == "UTC"  # the practice's: nothing was saved
    if field != "quiet_start":
        assert 'value="22:30"' in html


def test_a_counselor_cannot_turn_on_discreet_mode(app, factory, login_as):
    user = factory.counselor()
    login_as(user).post(URL, data={**VALID, "discreet": "y", "kind_journal_shared": "immediate"})
    prefs = _prefs(app, user)
    assert not prefs.discreet and prefs.kind("journal.shared").timing == "immediate"


@pytest.fixture
def safety_kind(app):
    """A kind that cannot be switched off (as the safety flags of later features)."""
    kind = NotificationKind(
        code="ui_test.safety",
        audience="client",
        title="Something needs you",
        link=lambda n: url_for("client.home"),
        still_relevant=lambda n: True,
        can_switch_off=False,
    )
    kind_registry.register_kind(kind)
    yield kind
    kind_registry._kinds.pop(kind.code, None)


def test_a_kind_that_cannot_be_switched_off_is_shown_always_on(app, factory, login_as, safety_kind):
    user = factory.client()
    client = login_as(user)
    html = client.get(URL).get_data(as_text=True)
    assert "Something needs you" in html and "Always on, straight away" in html
    assert "someone's safety" in html and 'name="kind_ui_test_safety"' not in html
    client.post(URL, data={**VALID, "kind_ui_test_safety": "off"})
    assert _prefs(app, user).kind("ui_test.safety").enabled
