"""New messages are announced through the outbox: to the other readers only, without content."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Notification, NotificationState
from tests.messages.conftest import messages_in, send

#: A working day's noon: outside everyone's default quiet hours.
NOON = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def app_config(inbox):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port}


@pytest.fixture(autouse=True)
def at_noon():
    with time_machine.travel(NOON, tick=True):
        yield


def links_in(message, path: str) -> list[str]:
    """Links to ``path`` in every text part of an e-mail."""
    found = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            body = part.get_payload(decode=True).decode()
            found += re.findall(rf"https?://[^\s\"<>]+{path}\d+", body)
    return found


def notified(app) -> list[tuple[int, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Notification.recipient_id, Notification.kind, Notification.state).order_by(
                Notification.id
            )
        ).all()
    return [(r, k, str(s)) for r, k, s in rows]


def test_a_joint_message_is_announced_to_the_partner_and_the_counselor(
    app, login_as, couple, open_threads
):
    send(login_as(couple.a), open_threads["joint"], "Joint news")
    assert sorted((r, k) for r, k, _ in notified(app)) == sorted(
        [(couple.b.id, "message.new"), (couple.counselor.id, "message.new_for_counselor")]
    )


def test_a_private_message_is_announced_to_the_counselor_alone(app, login_as, couple, open_threads):
    send(login_as(couple.b), open_threads[f"private-{couple.b.id}"], "Just for you")
    assert [(r, k) for r, k, _ in notified(app)] == [
        (couple.counselor.id, "message.new_for_counselor")
    ]


def test_the_email_says_only_that_there_is_a_message(app, login_as, couple, open_threads, inbox):
    send(login_as(couple.a), open_threads["joint"], "SECRET-CONTENT-of-the-message")
    to_b = [m for m in inbox.messages if m["To"] == couple.b.email]
    assert len(to_b) == 1
    raw = to_b[0].as_string()
    assert "SECRET-CONTENT" not in raw and "Alex" not in raw and "Dr. Lee" not in raw
    assert "You have a new message" in raw
    (message,) = messages_in(app, open_threads["joint"])
    link = links_in(to_b[0], "/messages/find/")
    assert link and link[0].endswith(f"/messages/find/{message.id}")
    b = login_as(couple.b)
    opened = b.get(f"/messages/find/{message.id}")
    assert (
        opened.status_code == 302
        and f"/messages/{open_threads['joint']}#m" in opened.headers["Location"]
    )


def test_the_link_of_a_notification_works_only_for_its_readers(app, login_as, couple, open_threads):
    send(login_as(couple.b), open_threads[f"private-{couple.b.id}"], "Only for the counselor")
    (message,) = messages_in(app, open_threads[f"private-{couple.b.id}"])
    assert login_as(couple.a).get(f"/messages/find/{message.id}").status_code == 404
    assert login_as(couple.counselor).get(f"/messages/find/{message.id}").status_code == 302


def test_a_withdrawn_message_is_not_announced_later(app, login_as, couple, open_threads):
    with time_machine.travel(datetime(2026, 12, 2, 22, 0, tzinfo=UTC), tick=True):
        a = login_as(couple.a)
        send(a, open_threads["joint"], "Sent during quiet hours")
        (message,) = messages_in(app, open_threads["joint"])
        a.post(f"/messages/message/{message.id}/withdraw")
    states = {s for _, _, s in notified(app)}
    assert states == {str(NotificationState.CANCELLED)}
