"""Notifications behave on two app hosts as on one (issue 20, ``production-scale``).

A counselor's message is sent through the first host; the one consumer behind both hosts
e-mails it once to a real SMTP server; the client's bell on the second host shows it, and
opening it there marks it read for the first host too: the outbox, the read marks and the
queue live in the shared PostgreSQL and Redis, never in a host.
"""

from __future__ import annotations

import re
import time
from datetime import time as clock

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Notification, NotificationState, User
from app.notifications import set_preferences
from tests.integration.conftest import Answer, TwoHosts, postgres_only, sign_in

pytestmark = postgres_only

TEXT = "Shall we move Thursday to four o'clock?"
KEY = "n" * 32


def unread(answer: Answer) -> int:
    """What the page's bell counts (its ``data-unread``; none when it shows no number)."""
    assert answer.status == 200, answer.text[:300]
    found = re.search(r'class="nav-bell-count" data-unread="(\d+)"', answer.text)
    if found is None:
        assert "Notifications: </span>" not in answer.text  # a bell, showing no number
        assert "none unread" in answer.text
        return 0
    return int(found.group(1))


def notifications_of(app, user: User) -> list[Notification]:
    """``user``'s notification rows as they are now (detached)."""
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Notification).where(Notification.recipient_id == user.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def until(check, what: str, seconds: float = 60.0):
    """Poll ``check`` until it answers something true; that answer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.1)
    pytest.fail(f"not within {seconds:.0f} s: {what}")


@pytest.fixture
def a_case(app, factory):
    """A counselor and a one-client case; the client has no quiet hours (the consumer keeps
    the real clock, and this test runs at any hour)."""
    counselor = factory.counselor()
    client = factory.client()
    case = factory.case(counselor, [client])
    with app.app_context():
        set_preferences(db.session.get(User, client.id), quiet_start=clock(0), quiet_end=clock(0))
        db.session.commit()
    return counselor, client, case


def send_message(two_hosts: TwoHosts, counselor: User, case_id: int, host: str) -> Answer:
    """The counselor writes to the case's thread; the send itself reaches ``host``."""
    staff = two_hosts.browser()
    sign_in(staff, counselor.email)
    threads = staff.get(f"/cases/{case_id}/messages")
    thread = re.search(r'href="(/messages/\d+)"', threads.text)
    assert thread, f"no thread on the case's messages page (HTTP {threads.status})"
    page = staff.get(thread.group(1))
    staff.aim_at(host)
    sent = staff.post(
        thread.group(1),
        {"csrf_token": page.csrf_token(), "body": TEXT, "request_key": KEY, "next": ""},
    )
    assert (sent.host, sent.status) == (host, 302), sent.text[:300]
    return sent


def test_a_message_sent_on_one_host_is_mailed_once_and_read_on_the_other(two_hosts, a_case, app):
    first, second = two_hosts.hosts
    counselor, client, case = a_case
    send_message(two_hosts, counselor, case.id, first)

    # The one consumer e-mails it: once, without the text, with a link back to the site.
    [notification] = until(
        lambda: [n for n in notifications_of(app, client) if n.state is NotificationState.SENT],
        "the client's notification e-mailed",
    )
    time.sleep(2)  # ten of the consumer's polls: a second delivery would have happened by now
    mails = [m for m in two_hosts.mail.messages if m["To"] == client.email]
    assert len(mails) == 1
    [again] = notifications_of(app, client)
    assert (again.state, again.attempts) == (NotificationState.SENT, 1)
    mail = mails[0].as_string()
    assert TEXT not in mail and counselor.name not in mail
    assert f"http://127.0.0.1:{two_hosts.port}/messages/find/" in mail

    # The bell on the second host shows it; opening it there marks it read.
    person = two_hosts.browser()
    sign_in(person, client.email)
    person.aim_at(second)
    listing = person.get("/notifications")
    assert listing.host == second and unread(listing) == 1
    assert "You have a new message" in listing.text
    assert f"/notifications/{notification.id}/open" in listing.text
    person.aim_at(second)
    opened = person.post(
        f"/notifications/{notification.id}/open", {"csrf_token": listing.csrf_token()}
    )
    assert (opened.host, opened.status) == (second, 302)
    assert "/messages/find/" in opened.headers["location"]

    # The first host sees it read: the bell has no number, the list shows it read.
    person.aim_at(first)
    home = person.get("/notifications")
    assert home.host == first and unread(home) == 0
    assert "is-read" in home.text and "is-unread" not in home.text
    [read] = notifications_of(app, client)
    assert read.read_at is not None
    # The counselor, who wrote it, was told of nothing.
    assert notifications_of(app, counselor) == []
