"""docs/security.md NT-1: a canary planted in private writing reaches no notification of
anyone but its author — not the in-app list, not the bell, not an e-mail's subject or body —
and no notification names the other partner. Every e-mail goes to a real SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from app.extensions import db
from app.models import User
from app.notification_centre import kinds
from app.notifications import set_preferences
from tests.modules.helpers import send
from tests.notifications_ui.conftest import outbox, request_key

NOON = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # outside everyone's quiet hours
PRIVATE = "CANARY-PRIVATE-7f3a"
SHARED = "CANARY-SHARED-91bc"
COUNSELOR_WORDS = "CANARY-COUNSELOR-55de"
A_NAME = "Alexandra Nightingale-Canary"
B_NAME = "Bartholomew Quill-Canary"


@pytest.fixture
def app_config(inbox) -> dict:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port}


@pytest.fixture(autouse=True)
def _noon():
    with time_machine.travel(NOON, tick=True):
        yield


def _every_kind_at_once(app, *users) -> None:
    with app.app_context():
        for user in users:
            person = db.session.get(User, user.id)
            own = {k.code for k in kinds.KINDS if k.audience == person.role.value}
            set_preferences(person, kinds={code: {"timing": "immediate"} for code in own})
        db.session.commit()


def _texts_of(message) -> str:
    parts = [message.get("Subject", ""), message.get("From", "")]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(
                part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            )
    return "\n".join(parts)


def test_no_canary_and_no_partner_name_in_any_notification(app, factory, give, login_as, inbox):
    counselor = factory.counselor()
    a, b = factory.client(name=A_NAME), factory.client(name=B_NAME)
    case = factory.case(counselor, [a, b], label="Case of two")
    _every_kind_at_once(app, counselor, a, b)
    given = give(case, [a, b])

    alex = login_as(a)
    for visibility, words in (("private", PRIVATE), ("counselor_and_partner", SHARED)):
        alex.post(
            "/me/journal/new",
            data={
                "title": f"{words} title",
                "body": f"{words} body",
                "visibility": visibility,
                "request_key": request_key(),
            },
        )
    send(alex, given.recipient_a, given.exercise_ids[0], {"text": PRIVATE, "visibility": "private"})
    send(
        alex, given.recipient_a, given.exercise_ids[1], {"text": SHARED, "visibility": "counselor"}
    )
    alex.post(
        f"/me/check-in?case={case.id}",
        data={
            "satisfaction": "1",
            "communication": "2",
            "closeness": "3",
            "hope": "4",
            "request_key": request_key(),
        },
    )
    shared_entry = max(r.about[1] for r in outbox(app, kind="journal.shared"))
    lee = login_as(counselor)
    lee.post(f"/caseload/journal/{shared_entry}/comments", data={"body": COUNSELOR_WORDS})
    lee.post(
        f"/cases/{case.id}/assignments/{given.assignment_id}/feedback/{given.recipient_a}",
        data={f"r{given.recipient_a}-feedback": COUNSELOR_WORDS, f"r{given.recipient_a}-save": "1"},
    )

    # Every kind of this feature was announced and e-mailed.
    assert {r.kind for r in outbox(app)} == {k.code for k in kinds.KINDS} - {kinds.ANSWER_SHARED}
    assert len(inbox.messages) == len(outbox(app))

    forbidden = {
        a.email: [COUNSELOR_WORDS, B_NAME, SHARED, PRIVATE],  # the author's own: no text either
        b.email: [PRIVATE, SHARED, A_NAME],
        counselor.email: [PRIVATE, SHARED, A_NAME, B_NAME],
    }
    for message in inbox.messages:
        text = _texts_of(message)
        for canary in forbidden[message["To"]]:
            assert canary not in text, f"{canary} in an e-mail to {message['To']}"

    for user, client in ((a, alex), (b, login_as(b)), (counselor, lee)):
        pages = client.get("/notifications").get_data(as_text=True) + client.get(
            "/account/notifications"
        ).get_data(as_text=True)
        for canary in forbidden[user.email]:
            assert canary not in pages, f"{canary} on the notification pages of {user.name}"
    assert [r.kind for r in outbox(app, recipient_id=b.id)] == ["assignments.new"]
