"""The admin's dead letters: metadata only, a retry that puts the row back, admins only."""

from __future__ import annotations

import pytest
import time_machine

from app.models import NotificationState
from tests.notifications.conftest import NOON, row, tell, to

CANARY = "CANARY-never-on-the-admin-page"


@pytest.fixture
def app_config(moody_inbox) -> dict:
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": moody_inbox.port,
        "REKINDLE_NOTIFY_MAX_ATTEMPTS": 1,
        "WTF_CSRF_ENABLED": False,
    }


@pytest.fixture
def dead(app, factory, ping, moody_inbox):
    client = factory.client(name=f"Client {CANARY}")
    moody_inbox.refuse = True
    with time_machine.travel(NOON, tick=False):
        notification_id = tell(app, client)
    assert row(app, notification_id).state is NotificationState.DEAD
    return client, notification_id


def test_the_admin_sees_what_when_and_why_never_what_about(app, factory, login_as, dead):
    client, notification_id = dead
    admin = login_as(factory.admin())
    page = admin.get("/admin/notifications/dead-letters")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert client.email in html and "SMTPDataError 451" in html
    assert row(app, notification_id).message_id.strip("<>") in html
    assert CANARY not in html  # not even the recipient's name
    assert "Undelivered notifications" in admin.get("/admin").get_data(as_text=True)


def test_retry_puts_it_back_and_it_is_delivered(app, factory, login_as, dead, moody_inbox):
    client, notification_id = dead
    moody_inbox.refuse = False
    admin = login_as(factory.admin())
    answer = admin.post(f"/admin/notifications/dead-letters/{notification_id}/retry")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/admin/notifications/dead-letters")
    assert row(app, notification_id).state is NotificationState.SENT
    assert len(to(moody_inbox, client)) == 1
    again = admin.post(
        f"/admin/notifications/dead-letters/{notification_id}/retry", follow_redirects=True
    )
    assert "no longer waiting" in again.get_data(as_text=True)
    assert len(to(moody_inbox, client)) == 1


@pytest.mark.parametrize("role", ["counselor", "client"])
def test_only_admins_may_see_or_retry(app, factory, login_as, dead, role):
    _, notification_id = dead
    other = login_as(factory.user(role))
    assert other.get("/admin/notifications/dead-letters").status_code == 404
    assert (
        other.post(f"/admin/notifications/dead-letters/{notification_id}/retry").status_code == 404
    )
    assert row(app, notification_id).state is NotificationState.DEAD
