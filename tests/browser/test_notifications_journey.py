"""Journey: the counselor assigns a module; the client's bell (phone, 375 px) shows it and the
e-mail lands in a real SMTP server; the client sends an answer; the counselor's bell (1280 px)
shows it. Screenshots of the bell and the list at both widths."""

from __future__ import annotations

import re
from datetime import time

import pytest

from app.extensions import db
from app.models import User
from app.notifications import set_preferences
from app.services.modules import load_builtin_modules
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import TEST_PASSWORD
from tests.modules.conftest import break_module_cycle


@pytest.fixture
def app_config(inbox) -> dict:
    return {"WTF_CSRF_ENABLED": True, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port}


@pytest.fixture(autouse=True)
def _library(app):
    with app.app_context():
        load_builtin_modules()
        db.session.commit()
    yield
    break_module_cycle(app)


def _no_quiet_hours(app, *users) -> None:
    """The journey runs at any hour: e-mails must not wait for the morning."""
    with app.app_context():
        for user in users:
            set_preferences(db.session.get(User, user.id), quiet_start=time(0), quiet_end=time(0))
        db.session.commit()


def _bell(page) -> str:
    """What the bell says to a screen reader."""
    return " ".join(page.text_content(".nav-bell").split())


def _wider_than(page, viewport) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") > viewport["width"]


def test_assignment_and_answer_reach_each_bell_and_the_mailbox(
    app, factory, new_visitor, inbox, live_server
):
    app.config["REKINDLE_PUBLIC_URL"] = live_server  # links in e-mails lead back here
    counselor = factory.counselor(name="Dr. Morgan Lee")
    alex = factory.client(name="Alex Rivera")
    sam = factory.client(name="Sam Rivera")
    case = factory.case(counselor, [alex, sam], label="Rivera couple")
    _no_quiet_hours(app, counselor, alex, sam)

    # The counselor assigns a module to both partners.
    lee = new_visitor("counselor", viewport=DESKTOP)
    lee.login(counselor.email, TEST_PASSWORD)
    page = lee.visit(f"/cases/{case.id}")
    assert _bell(page) == "Notifications: none unread"
    page.click("text=Assign a module")
    page.wait_for_url(f"**/cases/{case.id}/assignments/new")
    page.select_option("#module", label="Reflect on the relationship")
    page.check("input[name=recipients][value=both]")
    page.click("button:has-text('Assign module'), input[value='Assign module']")
    page.wait_for_url(f"**/cases/{case.id}")

    # Alex's phone: the bell shows one unread notification, without opening the menu.
    phone = new_visitor("alex", viewport=PHONE)
    phone.login(alex.email, TEST_PASSWORD)
    page = phone.visit("/me")
    bell = page.locator(".nav-bell")
    assert bell.is_visible()
    assert _bell(page) == "Notifications: 1 unread"
    box = bell.bounding_box()
    assert box and box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 40
    assert not _wider_than(page, PHONE)
    phone.screenshot("bell-phone", viewport=PHONE)

    # The e-mail is in the mailbox: no clinical content, no names, a link back.
    [mail] = [m for m in inbox.messages if m["To"] == alex.email]
    assert mail["Subject"] == "You have something new in Rekindle"
    body = mail.get_body(("plain",)).get_content() if hasattr(mail, "get_body") else ""
    if not body:
        body = next(
            p.get_payload(decode=True).decode()
            for p in mail.walk()
            if p.get_content_type() == "text/plain"
        )
    assert "Your counselor gave you a new exercise" in body
    assert "Sam" not in body and "Reflect on the relationship" not in body
    [link] = re.findall(rf"{re.escape(live_server)}/me/exercises/\d+", body)

    # The list, then opening the notification leads to the assignment and marks it read.
    bell.click()
    page.wait_for_url("**/notifications")
    phone.check_page()
    assert "Your counselor gave you a new exercise" in page.inner_text(".notification-list")
    assert not _wider_than(page, PHONE)
    phone.screenshot("list-phone", viewport=PHONE)
    page.click("button.notification-title")
    page.wait_for_url(link)
    phone.check_page()
    assert _bell(page) == "Notifications: none unread"

    # Alex answers the first exercise, for the counselor (the default).
    page.click("text=What drew you together")
    page.fill("#text", "The walks by the river.")
    page.click("input[name=send]")
    page.wait_for_selector(".alert-success:has-text('Sent')")

    # The counselor's bell, on a desktop, shows it; the list opens on the review page.
    page = lee.visit("/caseload")
    assert _bell(page) == "Notifications: 1 unread"
    lee.screenshot("bell-desktop", viewport=DESKTOP)
    page.click(".nav-bell")
    page.wait_for_url("**/notifications")
    lee.check_page()
    listing = page.inner_text(".notification-list")
    assert "A client sent you an exercise answer" in listing and "Rivera couple" in listing
    assert "The walks by the river" not in page.content()
    lee.screenshot("list-desktop", viewport=DESKTOP)
    page.click("button.notification-title")
    page.wait_for_url(f"**/cases/{case.id}/assignments/*")
    lee.check_page()
    assert "The walks by the river." in page.inner_text("main")
    assert [m["To"] for m in inbox.messages].count(counselor.email) == 1

    # Sam was told of their own copy only; nothing of Alex's answer.
    sam_phone = new_visitor("sam", viewport=PHONE)
    sam_phone.login(sam.email, TEST_PASSWORD)
    page = sam_phone.visit("/notifications")
    assert page.locator(".notification-list li").count() == 1
    assert "gave you a new exercise" in page.inner_text(".notification-list")

    # The preferences page, reached from the list, at both widths.
    page = phone.visit("/notifications")
    page.click("text=Choose what you hear about, and when")
    page.wait_for_url("**/account/notifications")
    phone.check_page()
    assert "Discreet e-mails" in page.inner_text("main")
    assert not _wider_than(page, PHONE)
    phone.screenshot("preferences-phone", viewport=PHONE)
    phone.screenshot("preferences-desktop", viewport=DESKTOP)
    errors = phone.console_errors + lee.console_errors + sam_phone.console_errors
    assert not [e for e in errors if "favicon" not in e]
