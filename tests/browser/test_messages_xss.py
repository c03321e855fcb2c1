"""IN-1 for messages: the XSS payloads in messages, drafts, names and labels never run.

Written in the style of ``test_xss.py``: the payloads go straight into the records (so no
form's validation can hide a template that forgets to escape), then every messages page is
opened in Chromium as each reader.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, Message, MessageDraft, MessageThread, User
from tests.browser.test_xss import ALL, PAYLOADS, SHORT
from tests.conftest import TEST_PASSWORD
from tests.messages.conftest import create_threads


@pytest.fixture
def poisoned(app, factory):
    counselor = factory.counselor()
    a, b = factory.client(), factory.client()
    case = factory.case(counselor, [a, b])
    slots = create_threads(app, case.id)
    with app.app_context():
        session = db.session
        for thread_id in slots.values():
            for n, payload in enumerate([ALL, *PAYLOADS[:40]]):
                session.add(
                    Message(
                        thread_id=thread_id,
                        author_id=(a.id, b.id, counselor.id)[n % 3],
                        body=payload,
                    )
                )
            session.flush()
            last = session.scalar(
                sa.select(sa.func.max(Message.id)).where(Message.thread_id == thread_id)
            )
            thread = session.get(MessageThread, thread_id)
            thread.last_message_id, thread.last_message_at, thread.needs_reply = (
                last,
                sa.func.now(),
                True,
            )
            for owner in (a, b, counselor):
                session.add(
                    MessageDraft(thread_id=thread_id, owner_id=owner.id, draft_seq=1, body=ALL)
                )
        for user in session.scalars(sa.select(User)):
            user.name = SHORT
        for row in session.scalars(sa.select(Case)):
            row.label = SHORT
        session.commit()
    return {"A": a, "B": b, "C": counselor, "case": case, "slots": slots}


def pages_for(role: str, world) -> list[str]:
    slots, case = world["slots"], world["case"]
    if role == "C":
        threads = list(slots.values())
        return ["/inbox", "/caseload", f"/cases/{case.id}/messages"] + [
            f"/messages/{t}" for t in threads
        ]
    own = slots[f"private-{world[role].id}"]
    return ["/me/messages", f"/messages/{slots['joint']}", f"/messages/{own}", "/me"]


@pytest.mark.parametrize("role", ["A", "B", "C"])
def test_no_payload_runs_on_any_messages_page(app, poisoned, new_visitor, role):
    visitor = new_visitor(f"messages-xss-{role}")
    visitor.login(poisoned[role].email, TEST_PASSWORD)
    failures = []
    shown = 0
    for path in pages_for(role, poisoned):
        visitor.console_errors.clear()
        page = visitor.visit(path, check_a11y=False)
        injected = page.eval_on_selector_all('[id^="xss-"]', "els => els.map(e => e.id)")
        if injected:
            failures.append(f"{path}: payload elements in the DOM {injected[:5]}")
        if visitor.console_errors:
            failures.append(f"{path}: console errors {visitor.console_errors[:3]}")
        if "<img id=xss-" in page.inner_text("body"):
            shown += 1
    if visitor.dialogs:
        failures.append(f"dialogs opened: {visitor.dialogs[:5]}")
    if [u for u in visitor.requests if "evil.example" in u]:
        failures.append("requests to evil.example")
    assert not failures, "\n".join(failures)
    assert shown >= 2, f"payloads shown as text on only {shown} pages"
