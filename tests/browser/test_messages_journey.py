"""A couple on two phones and their counselor at a desk, writing to each other.

A and B write in the joint thread and each reads the other's message; A writes privately to
the counselor and B never sees it, nor any sign of it; the counselor answers both from the
inbox; the e-mails that tell them of new messages say nothing of what was written.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import TEST_PASSWORD

PRIVATE = "PRIVATE-from-Alex: I find the evenings hard"
PRIVATE_REPLY = "PRIVATE-reply: thank you for telling me, Alex"


@pytest.fixture
def app_config(inbox):
    return {"WTF_CSRF_ENABLED": True, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port}


@pytest.fixture(autouse=True)
def at_noon():
    """A working day's noon: e-mails go out at once (outside quiet hours)."""
    with time_machine.travel(datetime(2026, 12, 2, 12, 0, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def people(factory):
    counselor = factory.counselor(name="Dr. Lee", email="lee@example.test")
    alex = factory.client(name="Alex", email="alex@example.test")
    sam = factory.client(name="Sam", email="sam@example.test")
    case = factory.case(counselor, [alex, sam], label="Alex and Sam")
    return counselor, alex, sam, case


def open_thread(visitor, title: str):
    visitor.visit("/me/messages")
    visitor.page.get_by_role("link", name=title).click()
    visitor.page.wait_for_load_state()
    visitor.check_page()
    return visitor.page


def write(page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()


def test_two_phones_and_the_inbox(app, people, new_visitor, inbox):
    counselor, alex, sam, case = people
    a = new_visitor("alex", viewport=PHONE)
    b = new_visitor("sam", viewport=PHONE)
    c = new_visitor("lee", viewport=DESKTOP)
    for visitor, person in ((a, alex), (b, sam), (c, counselor)):
        visitor.login(person.email, TEST_PASSWORD)

    # A writes in the joint thread; the composer says who will read it.
    page = open_thread(a, "Joint conversation")
    assert "You, Sam and Dr. Lee will read this." in page.inner_text("main")
    assert "not for emergencies" in page.inner_text("main")
    write(page, "Hi Sam, hi Dr. Lee 👋")
    assert "Hi Sam, hi Dr. Lee 👋" in page.inner_text(".message-list")
    assert page.get_by_label("Your message").input_value() == ""  # nothing restored once sent

    # B reads it and answers; A sees the answer.
    page = open_thread(b, "Joint conversation")
    assert "Hi Sam, hi Dr. Lee 👋" in page.inner_text(".message-list")
    write(page, "Hi Alex! Looking forward to Thursday.")
    page = open_thread(a, "Joint conversation")
    assert "Looking forward to Thursday." in page.inner_text(".message-list")
    assert "Read by Sam" in page.inner_text(".message-list")
    a.screenshot("joint-thread", viewport=PHONE)

    # A writes privately to the counselor.
    page = open_thread(a, "Private with Dr. Lee")
    assert "Only you and Dr. Lee will read this." in page.inner_text("main")
    write(page, PRIVATE)
    assert PRIVATE in page.inner_text(".message-list")
    a.screenshot("private-thread", viewport=PHONE)

    # B sees nothing of it: not on the list, not in any thread, not in the menu's count.
    listing = b.visit("/me/messages")
    b.screenshot("conversations", viewport=PHONE)
    assert "Private with Dr. Lee" in listing.inner_text("main")  # B's own private thread
    for title in ("Joint conversation", "Private with Dr. Lee"):
        assert PRIVATE not in open_thread(b, title).content()
    assert PRIVATE not in b.visit("/me").content()

    # The counselor answers both from the inbox.
    inbox_page = c.visit("/inbox")
    assert PRIVATE in inbox_page.inner_text("main")
    assert inbox_page.locator(".inbox-row.needs-reply").count() == 2
    c.screenshot("inbox", viewport=DESKTOP)
    rows = inbox_page.locator(".inbox-row")
    private_row = rows.filter(has_text="Private with Alex")
    private_row.locator("summary").click()
    private_row.get_by_label("Reply to Private with Alex").fill(PRIVATE_REPLY)
    private_row.get_by_role("button", name="Send reply").click()
    inbox_page.wait_for_load_state()
    joint_row = inbox_page.locator(".inbox-row").filter(has_text="Joint conversation")
    joint_row.locator("summary").click()
    joint_row.get_by_label("Reply to Joint conversation").fill("Glad you are both writing here.")
    joint_row.get_by_role("button", name="Send reply").click()
    inbox_page.wait_for_load_state()
    assert "Your reply is sent." in inbox_page.inner_text("main")
    assert inbox_page.locator(".inbox-row.needs-reply").count() == 0
    c.check_page()
    c.screenshot("inbox-answered", viewport=DESKTOP)
    threads = c.visit(f"/cases/{case.id}/messages")
    assert "Private with Sam" in threads.inner_text("main")
    c.screenshot("case-threads", viewport=DESKTOP)

    # Each partner reads the answer meant for them, and only that.
    assert PRIVATE_REPLY in open_thread(a, "Private with Dr. Lee").inner_text(".message-list")
    assert "Glad you are both writing here." in open_thread(b, "Joint conversation").inner_text(
        ".message-list"
    )
    for title in ("Joint conversation", "Private with Dr. Lee"):
        content = open_thread(b, title).content()
        assert PRIVATE not in content and PRIVATE_REPLY not in content
    open_thread(b, "Joint conversation")
    b.screenshot("joint-thread", viewport=PHONE)
    b.visit("/me")
    b.screenshot("home", viewport=PHONE)

    # The e-mails: "You have a new message" and a link, nothing of what was written, no names.
    assert inbox.messages, "no e-mail reached the sink"
    to = {m["To"] for m in inbox.messages}
    assert to == {alex.email, sam.email, counselor.email}
    for mail in inbox.messages:
        raw = mail.as_string()
        assert "You have a new message" in raw
        for secret in (PRIVATE, PRIVATE_REPLY, "Looking forward", "Glad you are", "Alex!", "Sam,"):
            assert secret not in raw
        assert "Dr. Lee" not in raw
