"""Each person decides: defaults, choices saved, and the choices that cannot be made."""

from __future__ import annotations

from datetime import time

import pytest

from app.extensions import db
from app.models import NotificationState, User
from app.notifications import PreferenceError, preferences_for, set_preferences
from tests.notifications.conftest import PING, rows_of, state, tell, to


def prefs(app, user: User, **changes):
    with app.app_context():
        result = set_preferences(db.session.get(User, user.id), **changes)
        db.session.commit()
        return result


def test_defaults_quiet_from_nine_to_eight_in_the_practice_time_zone(app, factory, ping):
    client = factory.client()
    with app.app_context():
        p = preferences_for(client)
    assert (p.quiet_start, p.quiet_end, p.digest_time) == (time(21), time(8), time(8))
    assert p.time_zone == "UTC" and not p.discreet and p.discreet_allowed
    assert p.kinds[PING].enabled and p.kinds[PING].timing == "immediate"
    assert "assignment.due_soon" in p.kinds and "notifications.digest" not in p.kinds


def test_choices_are_kept(app, factory, ping):
    client = factory.client()
    p = prefs(
        app,
        client,
        time_zone="Europe/Helsinki",
        quiet_start=time(22, 30),
        quiet_end=time(7),
        discreet=True,
        kinds={PING: {"timing": "digest"}},
    )
    assert p.time_zone == "Europe/Helsinki" and p.quiet_start == time(22, 30)
    assert p.discreet and p.kinds[PING].timing == "digest" and p.kinds[PING].enabled
    p = prefs(app, client, kinds={PING: {"enabled": False}})
    assert not p.kinds[PING].enabled and p.kinds[PING].timing == "digest"


def test_a_kind_switched_off_is_neither_shown_nor_sent(app, factory, ping, inbox):
    client = factory.client()
    prefs(app, client, kinds={PING: {"enabled": False}})
    notification_id = tell(app, client)
    assert state(app, notification_id) is NotificationState.CANCELLED
    assert to(inbox, client) == []
    assert rows_of(app, client)[0].shown_at is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"kinds": {"nobody.registered": {"enabled": False}}}, "nobody.registered"),
        ({"kinds": {"notifications.dead_letter": {"enabled": False}}}, "notifications.dead_letter"),
        ({"kinds": {PING: {"timing": "weekly"}}}, PING),
    ],
)
def test_impossible_choices_name_their_field(app, factory, ping, changes, field):
    client = factory.client()
    with app.app_context(), pytest.raises(PreferenceError) as refused:
        set_preferences(db.session.get(User, client.id), **changes)
    assert refused.value.field == field


def test_discreet_mode_is_for_clients(app, factory):
    counselor = factory.counselor()
    with app.app_context(), pytest.raises(PreferenceError):
        set_preferences(db.session.get(User, counselor.id), discreet=True)


def test_a_kind_that_cannot_be_switched_off_stays_on_and_immediate(app, factory, monkeypatch):
    from app.notifications import NotificationKind, kinds

    monkeypatch.setitem(
        kinds._kinds,
        "test.safety",
        NotificationKind(
            code="test.safety",
            audience="counselor",
            title="A safety concern was flagged",
            link=lambda n: "/caseload",
            still_relevant=lambda n: True,
            can_switch_off=False,
            bypass_quiet_hours=True,
        ),
    )
    counselor = factory.counselor()
    with app.app_context(), pytest.raises(PreferenceError, match="cannot be switched off"):
        set_preferences(
            db.session.get(User, counselor.id), kinds={"test.safety": {"enabled": False}}
        )
    p = prefs(app, counselor, kinds={"test.safety": {"timing": "digest"}})
    assert p.kinds["test.safety"].enabled and p.kinds["test.safety"].timing == "immediate"
    assert not p.kinds["test.safety"].can_switch_off
