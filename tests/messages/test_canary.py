"""A canary in partner B's private thread reaches nobody but B and the case counselor.

Partner A, a client of another case, another counselor and the admin: none of them sees it,
or any sign of the thread (its link, its counts, badges, times), on any page they can reach,
in their inbox, notifications, e-mails, export or PDF (docs/security.md "Who sees what").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Message, Notification
from tests.messages.conftest import send
from tests.messages.crawl import crawl
from tests.pdf.helpers import pdf_text

CANARY = "CANARY-b-private-7f3a"
REPLY_CANARY = "CANARY-counselor-reply-to-b-91c2"
START = {
    "partner": ["/me", "/me/messages", "/me/journal", "/me/export", "/me/export.json"],
    "other_client": ["/me", "/me/messages", "/me/export.json"],
    "other_counselor": ["/caseload", "/inbox", "/"],
    "admin": ["/admin", "/admin/audit", "/admin/erasure", "/"],
}
#: What differs between two loads of the same page anyway: tokens, request keys, the clock.
TOKENS = re.compile(
    r'(csrf-token" content="|name="csrf_token" type="hidden" value="|name="request_key" '
    r'type="hidden" value="|/me/journal/new/|"generated_at": ")[^"/]*'
)


@pytest.fixture
def app_config(inbox):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port}


@pytest.fixture(autouse=True)
def at_noon():
    """A working day's noon, so e-mails go out at once (no quiet hours)."""
    with time_machine.travel(datetime(2026, 12, 2, 12, 0, tzinfo=UTC), tick=True):
        yield


@dataclass
class World:
    viewers: dict
    users: dict
    b_private: int
    a_private: int
    joint: int
    case_id: int


@pytest.fixture
def world(app, factory, login_as, couple, open_threads) -> World:
    other_counselor = factory.counselor(name="Dr. Other")
    other_client = factory.client(name="Riley")
    factory.case(couple.counselor, [other_client], label="Riley alone")
    factory.case(other_counselor, [factory.client(), factory.client()], label="Other couple")
    users = {
        "partner": couple.a,
        "other_client": other_client,
        "other_counselor": other_counselor,
        "admin": factory.admin(),
    }
    viewers = {role: login_as(user) for role, user in users.items()}
    for client in viewers.values():
        client.get("/me/messages")  # threads of their own cases exist too
    world = World(
        viewers=viewers,
        users=users,
        b_private=open_threads[f"private-{couple.b.id}"],
        a_private=open_threads[f"private-{couple.a.id}"],
        joint=open_threads["joint"],
        case_id=couple.case.id,
    )
    send(login_as(couple.a), world.joint, "A says hello to everyone")
    return world


def plant(login_as, couple, world: World) -> None:
    send(login_as(couple.b), world.b_private, CANARY)
    send(login_as(couple.counselor), world.b_private, REPLY_CANARY)


def normalised(body: str) -> str:
    return TOKENS.sub(r"\1", body)


@pytest.mark.parametrize("role", list(START))
def test_no_page_shows_the_canary_or_any_sign_of_the_thread(app, login_as, couple, world, role):
    viewer = world.viewers[role]
    before = {url: normalised(body) for url, body in crawl(viewer, START[role]).items()}
    plant(login_as, couple, world)
    after = crawl(viewer, START[role])
    assert len(after) > 2
    if role == "partner":
        assert {f"/messages/{world.joint}", f"/messages/{world.a_private}"} <= set(after)
    for url, body in after.items():
        assert CANARY not in body and REPLY_CANARY not in body, url
        assert f"/messages/{world.b_private}" not in body, url
    # Not even a count or a time changes: the pages read exactly as before.
    changed = [
        url for url, body in after.items() if before.get(url) not in (None, normalised(body))
    ]
    assert changed == [] or all(u.startswith("/admin/audit") for u in changed)


@pytest.mark.parametrize("role", list(START))
def test_the_thread_itself_answers_404(app, login_as, couple, world, role):
    plant(login_as, couple, world)
    viewer = world.viewers[role]
    assert viewer.get(f"/messages/{world.b_private}").status_code == 404
    assert send(viewer, world.b_private, "let me in").status_code == 404
    assert viewer.post(
        f"/messages/{world.b_private}/draft", json={"seq": 1, "fields": {"body": "x"}}
    ).status_code in (400, 404)


def test_partner_a_export_and_pdf_hold_no_canary(app, login_as, couple, world):
    plant(login_as, couple, world)
    a = world.viewers["partner"]
    data = a.get("/me/export.json").get_data(as_text=True)
    assert "A says hello to everyone" in data
    assert CANARY not in data and REPLY_CANARY not in data
    pdf = a.get("/me/export.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "A says hello to everyone" in text
    assert CANARY not in text and REPLY_CANARY not in text


def test_partner_b_and_the_counselor_do_read_it(app, login_as, couple, world):
    plant(login_as, couple, world)
    for person in (couple.b, couple.counselor):
        page = login_as(person).get(f"/messages/{world.b_private}").get_data(as_text=True)
        assert CANARY in page and REPLY_CANARY in page
    inbox = login_as(couple.counselor).get("/inbox").get_data(as_text=True)
    assert REPLY_CANARY in inbox
    data = json.loads(login_as(couple.b).get("/me/export.json").get_data(as_text=True))
    assert CANARY in json.dumps(data["messages"])


@pytest.mark.parametrize("role", list(START))
def test_no_notification_or_email_tells_of_it(app, login_as, couple, world, inbox, role):
    user = world.users[role]
    mails_before = len(inbox.messages)
    plant(login_as, couple, world)
    with app.app_context():
        private = sa.select(Message.id).where(Message.thread_id == world.b_private)
        told = db.session.execute(
            sa.select(Notification.recipient_id).where(
                Notification.about_type == "message", Notification.about_id.in_(private)
            )
        ).scalars()
        told = set(told)
    assert told == {couple.counselor.id, couple.b.id}
    assert user.id not in told
    new_mail = inbox.messages[mails_before:]
    assert [m["To"] for m in new_mail if m["To"] == user.email] == []
    assert all(
        CANARY not in m.as_string() and REPLY_CANARY not in m.as_string() for m in inbox.messages
    )
